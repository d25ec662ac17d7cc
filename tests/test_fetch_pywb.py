"""A real pywb, started over a collection built from WARC files the test writes: fetch from it,
then read what came in (list, show --json with its provenance), then fetch again."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from enews_tui.cli import main
from tests.support import REPO
from tests.warc_support import Rec, story, warc_bytes, write

#: `.ci/run` installs pywb (GPL, old pins) in its own venv, never beside the package.
PYWB_BIN = Path(os.environ.get("ENEWS_TUI_PYWB_BIN", REPO / ".ci" / "pywb-venv" / "bin"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _collection_records() -> tuple[list[Rec], list[Rec]]:
    """Two crawls of a small E-News-style site: the second revisits an unchanged page, changes
    another, adds one, and has an image and a 404 beside them."""
    first = [_rec(i, "20070315100000") for i in range(4)]
    changed_url, _ = story(1)
    second = [
        Rec(first[0].url, "20080315100000", kind="revisit", refers=first[0]),
        Rec(changed_url, "20080315100000", story(5)[1]),
        _rec(6, "20080316100000"),
        Rec(
            "http://enews.tufts.edu/images/logo.gif", "20080315100000", b"GIF89a", mime="image/gif"
        ),
        Rec(
            "http://enews.tufts.edu/missing.html", "20080315100000", b"<html>no</html>", status=404
        ),
    ]
    return first, second


def _rec(i: int, ts: str) -> Rec:
    url, page = story(i)
    return Rec(url, ts, page)


@pytest.fixture(scope="module")
def pywb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """pywb on a free loopback port serving collection `enews`; yields the collection URL."""
    if not (PYWB_BIN / "wayback").exists():
        if os.environ.get("CI"):
            pytest.fail(f"pywb is not installed at {PYWB_BIN} (.ci/run installs it)")
        pytest.skip(f"pywb is not installed at {PYWB_BIN} (.ci/run installs it)")
    root = tmp_path_factory.mktemp("pywb")
    first, second = _collection_records()
    write(root / "crawl-2007.warc.gz", warc_bytes(first))
    write(root / "crawl-2008.warc.gz", warc_bytes(second))
    env = {**os.environ, "PATH": f"{PYWB_BIN}:{os.environ.get('PATH', '')}"}
    manager = [str(PYWB_BIN / "wb-manager")]
    subprocess.run([*manager, "init", "enews"], cwd=root, env=env, check=True, capture_output=True)
    for name in ("crawl-2007.warc.gz", "crawl-2008.warc.gz"):
        subprocess.run([*manager, "add", "enews", str(root / name)], cwd=root, env=env,
                       check=True, capture_output=True)  # fmt: skip
    port = _free_port()
    log = open(root / "pywb.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([str(PYWB_BIN / "wayback"), "-b", "127.0.0.1", "-p", str(port)],
                            cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"pywb exited: {(root / 'pywb.log').read_text()[-2000:]}")
                time.sleep(0.2)
        else:
            pytest.fail("pywb did not start within 60 s")
        yield f"http://127.0.0.1:{port}/enews"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_fetch_from_pywb_then_read_it_all(pywb: str, capsys: pytest.CaptureFixture[str]) -> None:
    """With the real limits (one CDX request, 8 pages a second): every HTML 200 URL once, at
    its latest response; `list` without --archive opens it; `show --json` carries the capture
    and the replay address; the plain `show` prints them; a second fetch downloads nothing."""
    assert main(["fetch", "--from", pywb, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["fetched"], summary["present"], summary["failed"]) == (5, 0, [])
    assert main(["list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    ids = {s["id"] for s in listed}
    assert ids == {f"enews.tufts.edu/stories/2008/{i:04d}.html" for i in (0, 1, 2, 3, 6)}
    changed = "enews.tufts.edu/stories/2008/0001.html"
    assert main(["show", changed, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["title"] == "The Library Project Number 5"  # the 2008 response, not 2007's
    assert shown["url"] == f"http://{changed}"
    assert shown["archived"] == {
        "captured": "2008-03-15T10:00:00Z",
        "replay_url": f"{pywb}/20080315100000/http://{changed}",
    }
    unchanged = "enews.tufts.edu/stories/2008/0000.html"
    assert main(["show", unchanged]) == 0
    text = capsys.readouterr().out
    assert "The Vaccine Project Number 0" in text
    assert "Captured: 2007-03-15 10:00:00 UTC" in text
    assert f"Archived copy: {pywb}/20070315100000/http://{unchanged}" in text
    assert main(["fetch", "--from", pywb, "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["fetched"], again["present"], again["failed"]) == (0, 5, [])
