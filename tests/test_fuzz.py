"""Fuzzing with hypothesis: the extractor on generated HTML and text saves, the query parser on
generated queries. Every page gives a valid Story or a clean PageError; every query a
SearchResult or a clean QueryError; nothing else, ever.

`ENEWS_FUZZ_EXAMPLES` sets the examples per test (200 by default, for CI); a large run is
`ENEWS_FUZZ_EXAMPLES=5000 ENEWS_FUZZ_RANDOM=1 pytest tests/test_fuzz.py`. Without
`ENEWS_FUZZ_RANDOM` the examples are derandomized, so CI always runs the same ones.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from enews_tui.archive import Archive
from enews_tui.extract import parse_story
from enews_tui.index import StoryIndex, open_index
from enews_tui.model import (
    Byline,
    Contact,
    PageError,
    QueryError,
    SearchHit,
    SearchResult,
    Section,
    Story,
)
from enews_tui.serialize import story_from_dict, story_to_dict
from tests.badinput import (
    ALL_ESCAPES,
    BANNER,
    BIDI,
    CLICK,
    STRAY,
    story_html,
    story_text,
    title_for,
    unsafe_chars,
    write_good,
)

EXAMPLES = int(os.environ.get("ENEWS_FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # bounds are asserted below where they matter; CI machines vary
    derandomize=not os.environ.get("ENEWS_FUZZ_RANDOM"),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)

# Pieces of real E-News pages and of attacks, so the generator reaches the recognizer's
# branches (datelines, bylines, contact blocks) and not only its "not a story" exit.
_FRAGMENTS = [
    BANNER,
    "Tufts University e-news",
    "left side photo",
    "Related Stories",
    "Featured Profile",
    "E-News Archives",
    "Medford/Somerville, Mass. [07.23.08] ",
    "Boston [12-31-02]",
    "[02.30.09]",
    "[13.45.99]",
    "Profile by Kaitlin Melanson, Web Communications",
    "Story by ",
    "For More Information",
    "Media Inquiries",
    "Want to help? Contact Robin Smalley at",
    "Kim Thurler",
    "T: 617.627.3175",
    "F: 617.627.4907",
    "E: someone@tufts.edu",
    "http://web.archive.org/web/20080801000000/http://enews.tufts.edu/stories/1.htm",
    "The Wayback Machine - http://web.archive.org/web/2008/http://enews.tufts.edu/x.htm",
    "URL: http://enews.tufts.edu/stories/2.htm",
    ALL_ESCAPES,
    BIDI,
    CLICK,
    STRAY,
    "\x00",
    "\r\n",
    "\u2028",
    "\ud800",
    "\U0010ffff",
    "&amp;",
    "&#27;]0;PWNED&#7;",
    "&#x9b;2J",
    "&#0;",
    "&#xD800;",
    "&#1114112;",
    "&nbsp;",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<",
    ">",
    "&",
]
_TEXT = st.one_of(
    st.sampled_from(_FRAGMENTS),
    st.text(max_size=40),
    st.text(st.characters(max_codepoint=0x2FF), max_size=20),
    st.text(st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp"]), max_size=6),
)
_TAGS = (
    "html head title body div p span b strong i a br img table tr td th tbody h1 h2 h3 h4 "
    "pre ul ol li font center script style noscript iframe form input select option "
    "blockquote hr meta article header main nav footer section figure figcaption time"
).split()
_ATTRS = st.dictionaries(
    st.sampled_from(["href", "alt", "style", "id", "class", "src", "title", "datetime", "x"]),
    st.one_of(st.sampled_from(["font-weight:bold", "wm-ipp", "", "2008-07-23"]), _TEXT),
    max_size=3,
)


def _quote(value: str) -> str:
    """An attribute value, quoted for HTML."""
    return value.replace("&", "&amp;").replace('"', "&quot;")


def _element(tag: str, attrs: dict[str, str], children: list[str], closed: bool) -> str:
    """One element with attributes and children, closed or left open."""
    attributes = "".join(f' {k}="{_quote(v)}"' for k, v in attrs.items())
    return f"<{tag}{attributes}>{''.join(children)}{f'</{tag}>' if closed else ''}"


_NODES = st.recursive(
    _TEXT,
    lambda inner: st.builds(
        _element, st.sampled_from(_TAGS), _ATTRS, st.lists(inner, max_size=5), st.booleans()
    ),
    max_leaves=40,
)
_ENCODINGS = st.sampled_from(["utf-8", "cp1252", "latin-1", "utf-16", "utf-16-le", "shift_jis"])


@st.composite
def html_pages(draw: st.DrawFn) -> tuple[bytes, str]:
    """Generated HTML: random trees, optionally around a real story page, in some encoding."""
    charset = draw(st.one_of(st.none(), _ENCODINGS, st.text(max_size=8)))
    head = f'<meta charset="{_quote(charset)}">' if charset is not None else ""
    parts = draw(st.lists(_NODES, max_size=8))
    if draw(st.booleans()):
        page = story_html(draw(st.integers(0, 99)))
        cut = draw(st.integers(0, len(page)))
        parts.insert(draw(st.integers(0, len(parts))), page[:cut])
    doctype = draw(st.sampled_from(["", "<!DOCTYPE html>", "<?xml version='1.0'?>"]))
    text = doctype + head + "".join(parts)
    encoding = draw(_ENCODINGS)
    raw = text.encode(encoding, errors="surrogatepass" if "utf" in encoding else "replace")
    if draw(st.booleans()):
        raw += draw(st.binary(max_size=64))
    return raw, draw(st.sampled_from(["page.html", "page.htm", "page.xhtml", "page.shtml"]))


@st.composite
def text_pages(draw: st.DrawFn) -> tuple[bytes, str]:
    """Generated text saves: E-News lines and noise, in some encoding and line ending."""
    lines = draw(st.lists(st.lists(_TEXT, max_size=4).map("".join), max_size=30))
    if draw(st.booleans()):
        page = story_text(draw(st.integers(0, 99))).split("\n")
        lines = page[: draw(st.integers(0, len(page)))] + lines
        draw(st.randoms()).shuffle(lines) if draw(st.booleans()) else None
    text = draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines)
    encoding = draw(_ENCODINGS)
    raw = text.encode(encoding, errors="surrogatepass" if "utf" in encoding else "replace")
    return raw, draw(st.sampled_from(["page.txt", "page.TXT", "page.html"]))


def _strings(value: Any) -> Iterator[str]:
    """Every string inside a Story (recursing through its dataclasses and tuples)."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            yield from _strings(getattr(value, f.name))
    elif isinstance(value, tuple):
        for item in value:
            yield from _strings(item)


def _check_story(story: Story, name: str) -> None:
    """A valid Story: typed fields, a title, and no control or invisible character anywhere."""
    assert isinstance(story, Story)
    assert story.id == "page" and story.source == name
    assert isinstance(story.title, str) and story.title.strip()
    assert story.date is None or isinstance(story.date, dt.date)
    assert story.byline is None or isinstance(story.byline, Byline)
    assert all(isinstance(s, Section) for s in story.sections)
    assert all(isinstance(c, Contact) and c.name.strip() for c in story.contacts)
    for text in _strings(story):
        assert not unsafe_chars(text), (text, unsafe_chars(text))
        text.encode("utf-8")  # no lone surrogates: the index stores UTF-8
    # The JSON contract (`show --json`, and how the index stores a story) round-trips it.
    assert story_from_dict(json.loads(json.dumps(story_to_dict(story)))) == story


def _parse(raw: bytes, name: str) -> None:
    """Parse one page and check the outcome against the contract."""
    try:
        story = parse_story(raw, name)
    except PageError as exc:  # NotAStory is a PageError
        event(f"outcome: {type(exc).__name__}")
        reason = str(exc)
        assert reason.strip() and "\n" not in reason and not unsafe_chars(reason), reason
        return
    event("outcome: Story")
    _check_story(story, name)


@FUZZ
@given(html_pages())
def test_extractor_on_generated_html(page: tuple[bytes, str]) -> None:
    """Random HTML never escapes the extractor's contract."""
    _parse(*page)


@FUZZ
@given(text_pages())
def test_extractor_on_generated_text_saves(page: tuple[bytes, str]) -> None:
    """Random text saves never escape the extractor's contract."""
    _parse(*page)


#: Pieces of news pages of other sites, so generated pages take the general path (lxml,
#: trafilatura, meta tags, JSON-LD) and reach its branches: titles, bylines, dates, contacts.
_GENERAL_FRAGMENTS = [
    '<meta property="og:title" content="Council Votes | Valley News">',
    '<meta property="article:published_time" content="2004-06-03T10:00:00Z">',
    '<meta name="author" content="Jane Doe">',
    '<meta name="author" content="http://example.com/jane">',
    '<script type="application/ld+json">{"@type":"NewsArticle","headline":"H",'
    '"datePublished":"2004-06-03","author":[{"name":"A B"},"C D",7,null]}</script>',
    '<script type="application/ld+json">{"@graph":[{"@type":["Article"],"author":{}}]}</script>',
    '<script type="application/ld+json">[[[{"@type":"Article"</script>',
    '<time datetime="2004-13-45">June 3, 2004</time>',
    "<h1>Council Votes to Fix the Bridge</h1>",
    "<p>By Jane Doe, Staff Writer</p>",
    "<p>Posted by Lisa Wong on March 5, 2009</p>",
    "<p>June 3, 2004</p>",
    "<p><b>BOSTON --</b> The council met on Tuesday night and voted to repair the bridge, "
    "which has been closed since a storm damaged it in the spring.</p>",
    "<p>MURFREESBORO, Tenn. (June 3, 2004) — Students won.</p>",
    "<p>CONTACT: Gina Fann, 615-898-2449, gfann@midstate.edu</p>",
    "<p>EDITORIAL CONTACTS:<br>Dana Whitfield<br>(617) 627-3175<br>d@alder.edu</p>",
    "<p>For more information, contact Tom Alvarez at (312) 555-0187 or t@lake.edu.</p>",
    "<p>Contacts: Jane Doe, 617-555-0100; John Roe, 617.555.0101</p>",
    "<p>###</p>",
    "<p>Advertisement</p>",
    "<h3>3 Responses to this post</h3>",
    "<h2>A Long Road</h2>",
    "<ul><li><a href='/a'>Headline one about the city</a></li><li><a href='/b'>Two</a></li></ul>",
    "<figure><img alt='A photo'><figcaption>Photo by Lee Park</figcaption></figure>",
    "<p>The council met on Tuesday night and voted to repair the old bridge over the river, "
    "which has been closed to cars since a storm damaged it in the spring.</p>",
    "<title>Bridge | Valley News</title>",
]
_GENERAL_PAGES = sorted((Path(__file__).parent / "fixtures" / "pages" / "general").glob("*.html"))


@st.composite
def general_pages(draw: st.DrawFn) -> tuple[bytes, str]:
    """Generated pages of other sites: fixture pages cut and spliced, news fragments, noise."""
    parts = draw(st.lists(st.one_of(st.sampled_from(_GENERAL_FRAGMENTS), _NODES), max_size=12))
    if draw(st.booleans()):
        page = draw(st.sampled_from(_GENERAL_PAGES)).read_bytes().decode("utf-8", "replace")
        a = draw(st.integers(0, len(page)))
        b = draw(st.integers(a, len(page)))
        parts.insert(draw(st.integers(0, len(parts))), page[a:b])
    text = "<html><head>" + "".join(parts)
    encoding = draw(_ENCODINGS)
    raw = text.encode(encoding, errors="surrogatepass" if "utf" in encoding else "replace")
    return raw, draw(st.sampled_from(["page.html", "page.htm", "page"]))


@FUZZ
@given(general_pages())
def test_extractor_on_generated_news_pages_of_other_sites(page: tuple[bytes, str]) -> None:
    """Pages for the general path never escape the extractor's contract."""
    _parse(*page)


def test_mangled_general_fixtures_only_raise_page_errors() -> None:
    """Every general fixture cut, spliced and re-encoded: a Story or a clean PageError."""
    step = 0
    for path in _GENERAL_PAGES:
        raw = path.read_bytes()
        for cut in range(0, len(raw), max(1, len(raw) // 12)):
            step += 1
            mangled = raw[:cut] + bytes([step % 256]) * (step % 5) + raw[cut + step % 40 :]
            try:
                story = parse_story(mangled, "page.html")
            except PageError as exc:
                assert str(exc).strip() and "\n" not in str(exc)
                continue
            _check_story(story, "page.html")


@FUZZ
@given(st.binary(max_size=2048), st.sampled_from(["page.html", "page.txt", "page.htm"]))
def test_extractor_on_random_bytes(raw: bytes, name: str) -> None:
    """Arbitrary bytes: a Story (rarely) or a clean PageError."""
    _parse(raw, name)


_QUERY_TOKENS = st.one_of(
    st.sampled_from(
        [
            "story",
            "campus",
            "research",
            "Museum",
            "kim",
            "thurler",
            '"',
            '"campus research"',
            "(",
            ")",
            "[",
            "]",
            "{",
            "}",
            ":",
            "*",
            "~",
            "~2",
            "^",
            "^3",
            "?",
            "-",
            "+",
            "!",
            "\\",
            "'",
            "/",
            "AND",
            "OR",
            "NOT",
            "ANDNOT",
            "TO",
            "to",
            "title:",
            "teaser:",
            "body:",
            "byline:",
            "dateline:",
            "contacts:",
            "id:",
            "nosuchfield:",
            "date:",
            "date:2008",
            "date:2008-02",
            "date:2008-02-30",
            "date:[2007 to 2008]",
            "date:[to 2005]",
            "date:{2004 to}",
            "date:>2005",
            "date:<=2003-06",
            "date:2008-13",
            "date:99999",
            "date:[2008 TO 2007]",
            "mus*",
            "*seum",
            "campu~",
            "musem~1",
            "m?seum",
        ]
    ),
    st.text(max_size=8),
    st.text(st.characters(categories=["Cc", "Cf", "Po", "Ps", "Pe", "Sm"]), max_size=4),
)
_QUERIES = st.lists(st.tuples(_QUERY_TOKENS, st.sampled_from([" ", "", "  "])), max_size=12).map(
    lambda parts: "".join(token + sep for token, sep in parts)
)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StoryIndex]:
    """A small real index (the extractor's stories) to run generated queries against."""
    base = tmp_path_factory.mktemp("fuzz")
    root = base / "archive"
    write_good(root, 0, 30)
    with open_index(Archive(root), base / "cache") as ix:
        ix.refresh()
        assert ix.count() == 30
        yield ix


def _check_result(result: SearchResult, query: str, count: int) -> None:
    """A well-formed SearchResult for `query` over `count` stories."""
    assert isinstance(result, SearchResult) and result.query == query
    assert 0 <= len(result.hits) <= result.total <= count
    for hit in result.hits:
        assert isinstance(hit, SearchHit) and hit.title
        for start, end in hit.spans:
            assert 0 <= start < end <= len(hit.snippet)
    assert all(isinstance(term, str) for term in result.terms)
    assert result.suggestion is None or isinstance(result.suggestion, str)


@FUZZ
@given(query=_QUERIES, sort=st.sampled_from(["relevance", "date"]))
def test_query_parser_on_generated_queries(index: StoryIndex, query: str, sort: str) -> None:
    """Any query: a SearchResult, or a QueryError with one line for the user."""
    try:
        result = index.search(query, limit=10, sort="date" if sort == "date" else "relevance")
    except QueryError as exc:
        event("outcome: QueryError")
        message = str(exc)
        assert message.strip() and "\n" not in message, message
        assert index.highlight_terms(query) == ()
        return
    event(f"outcome: SearchResult ({'hits' if result.total else 'none'})")
    _check_result(result, query, index.count())
    terms = index.highlight_terms(query)
    assert isinstance(terms, tuple)


_LABELS = st.one_of(
    st.sampled_from(
        ["utf-8", "UTF8", "windows-1252", "iso-8859-1", "us-ascii", "latin1", "utf-16"]
        + ["rot13", "base64", "hex", "zlib", "undefined", "punycode", "x-bogus", "", " "]
    ),
    st.text(st.characters(max_codepoint=0x7E, exclude_characters='"<>'), max_size=12),
)


@FUZZ
@given(n=st.integers(0, 500), label=_LABELS)
def test_a_good_page_survives_any_charset_declaration(n: int, label: str) -> None:
    """A real story page in UTF-8 stays a story whatever its (possibly bogus) charset says."""
    story = parse_story(story_html(n, charset=label).encode("utf-8"), "page.html")
    _check_story(story, "page.html")
    assert story.title == title_for(n)
