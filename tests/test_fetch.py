"""Fetching: the Wayback dialect from a local server, politeness, faults, and resuming."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from enews_tui import paths
from enews_tui.archive import Archive
from enews_tui.cli import main
from enews_tui.fetch import FetchOptions, FetchReport, Politeness, Server, fetch
from enews_tui.fetch.cdx import CdxError, parse_pywb, parse_wayback
from enews_tui.fetch.polite import USER_AGENT, Failed, PoliteClient
from enews_tui.fetch.warcs import PART
from tests.fetch_support import Site, serve, wait_for
from tests.support import REPO

#: Limits lifted, pauses and backoff short: what the tests run with unless they test a limit.
FAST = Politeness(
    cdx_per_minute=None,
    pages_per_second=None,
    pause_429=0.3,
    backoff=0.05,
    backoff_max=0.2,
    retries=3,
    read_timeout=2.0,
)


def _fetch(folder: Path, base: str, politeness: Politeness = FAST, **kw: object) -> FetchReport:
    options = FetchOptions(folder=folder, server=Server.parse(base), politeness=politeness, **kw)  # type: ignore[arg-type]
    return fetch(options)


def _pages(folder: Path) -> dict[str, bytes]:
    archive = Archive(folder)
    return {
        f.record.url: archive.read(f)
        for f in archive.scan()
        if f.record is not None and f.record.problem is None
    }


def test_the_default_limits_are_the_polite_ones() -> None:
    """24 CDX requests a minute, 8 pages a second, at least 60 s after a 429; --rate lowers."""
    p = Politeness()
    assert p.cdx_per_minute == 24 and p.pages_per_second == 8
    assert p.pause_429 >= 60
    slower = p.lowered(2)
    assert slower.pages_per_second == 2 and slower.cdx_per_minute == 6
    assert p.lowered(50).pages_per_second == 8  # --rate only lowers
    assert "enews-tui/" in USER_AGENT


def test_wayback_dialect_follows_resume_keys_and_keeps_the_latest(tmp_path: Path) -> None:
    """JSON arrays with a header row, three rows a page: every resume key is followed; the
    latest HTML 200 capture of each URL is fetched raw and stored with its provenance."""
    site = Site.enews(5)
    with serve(site) as base:
        report = _fetch(tmp_path / "a", base)
    assert report.fetched == 5 and report.present == 0 and not report.failed
    assert len(site.cdx_queries) == 4  # 10 HTML 200 captures, 3 a page
    first = site.cdx_queries[0]
    assert first["matchType"] == ["prefix"] and first["url"] == ["enews.tufts.edu/"]
    assert sorted(first["filter"]) == ["mimetype:text/html", "statuscode:200"]
    assert site.cdx_queries[1]["resumeKey"] == ["3"]
    assert all(path.split("/")[2].endswith("id_") for _t, _k, path in site.page_requests())
    assert site.agents == {USER_AGENT}
    stored = _pages(tmp_path / "a")
    assert stored == {url: body for url, (_ts, body) in site.latest().items()}
    files = {f.record.url: f.record for f in Archive(tmp_path / "a").scan() if f.record}
    ref = files["http://enews.tufts.edu/stories/2008/0001.html"]
    assert ref.captured == "20080201120000"
    assert (
        ref.replay_url == f"{base}/web/20080201120000/http://enews.tufts.edu/stories/2008/0001.html"
    )


def test_since_and_until_choose_the_captures(tmp_path: Path) -> None:
    """--until 2006 keeps the 2005 captures (the server is asked with from/to)."""
    site = Site.enews(2)
    with serve(site) as base:
        report = _fetch(tmp_path / "a", base, until="2006")
    assert report.fetched == 2
    assert all(body.startswith(b"old ") for body in _pages(tmp_path / "a").values())
    assert site.cdx_queries[0]["to"] == ["2006"]


def test_a_second_run_downloads_nothing_and_limit_counts(tmp_path: Path) -> None:
    """--limit 2 fetches two pages; the next run the other three; a third run none."""
    site = Site.enews(5)
    with serve(site) as base:
        first = _fetch(tmp_path / "a", base, limit=2)
        second = _fetch(tmp_path / "a", base)
        before = len(site.page_requests())
        third = _fetch(tmp_path / "a", base)
    assert (first.fetched, second.fetched, second.present) == (2, 3, 2)
    assert (third.fetched, third.present) == (0, 5)
    assert len(site.page_requests()) == before


def test_dry_run_fetches_nothing_and_says_how_long(tmp_path: Path) -> None:
    """A dry run lists, plans with the rate limits, and downloads no page."""
    site = Site.enews(4)
    with serve(site) as base:
        report = _fetch(tmp_path / "a", base, Politeness(cdx_per_minute=None), dry_run=True)
    assert (report.to_fetch, report.fetched) == (4, 0)
    assert report.seconds == pytest.approx(4 / 8)
    assert not site.page_requests()


def test_pages_are_spaced_by_the_rate_limit(tmp_path: Path) -> None:
    """At 20 pages a second, 11 page requests from 4 threads span at least the 0.5 s the limit
    implies (less a margin for the server's scheduling; a loaded machine only spaces them more)."""
    site = Site.enews(11)
    polite = Politeness(cdx_per_minute=None, pages_per_second=20, backoff=0.05)
    with serve(site) as base:
        assert _fetch(tmp_path / "a", base, polite).fetched == 11
    times = sorted(t for t, _k, _p in site.page_requests())
    assert times[-1] - times[0] >= 0.5 * 0.85


@pytest.mark.parametrize(("fault", "pause"), [("429", 0.3), ("429-retry", 1.0)])
def test_a_429_pauses_everything(tmp_path: Path, fault: str, pause: float) -> None:
    """After a 429, no request of any kind goes before the pause (Retry-After when longer)."""
    site = Site.enews(3)
    url = "http://enews.tufts.edu/stories/2008/0001.html"
    site.faults[url] = [fault]
    # Two threads, their requests 200 ms apart: none is still on its way when the 429 lands.
    polite = Politeness(**{**vars(FAST), "pages_per_second": 5})
    with serve(site) as base:
        report = _fetch(tmp_path / "a", base, polite, workers=2)
    assert report.fetched == 3 and not report.failed
    log = site.page_requests()
    hit = next(i for i, (_t, _k, path) in enumerate(log) if path.endswith(url))
    after = [t for t, _k, _p in log if t > log[hit][0]]
    assert after and min(after) - log[hit][0] >= pause * 0.95


@pytest.mark.parametrize("fault", ["503", "reset", "short", "stall"])
def test_a_passing_fault_is_retried(tmp_path: Path, fault: str) -> None:
    """A 503, a reset connection, a body cut short and a stalled answer are retried with
    backoff; the page comes through whole."""
    site = Site.enews(2, stall_seconds=3.0)
    url = "http://enews.tufts.edu/stories/2008/0000.html"
    site.faults[url] = [fault, fault]
    polite = Politeness(**{**vars(FAST), "read_timeout": 0.5})
    with serve(site) as base:
        report = _fetch(tmp_path / "a", base, polite)
    assert report.fetched == 2 and not report.failed
    assert _pages(tmp_path / "a")[url] == site.latest()[url][1]
    assert sum(1 for _t, _k, p in site.page_requests() if p.endswith(url)) == 3


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("503", "server error 503"),
        ("reset", "connection"),
        ("short", "closed the connection before the page was complete"),
        ("stall", "did not answer in time"),
        ("429", "kept answering 429"),
    ],
)
def test_a_lasting_fault_fails_that_page_only_and_the_next_run_gets_it(
    tmp_path: Path, fault: str, reason: str
) -> None:
    """A page that keeps failing is reported with its reason; the others are fetched; when the
    server is well again, the next run fetches just that page."""
    site = Site.enews(3, stall_seconds=1.0)
    url = "http://enews.tufts.edu/stories/2008/0002.html"
    site.faults[url] = [fault] * 20
    polite = Politeness(**{**vars(FAST), "read_timeout": 0.4, "retries": 2, "max_429": 2,
                           "pause_429": 0.05})  # fmt: skip
    with serve(site) as base:
        report = _fetch(tmp_path / "a", base, polite)
        assert report.fetched == 2
        [(failed_url, why)] = report.failed
        assert failed_url == url and reason in why
        assert report.stopped == (fault == "429")  # 429s to the end stop the whole fetch
        site.faults.clear()
        again = _fetch(tmp_path / "a", base, polite)
    assert (again.fetched, again.present) == (1, 2)
    assert len(_pages(tmp_path / "a")) == 3


#: What a hostile or broken server can put in its status line: an escape sequence that would
#: set the terminal's title, a line break, and a reason far longer than a line.
HOSTILE_REASON = b"Not Found\x1b]0;pwned\x07\r\nX-Evil: 1 \xc2\x85" + b"y" * 500


@pytest.mark.parametrize(
    ("status", "said"), [(404, "HTTP 404 Not Found"), (503, "server error 503")]
)
def test_a_server_s_reason_phrase_is_one_clean_line(status: int, said: str) -> None:
    """The reason a failed request gives is the server's text: it reaches the user as one
    printable line of at most 200 characters."""
    reply = httpx.Response(status, extensions={"reason_phrase": HOSTILE_REASON})
    transport = httpx.MockTransport(lambda request: reply)
    client = PoliteClient(Politeness(**{**vars(FAST), "retries": 0}), transport=transport)
    with pytest.raises(Failed) as failed:
        client.get("http://enews.tufts.edu/a.html", cdx=False)
    client.close()
    message = str(failed.value)
    assert message.startswith(said) and "X-Evil: 1" in message
    assert message.isprintable() and len(message) <= 200, repr(message)


def test_a_cdx_header_row_it_cannot_use_is_named_in_one_line() -> None:
    """A CDX answer whose header row lacks the needed columns is quoted, cleaned and cut."""
    header = ["urlkey\n\x1b[2J", "when\u2028"] + ["x" * 40] * 20
    with pytest.raises(CdxError) as bad:
        parse_wayback(json.dumps([header, ["a", "b"]]))
    message = str(bad.value)
    assert message.startswith("the CDX header row lacks urlkey/timestamp/original: ")
    assert message.isprintable() and len(message) <= 200, repr(message)


def test_cdx_dialects_parse_their_documented_forms() -> None:
    """Wayback: header row, rows, an empty row, the resume key; pywb: JSON lines or CDXJ."""
    body = json.dumps([
        ["urlkey", "timestamp", "original", "mimetype", "statuscode"],
        ["edu,tufts,enews)/a", "20080101000000", "http://enews.tufts.edu/a", "text/html", "200"],
        ["edu,tufts,enews)/b", "20080101000000", "http://enews.tufts.edu/b", "image/gif", "200"],
        [],
        ["edu%2Ctufts%2Cenews%29%2Fb+20080101000000"],
    ])  # fmt: skip
    captures, resume = parse_wayback(body)
    assert [c.url for c in captures] == ["http://enews.tufts.edu/a"]
    assert resume == "edu%2Ctufts%2Cenews%29%2Fb+20080101000000"
    lines = (
        '{"urlkey": "edu,tufts,enews)/a", "timestamp": "20080101000000", '
        '"url": "http://enews.tufts.edu/a", "mime": "text/html", "status": "200"}\n'
        'edu,tufts,enews)/b 20090101000000 {"url": "http://enews.tufts.edu/b", '
        '"mime": "text/html", "status": "200"}\n'
        'edu,tufts,enews)/b 20100101000000 {"url": "http://enews.tufts.edu/b", '
        '"mime": "warc/revisit"}\n'
    )
    assert [(c.url, c.ts) for c in parse_pywb(lines)] == [
        ("http://enews.tufts.edu/a", "20080101000000"),
        ("http://enews.tufts.edu/b", "20090101000000"),
    ]


def test_cli_fetch_json_then_list_opens_the_fetched_archive(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`fetch --from` (Wayback dialect) prints the JSON summary; `list` with no --archive opens
    the fetched archive; a second fetch downloads nothing."""
    monkeypatch.setenv("ENEWS_TUI_TEST_FETCH_LIMITS", "cdx_per_minute=none")
    site = Site.enews(3)
    with serve(site) as base:
        assert main(["fetch", "--from", base, "--json"]) == 0
        summary = json.loads(capsys.readouterr().out)
        assert main(["fetch", "--from", base, "--json"]) == 0
        again = json.loads(capsys.readouterr().out)
    folder = paths.archives_dir("enews.tufts.edu")
    assert summary == {"archive": str(folder), "fetched": 3, "present": 0, "failed": []}
    assert (again["fetched"], again["present"]) == (0, 3)
    assert main(["list", "--json"]) == 0
    ids = {s["id"] for s in json.loads(capsys.readouterr().out)}
    assert ids == {f"enews.tufts.edu/stories/2008/{i:04d}.html" for i in range(3)}


def test_cli_fetch_errors_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """A server that is not there, a bad date, a bad --from: one line, no traceback."""
    assert main(["fetch", "--from", "http://127.0.0.1:9/coll", "--since", "20x8"]) == 2
    assert "not a date" in capsys.readouterr().err
    assert main(["fetch", "--from", "ftp://example.org/"]) == 2
    assert "not an http(s) server" in capsys.readouterr().err


def test_sigkill_mid_fetch_then_resume_ends_with_every_page(tmp_path: Path) -> None:
    """The real command, killed with SIGKILL while it writes: the folder reads cleanly (the
    part being written is not a WARC file yet), and the next run ends with every page."""
    site = Site.enews(40, page_delay=0.05)
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "ENEWS_TUI_TEST_FETCH_LIMITS": "cdx_per_minute=none,pages_per_second=30",
    }
    folder = tmp_path / "data" / "enews-tui" / "archives" / "enews.tufts.edu"
    command = [sys.executable, "-m", "enews_tui", "fetch", "--json"]
    with serve(site) as base:
        proc = subprocess.Popen([*command, "--from", base], env=env, cwd=REPO,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
        try:
            assert wait_for(lambda: len(site.page_requests()) >= 12)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        assert proc.returncode == -signal.SIGKILL
        parts = list(folder.glob(f"*{PART}"))
        assert parts, "the kill should leave the part being written"
        done_before = len(_pages(folder))  # only sealed files are read: no half record
        assert done_before < 40
        result = subprocess.run([*command, "--from", base], env=env, cwd=REPO,
                                capture_output=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr.decode()
    summary = json.loads(result.stdout)
    assert summary["present"] > 0  # what the killed run had written was kept
    assert summary["present"] + summary["fetched"] == 40 and not summary["failed"]
    assert not list(folder.glob(f"*{PART}"))
    assert _pages(folder) == {url: body for url, (_ts, body) in site.latest().items()}


def test_cli_dry_run_says_what_it_would_fetch(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`fetch --dry-run` names the count and the time the limits imply, and writes no page."""
    monkeypatch.setenv("ENEWS_TUI_TEST_FETCH_LIMITS", "cdx_per_minute=none")
    site = Site.enews(3)
    with serve(site) as base:
        assert main(["fetch", "--from", base, "--dry-run", "--rate", "2"]) == 0
        err = capsys.readouterr().err
        assert main(["fetch", "--from", base, "--dry-run", "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
    assert "would fetch 3 pages (0 already here), at least 2 s at 2 pages/s" in err
    assert (data["to_fetch"], data["fetched"], data["seconds"]) == (3, 0, 0.4)
    assert not site.page_requests()
    assert not Archive.holds_web_archives(paths.archives_dir("enews.tufts.edu"))
