"""Reading web-archive files: WARC (gzip and plain), ARC, WACZ, revisits and damaged records."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest

from enews_tui.archive import Archive, ArchiveFile
from enews_tui.archive import warc as archive_warc
from enews_tui.cli import main
from enews_tui.model import PageError
from tests.warc_support import Rec, arc_bytes, story, wacz_bytes, warc_bytes, write


def _pages(files: list[ArchiveFile]) -> dict[str, ArchiveFile]:
    return {f.id: f for f in files if f.record is not None and f.record.problem is None}


def _problems(files: list[ArchiveFile]) -> list[str]:
    return [f.record.problem for f in files if f.record is not None and f.record.problem]


def _rec(i: int, ts: str = "20080101120000") -> Rec:
    url, page = story(i)
    return Rec(url, ts, page)


@pytest.mark.parametrize("gz", [True, False])
def test_each_html_response_is_a_page_with_its_url_as_id(tmp_path: Path, gz: bool) -> None:
    """Gzip and plain WARC: one entry per HTML page, id = URL without scheme, bytes read back."""
    recs = [_rec(0), _rec(1), _rec(2)]
    path = write(tmp_path / ("site.warc.gz" if gz else "site.warc"), warc_bytes(recs, gz=gz))
    archive = Archive(path)
    pages = _pages(archive.scan())
    assert sorted(pages) == [f"enews.tufts.edu/stories/2008/{i:04d}.html" for i in range(3)]
    entry = pages["enews.tufts.edu/stories/2008/0001.html"]
    assert archive.read(entry) == recs[1].body
    assert entry.record is not None
    assert entry.record.url == recs[1].url
    assert entry.record.archived().captured.isoformat() == "2008-01-01T12:00:00+00:00"


def test_latest_capture_wins_and_revisits_resolve_to_their_payload(tmp_path: Path) -> None:
    """A later revisit shows the earlier response's bytes with the revisit's date; a later
    response replaces an earlier one, whichever file holds it."""
    first = _rec(0, "20070101000000")
    changed_url, _ = story(1)
    old = Rec(changed_url, "20070101000000", story(2)[1])
    new = Rec(changed_url, "20090505000000", story(1)[1])
    write(tmp_path / "a.warc.gz", warc_bytes([first, old]))
    revisit = Rec(first.url, "20100101000000", kind="revisit", refers=first)
    write(tmp_path / "b.warc.gz", warc_bytes([revisit, new]))
    archive = Archive(tmp_path)
    pages = _pages(archive.scan())
    seen = pages["enews.tufts.edu/stories/2008/0000.html"]
    assert archive.read(seen) == first.body
    assert seen.record is not None and seen.record.captured == "20100101000000"
    assert seen.path.endswith("a.warc.gz")  # the payload lives in the first file
    changed = pages["enews.tufts.edu/stories/2008/0001.html"]
    assert archive.read(changed) == new.body


def test_a_revisit_without_its_payload_is_reported(tmp_path: Path) -> None:
    """A revisit whose response is in no file of the archive is skipped with a reason."""
    lost = _rec(3)
    write(tmp_path / "r.warc.gz", warc_bytes([Rec(lost.url, "20100101000000", kind="revisit",
                                                  refers=lost)]))  # fmt: skip
    files = Archive(tmp_path).scan()
    assert not _pages(files)
    assert _problems(files) == ["revisit of a capture that is not in the archive"]


def test_arc_and_wacz_files_are_read(tmp_path: Path) -> None:
    """An ARC file's responses and a WACZ's WARC members are pages like any other."""
    url, page = story(4)
    write(tmp_path / "old.arc.gz", arc_bytes([Rec(url, "20050505050505", page)]))
    inner = _rec(5)
    write(tmp_path / "crawl.wacz", wacz_bytes(warc_bytes([inner]), [inner]))
    archive = Archive(tmp_path)
    pages = _pages(archive.scan())
    assert archive.read(pages["enews.tufts.edu/stories/2008/0004.html"]) == page
    wacz = pages["enews.tufts.edu/stories/2008/0005.html"]
    assert wacz.record is not None and wacz.record.member == "archive/data.warc.gz"
    assert archive.read(wacz) == inner.body


def test_non_html_records_are_summed_up_not_listed(tmp_path: Path) -> None:
    """Images, style sheets and error pages are counted in one reason for the file."""
    recs = [
        _rec(0),
        Rec("http://enews.tufts.edu/logo.gif", "20080101000000", b"GIF89a", mime="image/gif"),
        Rec("http://enews.tufts.edu/a.css", "20080101000000", b"p{}", mime="text/css"),
        Rec("http://enews.tufts.edu/gone.html", "20080101000000", b"<html>", status=404),
    ]
    write(tmp_path / "mixed.warc.gz", warc_bytes(recs))
    files = Archive(tmp_path).scan()
    assert list(_pages(files)) == ["enews.tufts.edu/stories/2008/0000.html"]
    [reason] = _problems(files)
    assert reason.startswith("3 records are not an HTML page (")
    assert "1 image/gif" in reason and "1 text/css" in reason and "1 status 404" in reason


@pytest.mark.parametrize("gz", [True, False])
def test_a_truncated_file_is_detected_and_the_rest_kept(tmp_path: Path, gz: bool) -> None:
    """warcio stops silently at a cut-off gzip member: the cut record is reported, not lost
    quietly, and every complete record before it is a page."""
    data = warc_bytes([_rec(0), _rec(1), _rec(2)], gz=gz)
    write(tmp_path / "cut.warc", data[: len(data) - 300])
    files = Archive(tmp_path).scan()
    assert sorted(_pages(files)) == [f"enews.tufts.edu/stories/2008/{i:04d}.html" for i in (0, 1)]
    [reason] = _problems(files)
    assert "is cut short" in reason and "0002.html" in reason


def _member_starts(data: bytes) -> list[int]:
    """Where each gzip member of `data` starts, found by decompressing them in turn (the gzip
    magic bytes can also occur inside a member's compressed data)."""
    starts, pos = [], 0
    while pos < len(data):
        starts.append(pos)
        member = zlib.decompressobj(31)
        member.decompress(data[pos:])
        pos = len(data) - len(member.unused_data)
    return starts


def test_a_damaged_member_is_skipped_and_the_next_ones_read(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """Garbage inside one gzip member costs that record only: reading resumes at the next, and
    warcio's own warnings do not reach stderr (the CLI's, and the terminal the app draws on)."""
    recs = [_rec(i) for i in range(5)]
    data = bytearray(warc_bytes(recs))
    start = _member_starts(bytes(data))[2]  # the third member
    data[start + 2] = 0  # the third member's gzip header names no known compression method
    write(tmp_path / "bad.warc.gz", bytes(data))
    files = Archive(tmp_path).scan()
    pages = _pages(files)
    assert len(pages) == 4, (sorted(pages), _problems(files))
    assert "enews.tufts.edu/stories/2008/0004.html" in pages
    assert any(r.startswith("bad record at offset") for r in _problems(files))
    assert capfd.readouterr().err == ""


def test_a_record_without_a_target_uri_is_reported(tmp_path: Path) -> None:
    """warcio's loader fails on a response with no WARC-Target-URI; it is skipped, named."""
    url, page = story(6)
    write(tmp_path / "nourl.warc", warc_bytes([Rec(url, "20080101000000", page, target=False),
                                               _rec(0)], gz=False))  # fmt: skip
    files = Archive(tmp_path).scan()
    assert list(_pages(files)) == ["enews.tufts.edu/stories/2008/0000.html"]
    assert [r.split(" has ")[1] for r in _problems(files)] == ["no target URI"]


def test_not_a_web_archive_at_all(tmp_path: Path) -> None:
    """A file named .warc.gz holding something else is one skip, with a reason."""
    write(tmp_path / "fake.warc.gz", b"this is not a web archive\n" * 10)
    write(tmp_path / "fake.wacz", b"PK not really")
    files = Archive(tmp_path).scan()
    assert not _pages(files)
    problems = _problems(files)
    assert len(problems) == 2
    assert any("not a readable WACZ" in p for p in problems)
    with pytest.raises(PageError):
        Archive(tmp_path).read(files[0])


def test_an_unchanged_file_is_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a scan cache, a refresh reads only web-archive files that changed. It spies on the
    module's private reader of a file's records (`_scan_stream`) on purpose: a file not read
    again gives the same pages, so only the reads themselves show it."""
    write(tmp_path / "a.warc.gz", warc_bytes([_rec(0)]))
    write(tmp_path / "b.warc.gz", warc_bytes([_rec(1)]))
    cache = tmp_path.parent / "scan-cache"
    read: list[str] = []
    real = archive_warc._scan_stream

    def counting(fh: object, member: str, size: int, scan: archive_warc.FileScan) -> None:
        read.append(str(getattr(fh, "name", member)))
        real(fh, member, size, scan)  # type: ignore[arg-type]

    monkeypatch.setattr(archive_warc, "_scan_stream", counting)
    assert len(_pages(Archive(tmp_path).scan(cache=cache))) == 2
    assert len(read) == 2
    read.clear()
    write(tmp_path / "b.warc.gz", warc_bytes([_rec(1), _rec(2)]))
    assert len(_pages(Archive(tmp_path).scan(cache=cache))) == 3
    assert [Path(r).name for r in read] == ["b.warc.gz"]


def test_cli_reads_a_warc_file_with_provenance(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--archive some.warc.gz list`, `show --json` with "archived", and the plain `show`."""
    recs = [_rec(0, "20080723120000"), _rec(1), _rec(2)]
    path = write(tmp_path / "site.warc.gz", warc_bytes(recs))
    assert main(["--archive", str(path), "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {s["id"] for s in listed} == {
        f"enews.tufts.edu/stories/2008/{i:04d}.html" for i in range(3)
    }
    story_id = "enews.tufts.edu/stories/2008/0000.html"
    assert main(["--archive", str(path), "show", story_id, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["title"] == "The Vaccine Project Number 0"
    assert shown["url"] == recs[0].url
    assert shown["archived"] == {
        "captured": "2008-07-23T12:00:00Z",
        "replay_url": f"https://web.archive.org/web/20080723120000/{recs[0].url}",
    }
    assert main(["--archive", str(path), "show", story_id]) == 0
    text = capsys.readouterr().out
    assert "Captured: 2008-07-23 12:00:00 UTC" in text
    assert f"Archived copy: https://web.archive.org/web/20080723120000/{recs[0].url}" in text


def test_index_lists_what_was_skipped_in_a_warc(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`enews-tui index` over a folder mixing saved pages and a damaged WARC names each skip."""
    root = tmp_path / "mix"
    _url, page = story(3)
    write(root / "saved" / "page.html", page)
    data = warc_bytes([_rec(0), _rec(1)])
    write(root / "crawl.warc.gz", data[: len(data) - 200])
    assert main(["--archive", str(root), "index"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2 indexed, 0 unchanged, 0 removed, 1 skipped\n")
    assert "skipped crawl.warc.gz@" in out and "is cut short" in out
    write(root / "crawl.warc.gz", data)
    assert main(["--archive", str(root), "index"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1 indexed, 2 unchanged, 0 removed, 0 skipped\n")


@pytest.mark.parametrize("gz", [True, False])
def test_a_cut_anywhere_is_reported_or_harmless(tmp_path: Path, gz: bool) -> None:
    """Cut the file at every 11th byte: each record that began before the cut is either a page
    that reads back whole or reported as damaged (warcio alone ends quietly at many of these)."""
    data = warc_bytes([_rec(0), _rec(1), _rec(2)], gz=gz)
    whole = write(tmp_path / "whole" / "w.warc", data)
    starts = sorted(f.record.offset for f in Archive(whole).scan() if f.record)
    assert len(starts) == 3
    for cut in range(150, len(data), 11):
        folder = tmp_path / f"cut{cut}"
        write(folder / "w.warc", data[:cut])
        archive = Archive(folder)
        files = archive.scan()
        pages = _pages(files)
        for entry in pages.values():
            assert archive.read(entry) in {r.body for r in (_rec(0), _rec(1), _rec(2))}
        began = sum(1 for s in starts if s < cut - 40)  # past a gzip trailer and blank lines
        assert len(pages) + len(_problems(files)) >= began, (cut, _problems(files))


def test_chunked_and_compressed_payloads_are_decoded(tmp_path: Path) -> None:
    """Records stored as the server sent them: chunked, gzip, brotli, and a page that says
    gzip but is not (its bytes are kept as they are)."""
    import gzip

    import brotli

    page = story(0)[1]
    chunked = (
        b"".join(
            b"%x\r\n%s\r\n" % (len(page[i : i + 300]), page[i : i + 300])
            for i in range(0, len(page), 300)
        )
        + b"0\r\n\r\n"
    )
    base = "http://enews.tufts.edu/stories/enc/"
    recs = [
        Rec(base + "chunked.html", "20080101000000", chunked,
            extra=(("Transfer-Encoding", "chunked"),)),
        Rec(base + "gzip.html", "20080101000000", gzip.compress(page),
            extra=(("Content-Encoding", "gzip"),)),
        Rec(base + "br.html", "20080101000000", brotli.compress(page),
            extra=(("Content-Encoding", "br"),)),
        Rec(base + "liar.html", "20080101000000", page, extra=(("Content-Encoding", "gzip"),)),
    ]  # fmt: skip
    archive = Archive(write(tmp_path / "enc.warc.gz", warc_bytes(recs)))
    pages = _pages(archive.scan())
    assert sorted(pages) == sorted(
        f"enews.tufts.edu/stories/enc/{n}.html" for n in ("chunked", "gzip", "br", "liar")
    )
    for entry in pages.values():
        assert archive.read(entry) == page, entry.id


def test_a_gzip_member_missing_only_its_end_keeps_its_page_and_says_so(tmp_path: Path) -> None:
    """Cut inside the last member's 8-byte trailer: the record's data is whole (the page is
    kept), and the torn member is still reported."""
    data = warc_bytes([_rec(0), _rec(1)])
    archive = Archive(write(tmp_path / "t.warc.gz", data[:-4]))
    files = archive.scan()
    assert len(_pages(files)) == 2
    [reason] = _problems(files)
    assert reason.startswith("the last gzip member") and reason.endswith("is cut short")


def _raw_response(url: bytes, http: bytes) -> bytes:
    """A WARC response record written byte for byte (warcio's writer would escape the headers)."""
    head = (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: " + url + b"\r\n"
        b"WARC-Date: 2008-01-01T00:00:00Z\r\n"
        b"WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000001>\r\n"
        b"Content-Type: application/http; msgtype=response\r\n"
        b"Content-Length: %d\r\n\r\n" % len(http)
    )
    return head + http + b"\r\n\r\n"


def test_hostile_record_headers_give_one_clean_line(tmp_path: Path) -> None:
    """A record's headers are archived text: a target address holding an escape sequence and a
    line separator, a media type with an OSC sequence, one 400 characters long. Each reason a
    scan gives, and each skip the index lists, is one printable line of bounded length."""
    from enews_tui.index import open_index

    root = tmp_path / "archive"
    long_type = Rec("http://enews.tufts.edu/x", "20080101000000", b"abc", mime="text/" + "y" * 400)
    hostile_url, page = "http://enews.tufts.edu/a\x1b[2J\u2028b.html", story(1)[1]
    data = warc_bytes([_rec(0), long_type, Rec(hostile_url, "20080101000000", page)])
    write(root / "cut.warc.gz", data[: len(data) - 300])  # the last record is cut short
    osc_type = b"HTTP/1.1 200 OK\r\nContent-Type: text/x\x1b]0;pwned\x07\xe2\x80\xa8evil\r\n\r\nabc"
    write(
        root / "raw.warc", warc_bytes([_rec(2)], gz=False) + _raw_response(b"http://x/", osc_type)
    )
    archive = Archive(root)
    problems = _problems(archive.scan())
    assert len(problems) == 3 and len(_pages(archive.scan())) == 2
    assert any("is cut short (http://enews.tufts.edu/a" in p for p in problems), problems
    assert any(p.startswith("1 record is not an HTML page (1 text/x") for p in problems)
    with open_index(archive, tmp_path / "cache") as index:
        skipped = [s.reason for s in index.refresh().skipped]
    assert len(skipped) == 3
    for reason in problems + skipped:
        assert reason.isprintable() and len(reason) <= 300, repr(reason)
