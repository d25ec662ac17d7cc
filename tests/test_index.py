"""The index: refresh, every query form, snippets, suggestions, contacts and related stories."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from enews_tui.archive import Archive
from enews_tui.index import StoryIndex, open_index
from enews_tui.model import Byline, Contact, QueryError, Story
from tests.index_support import bump, json_parser, make_story, write_story

THURLER = Contact("Media Inquiries", "Kim Thurler", None, "617.627.3175", "617.627.4907")
REID = Contact("Media Inquiries", "Alexander Reid", None, "617.627.4173", "617.627.4907")

STORIES = (
    make_story(
        "rowing/crew-wins",
        "Crew team wins the Head of the Charles",
        (
            "The rowing crew raced eight oarsmen down the river at dawn.",
            "Coaches say the rowers trained on the river every morning, rowing through rain.",
        ),
        date=dt.date(2008, 10, 20),
        dateline="Medford/Somerville, Mass.",
        byline=Byline("Story by", "Kaitlin Melanson", "Web Communications"),
        contacts=(THURLER,),
    ),
    make_story(
        "rowing/boathouse",
        "A new boathouse for the rowers",
        (
            "The boathouse on the Mystic river gives the rowing team room for eight boats.",
            "Oarsmen and coxswains will train there; rowing starts each spring.",
        ),
        date=dt.date(2007, 4, 2),
        contacts=(THURLER, REID),
    ),
    make_story(
        "rowing/regatta",
        "Regatta draws rowers from across New England",
        ("Crews rowed the river course; the oarsmen praised the boathouse and the coaches.",),
        date=dt.date(2006, 5, 14),
        contacts=(Contact("For More Information", "kim  THURLER.", None, None, None, "k@tufts"),),
    ),
    make_story(
        "health/vaccine-trial",
        "Vaccine trial enrolls volunteers",
        (
            "Researchers began a vaccine trial against influenza; the immune response was strong.",
            "The vaccine researchers counseled volunteers about antibodies and immunity.",
        ),
        date=dt.date(2009, 1, 5),
        teaser="A mentor program pairs nurses with volunteers.",
        heading="Immune response",
    ),
    make_story(
        "health/vaccine-cold",
        "Cold storage for vaccines",
        ("Vaccine doses need cold storage; researchers measured the antibodies and immunity.",),
        date=dt.date(2004, 2, 29),
        byline=Byline("Profile by", "Jane Doe", "Tufts Journal"),
    ),
    make_story(
        "health/vaccine-school",
        "Veterinary school tests a vaccine",
        ("Vaccine research at the veterinary school studies immune antibodies in animals.",),
        date=dt.date(2010, 6, 1),
        dateline="Grafton, Mass.",
    ),
    make_story(
        "misc/cafe",
        "Café opens in the Résumé Center",
        ("Counseling staff and mentor mothers meet at the new café near the résumé office.",),
    ),
)


def build(root: Path, stories: tuple[Story, ...] = STORIES) -> StoryIndex:
    """An index over `stories` written under `root`, refreshed."""
    for story in stories:
        write_story(root, story)
    index = open_index(Archive(root), parser=json_parser)
    index.refresh()
    return index


@pytest.fixture
def index(tmp_path: Path) -> Iterator[StoryIndex]:
    """The index of STORIES."""
    with build(tmp_path / "archive") as ix:
        yield ix


def ids(index: StoryIndex, query: str, **kwargs: object) -> list[str]:
    """The ids a query finds, in order."""
    return [h.id for h in index.search(query, **kwargs).hits]  # type: ignore[arg-type]


def test_open_is_empty_until_refresh_and_lives_under_the_cache(tmp_path: Path) -> None:
    """Opening parses nothing; the index lives in the user cache folder, named per archive."""
    write_story(tmp_path / "a", STORIES[0])
    with open_index(Archive(tmp_path / "a"), parser=json_parser) as ix:
        assert ix.count() == 0
        assert ix.location.parent.name == "enews-tui"
        assert ix.location.name.startswith("index-v")
        assert ix.refresh().indexed == 1
        assert ix.count() == 1


def test_refresh_follows_added_changed_and_deleted_files(tmp_path: Path) -> None:
    """Only new and changed files are parsed; deleted ones leave the index."""
    root = tmp_path / "archive"
    with build(root, STORIES[:3]) as ix:
        assert ix.count() == 3
        generation = ix.generation
        report = ix.refresh()
        assert (report.indexed, report.unchanged, report.removed) == (0, 3, 0)
        assert ix.generation == generation

        write_story(root, STORIES[3])
        changed = write_story(root, make_story("rowing/boathouse", "Boathouse renamed for a donor"))
        bump(changed)
        (root / "rowing/regatta.txt").unlink()
        report = ix.refresh()
        assert (report.indexed, report.unchanged, report.removed) == (2, 1, 1)
        assert ix.generation > generation
        assert sorted(s.id for s in ix.summaries()) == [
            "health/vaccine-trial",
            "rowing/boathouse",
            "rowing/crew-wins",
        ]
        assert ids(ix, "donor") == ["rowing/boathouse"]
        assert ids(ix, "donr~") == ["rowing/boathouse"]  # typo terms across several segments
        assert ids(ix, "dono*") == ["rowing/boathouse"]
        assert ids(ix, "regatta") == []
        story = ix.story("rowing/boathouse")
        assert story is not None and story.title == "Boathouse renamed for a donor"


def test_skipped_files_are_reported_with_reasons_and_not_reparsed(tmp_path: Path) -> None:
    """A page the parser refuses is listed with its reason on every refresh."""
    root = tmp_path / "archive"
    root.mkdir()
    (root / "bad.txt").write_text("not json", "utf-8")
    (root / "index.txt").write_text("{}", "utf-8")
    with build(root, STORIES[:1]) as ix:
        report = ix.refresh()
        assert {(s.source, s.reason) for s in report.skipped} == {
            ("bad.txt", "not a JSON story"),
            ("index.txt", "no title"),
        }
        assert report.indexed == 0 and report.unchanged == 1


def test_rebuild_reports_everything_indexed(index: StoryIndex) -> None:
    """`refresh(rebuild=True)` builds afresh and the old build goes away."""
    report = index.refresh(rebuild=True)
    assert report.indexed == len(STORIES)
    assert index.count() == len(STORIES)
    assert len([p for p in index.location.iterdir() if p.name.startswith("b-")]) == 1


def test_progress_is_reported(tmp_path: Path) -> None:
    """progress(done, total) reaches total."""
    for story in STORIES:
        write_story(tmp_path / "a", story)
    calls: list[tuple[int, int]] = []
    with open_index(Archive(tmp_path / "a"), parser=json_parser) as ix:
        ix.refresh(progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (len(STORIES), len(STORIES))


def test_summaries_newest_first_undated_last(index: StoryIndex) -> None:
    """The list order: by date, newest first, stories without a date at the end."""
    dates = [s.date for s in index.summaries()]
    assert dates[-1] is None
    dated = [d for d in dates if d is not None]
    assert dated == sorted(dated, reverse=True)


def test_story_round_trips_without_the_archive(index: StoryIndex, tmp_path: Path) -> None:
    """The reader's story comes from the index, even when its file is gone."""
    (tmp_path / "archive/rowing/crew-wins.txt").unlink()
    story = index.story("rowing/crew-wins")
    assert story == STORIES[0]
    assert index.story("nope") is None


def test_empty_query_lists_everything_newest_first(index: StoryIndex) -> None:
    """A blank query is every story, newest first, with the total."""
    result = index.search("  ")
    assert result.total == len(STORIES)
    assert [h.id for h in result.hits] == [s.id for s in index.summaries()]
    assert index.search("", limit=2).total == len(STORIES)
    assert len(index.search("", limit=2).hits) == 2


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("counseling", {"health/vaccine-trial", "misc/cafe"}),  # stemming: counseled
        ("COUNSELED", {"health/vaccine-trial", "misc/cafe"}),  # case folding
        ("resume cafe", {"misc/cafe"}),  # accent folding, and both words
        ("rowing boathouse", {"rowing/boathouse", "rowing/regatta"}),  # AND by default
        (
            "boathouse OR vaccine",
            {
                "rowing/boathouse",
                "rowing/regatta",
                "health/vaccine-trial",
                "health/vaccine-cold",
                "health/vaccine-school",
            },
        ),
        ("vaccine NOT school", {"health/vaccine-trial", "health/vaccine-cold"}),
        ("vaccine AND cold", {"health/vaccine-cold"}),
        ('"cold storage"', {"health/vaccine-cold"}),
        ('"storage cold"', set()),
        ("title:boathouse", {"rowing/boathouse"}),
        ("author:melanson", {"rowing/crew-wins"}),
        ("byline:journal", {"health/vaccine-cold"}),
        ('byline:"web communications"', {"rowing/crew-wins"}),  # a field's phrase
        ('author:"communications web"', set()),
        ("contact:thurler", {"rowing/crew-wins", "rowing/boathouse", "rowing/regatta"}),
        ("contact:617.627.4173", {"rowing/boathouse"}),
        ("dateline:grafton", {"health/vaccine-school"}),
        ("teaser:mentor", {"health/vaccine-trial"}),
        ("body:mentor", {"misc/cafe"}),
        ("immun*", {"health/vaccine-trial", "health/vaccine-cold", "health/vaccine-school"}),
        ("vacine~", {"health/vaccine-trial", "health/vaccine-cold", "health/vaccine-school"}),
        ("date:2008", {"rowing/crew-wins"}),
        ("date:2004-02", {"health/vaccine-cold"}),
        ("date:2004-02-29", {"health/vaccine-cold"}),
        ("date:[2007 to 2008]", {"rowing/crew-wins", "rowing/boathouse"}),
        ("date:[2009 to]", {"health/vaccine-trial", "health/vaccine-school"}),
        ("date:>2008", {"health/vaccine-trial", "health/vaccine-school"}),
        ("date:>=2008", {"rowing/crew-wins", "health/vaccine-trial", "health/vaccine-school"}),
        ("date:<2006", {"health/vaccine-cold"}),
        ("date:<=2006", {"health/vaccine-cold", "rowing/regatta"}),
        ("vaccine date:>2005", {"health/vaccine-trial", "health/vaccine-school"}),
    ],
)
def test_query_language(index: StoryIndex, query: str, expected: set[str]) -> None:
    """Every query form finds exactly the stories it should."""
    result = index.search(query, limit=None)
    assert {h.id for h in result.hits} == expected
    assert result.total == len(expected)


def test_title_matches_rank_first(index: StoryIndex) -> None:
    """A word in the title outranks the same word in another story's body."""
    assert ids(index, "boathouse")[0] == "rowing/boathouse"


def test_sort_by_date(index: StoryIndex) -> None:
    """--sort date: newest first."""
    assert ids(index, "vaccine", sort="date") == [
        "health/vaccine-school",
        "health/vaccine-trial",
        "health/vaccine-cold",
    ]


def test_limit_keeps_the_total(index: StoryIndex) -> None:
    """A limit shortens the hits, not the total."""
    result = index.search("vaccine", limit=1)
    assert (len(result.hits), result.total) == (1, 3)


def test_snippet_spans_point_at_the_matched_words(index: StoryIndex) -> None:
    """Spans are offsets into the snippet, on every form of the word, stemmed or prefixed."""
    hit = index.search("counseling").hits[0]
    words = {hit.snippet[a:b].lower() for a, b in hit.spans}
    assert words and words <= {"counseled", "counseling"}

    for hit in index.search("rowing river").hits:
        marked = [hit.snippet[a:b].lower() for a, b in hit.spans]
        assert marked and set(marked) <= {"rowing", "rowed", "river", "rowers", "rower"}
        assert len(hit.snippet) <= 210

    hit = index.search("immun*").hits[0]
    assert all(hit.snippet[a:b].lower().startswith("immun") for a, b in hit.spans)
    hit = index.search("résumé").hits[0]
    assert {hit.snippet[a:b] for a, b in hit.spans} == {"résumé"}


def test_snippet_is_cut_around_the_match_in_a_long_body(tmp_path: Path) -> None:
    """In a long body the snippet is the part around the match, with ellipses."""
    long = make_story(
        "long",
        "Long story",
        (
            " ".join(["filler words here"] * 80)
            + " the zeppelin landed "
            + " ".join(["more filler text"] * 80),
        ),
    )
    with build(tmp_path / "a", (long,)) as ix:
        hit = ix.search("zeppelin").hits[0]
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert [hit.snippet[a:b] for a, b in hit.spans] == ["zeppelin"]
    assert hit.snippet[:-1].rstrip()


def test_snippets_can_be_left_out(index: StoryIndex) -> None:
    """snippets=False: empty snippet, no spans."""
    hit = index.search("vaccine", snippets=False).hits[0]
    assert (hit.snippet, hit.spans) == ("", ())


def test_terms_for_the_reader(index: StoryIndex) -> None:
    """result.terms and highlight_terms agree and include what was typed and what it stems to."""
    result = index.search("Counseling immun* -x NOT school")
    assert "counseling" in result.terms and "counsel" in result.terms
    assert "immun" in result.terms
    assert "school" not in result.terms
    assert index.highlight_terms("Counseling immun* -x NOT school") == result.terms
    assert "vaccin" in index.highlight_terms("vacine~")  # a stem: the reader marks words it starts
    assert index.highlight_terms('"unbalanced') == ()


def test_suggestion_when_nothing_matches(index: StoryIndex) -> None:
    """No hits: a corrected query string is offered."""
    result = index.search("mentr")
    assert (result.total, result.suggestion) == (0, "mentor")
    result = index.search("vaccine imunity")
    assert result.suggestion == "vaccine immunity"
    assert index.search("title:boathuose").suggestion == "title:boathouse"
    assert index.search("vaccine").suggestion is None
    assert index.search("zzzzqqq").suggestion is None
    # Offered only when the corrected query finds something (searched as a query is, and by
    # Whoosh's matchers for what only they run, here NOT)
    assert index.search("mentor mentr").suggestion == "mentor mentor"
    assert index.search("boathouse mentr").suggestion is None
    assert index.search("mentr NOT mentor").suggestion is None
    assert index.search("mentr NOT boathouse").suggestion == "mentor NOT boathouse"


@pytest.mark.parametrize(
    "query",
    [
        '"cold storage',
        "(vaccine OR cold",
        "vaccine)",
        "date:[2007 to",
        "date:[2007 to zz]",
        "date:2008-13",
        "date:soon",
        "date:>",
        "colour:red",
        "title:",
        "date:[to]",
        'date:""',
        'date:"2008"',
    ],
)
def test_malformed_queries_raise_query_error(index: StoryIndex, query: str) -> None:
    """What Whoosh would silently misread is a one-line QueryError."""
    with pytest.raises(QueryError) as info:
        index.search(query)
    assert str(info.value) and "\n" not in str(info.value)


def test_contacts_are_merged_across_stories(index: StoryIndex) -> None:
    """The same person on three stories (spelled with other case and spacing) is one entry."""
    entries = index.contacts()
    thurler = [e for e in entries if "thurler" in e.name.lower()]
    assert len(thurler) == 1
    entry = thurler[0]
    assert set(entry.stories) == {"rowing/crew-wins", "rowing/boathouse", "rowing/regatta"}
    assert (entry.phone, entry.fax, entry.email) == ("617.627.3175", "617.627.4907", "k@tufts")
    assert set(entry.groups) == {"Media Inquiries", "For More Information"}
    reid = [e for e in entries if e.name == "Alexander Reid"]
    assert len(reid) == 1 and reid[0].stories == ("rowing/boathouse",)


def test_related_stories_share_the_subject(index: StoryIndex) -> None:
    """A rowing story's related stories are the other rowing stories first."""
    related = [s.id for s in index.related("rowing/crew-wins")]
    assert related[:2] and set(related[:2]) == {"rowing/boathouse", "rowing/regatta"}
    assert "rowing/crew-wins" not in related
    vaccine = [s.id for s in index.related("health/vaccine-cold", limit=2)]
    assert set(vaccine) == {"health/vaccine-trial", "health/vaccine-school"}
    assert index.related("nope") == []


def test_search_is_thread_safe(index: StoryIndex) -> None:
    """Searches from several threads at once all answer correctly."""
    from concurrent.futures import ThreadPoolExecutor

    def run(n: int) -> int:
        return index.search(["vaccine", "rowing", "mentor"][n % 3]).total

    with ThreadPoolExecutor(4) as pool:
        totals = list(pool.map(run, range(60)))
    assert set(totals) <= {3, 2} and totals.count(3) == 40


def test_a_second_instance_sees_a_refresh(tmp_path: Path) -> None:
    """Another StoryIndex on the same archive follows the first one's refreshes."""
    root = tmp_path / "archive"
    with build(root, STORIES[:2]) as first:
        second = open_index(Archive(root), parser=json_parser)
        assert second.count() == 2
        write_story(root, STORIES[3])
        first.refresh()
        assert second.count() == 3
        assert [h.id for h in second.search("vaccine").hits] == ["health/vaccine-trial"]
        first.refresh(rebuild=True)
        assert second.search("vaccine").total == 1
        second.close()


QUERY_ALPHABET = list('ab rowing vaccine "():[]{}*?~^-+><=!/\\.,;&|é') + [
    "AND",
    " OR ",
    " NOT ",
    "date:",
    "title:",
    "author:",
    " to ",
    "2008",
    "\x00",
    "\u202e",
]


def test_any_query_is_hits_or_a_query_error(tmp_path: Path) -> None:
    """Generated queries: never an exception other than a one-line QueryError."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    with build(tmp_path / "archive") as ix:

        @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
        @given(st.lists(st.sampled_from(QUERY_ALPHABET), max_size=12).map("".join))
        def check(query: str) -> None:
            for sort in ("relevance", "date"):
                try:
                    ix.search(query, sort=sort)
                except QueryError as exc:
                    assert str(exc) and "\n" not in str(exc)
            ix.highlight_terms(query)

        check()


def test_result_echoes_the_query(index: StoryIndex) -> None:
    """result.query is the query as given."""
    assert index.search("Counseling").query == "Counseling"
    assert index.search("").query == ""


def test_close_stops_a_running_refresh(tmp_path: Path) -> None:
    """Closing the index (the app quitting) stops a refresh between chunks, nothing kept."""
    root = tmp_path / "archive"
    for n in range(100):
        write_story(root, make_story(f"s{n:03d}", f"Story {n}", ("harbor",)))
    ix = open_index(Archive(root), parser=json_parser)

    def progress(done: int, total: int) -> None:
        if done:
            ix.close()

    report = ix.refresh(progress=progress)
    assert report.notices == ("the index refresh was stopped",)
    with open_index(Archive(root), parser=json_parser) as again:
        assert again.count() == 0
        assert not list(again.location.glob("tmp-*"))
        assert again.refresh().indexed == 100


def test_sort_by_date_puts_undated_stories_last(index: StoryIndex) -> None:
    """An undated story sorts after every dated one."""
    assert ids(index, "counseling OR vaccine", sort="date")[-1] == "misc/cafe"
    assert ids(index, "counseling OR vaccine", sort="date")[0] == "health/vaccine-school"


def test_prefix_total_counts_every_match(tmp_path: Path) -> None:
    """A prefix query reports every match whatever the limit: once stories matching in three
    fields fill the top, the one-field matches after them must still be counted."""
    stories = tuple(
        make_story(
            f"p{n:03d}",
            "Flyer" if 40 <= n < 80 else f"Story {n}",
            ("flying high",),
            teaser="flyers" if 40 <= n < 80 else None,
        )
        for n in range(120)
    )
    with build(tmp_path / "a", stories) as ix:
        for limit in (5, 50, None):
            assert ix.search("fly*", limit=limit).total == 120
        assert len(ix.search("fly*", limit=None).hits) == 120


def test_searching_while_a_refresh_runs_in_another_thread(tmp_path: Path) -> None:
    """The app refreshes in a worker thread while the UI searches: the old index answers until
    the new one is in place, and nothing fails."""
    import threading

    root = tmp_path / "archive"
    with build(root, STORIES) as ix:
        for n in range(60):
            write_story(root, make_story(f"extra/s{n:02d}", f"Extra {n}", ("vaccine news",)))
        errors: list[BaseException] = []
        totals: list[int] = []
        done = threading.Event()

        def refresh() -> None:
            try:
                ix.refresh(rebuild=True)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                done.set()

        worker = threading.Thread(target=refresh)
        worker.start()
        while not done.is_set():
            totals.append(ix.search("vaccine").total)
            ix.summaries()
        worker.join()
        assert not errors
        assert set(totals) <= {3, 63}
        assert ix.search("vaccine").total == 63


def test_a_build_by_worker_processes_finds_and_counts_every_story(tmp_path: Path) -> None:
    """A big archive is indexed by two worker processes (one segment each) and refreshed (a
    third): every kind of query counts each matching story once, whatever the limit, and ranks
    them the same way whatever the limit."""
    stories = tuple(
        make_story(
            f"w{n:03d}",
            f"Harbor report {n}" if n % 5 == 0 else f"Report {n}",
            (
                "The harbor master spoke." if n % 3 == 0 else "Nothing about the sea.",
                "Rowing crews trained at dawn." if n % 4 == 0 else "A quiet week.",
            ),
        )
        for n in range(240)
    )
    root = tmp_path / "archive"
    with build(root, stories) as ix:
        for n in range(240, 250):
            write_story(root, make_story(f"w{n:03d}", f"Harbor extra {n}", ("rowing harbor",)))
        assert ix.refresh().indexed == 10
        expected = {
            "harbor": {n for n in range(240) if n % 3 == 0 or n % 5 == 0} | set(range(240, 250)),
            "harbor rowing": {n for n in range(240) if n % 12 == 0 or (n % 20 == 0)}
            | set(range(240, 250)),
            '"harbor master"': {n for n in range(240) if n % 3 == 0},
            "harbor NOT rowing": {n for n in range(240) if (n % 3 == 0 or n % 5 == 0) and n % 4},
            "harb*": {n for n in range(240) if n % 3 == 0 or n % 5 == 0} | set(range(240, 250)),
            "harbr~": {n for n in range(240) if n % 3 == 0 or n % 5 == 0} | set(range(240, 250)),
            "title:harbor": {n for n in range(240) if n % 5 == 0} | set(range(240, 250)),
        }
        for query, numbers in expected.items():
            want = {f"w{n:03d}" for n in numbers}
            every = ix.search(query, limit=None, snippets=False)
            assert every.total == len(want), query
            assert {h.id for h in every.hits} == want, query
            top = ix.search(query, limit=7, snippets=False)
            assert top.total == len(want), query
            assert [h.id for h in top.hits] == [h.id for h in every.hits[:7]], query


def test_a_story_opens_while_a_search_runs(
    index: StoryIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening a story does not wait for a slow search to finish (the search is held until the
    story is back: were the story waiting for it, the search would be over by then)."""
    import threading

    from enews_tui.index.query import search as searching

    started, release = threading.Event(), threading.Event()
    real = searching.search

    def slow(*args: Any, **kwargs: Any) -> Any:
        started.set()
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(searching, "search", slow)
    results: list[int] = []
    searching_thread = threading.Thread(
        target=lambda: results.append(index.search("vaccine").total)
    )
    searching_thread.start()
    try:
        assert started.wait(10)
        story = index.story("health/vaccine-cold")
        assert story is not None and story.title == "Cold storage for vaccines"
        assert searching_thread.is_alive() and not results
    finally:
        release.set()
        searching_thread.join()
    assert results == [3]
    assert index.story("nope") is None


def test_a_cancelled_refresh_stops_and_keeps_nothing_half_done(tmp_path: Path) -> None:
    """A refresh told to stop (the app cancelling its worker) stops between runs of files: no
    partial build is kept, and the next refresh builds everything."""
    root = tmp_path / "archive"
    for n in range(100):
        write_story(root, make_story(f"s{n:03d}", f"Story {n}", ("harbor",)))
    stop = False

    def progress(done: int, total: int) -> None:
        nonlocal stop
        stop = stop or done > 0

    with open_index(Archive(root), parser=json_parser) as ix:
        report = ix.refresh(progress=progress, cancelled=lambda: stop)
        assert report.notices == ("the index refresh was stopped",)
        assert ix.count() == 0
        assert ix.refresh().indexed == 100
        assert ix.search("harbor").total == 100


def test_a_first_build_hands_over_each_story_as_it_is_stored(tmp_path: Path) -> None:
    """A first launch lists the stories while the build runs: `found` gets every story once,
    with the title, date and dateline the finished index lists."""
    root = tmp_path / "a"
    for story in STORIES:
        write_story(root, story)
    batches: list[list[Any]] = []
    with open_index(Archive(root), parser=json_parser) as ix:
        ix.refresh(found=batches.append)
        handed = [s for batch in batches for s in batch]
        assert sorted(handed, key=lambda s: s.id) == sorted(ix.summaries(), key=lambda s: s.id)
        assert any(s.date is not None for s in handed)
