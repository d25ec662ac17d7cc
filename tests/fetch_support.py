"""A local server speaking the Wayback Machine's CDX and replay APIs, with faults on demand."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from tests.warc_support import story

#: The Wayback CDX fields, in the order its JSON header row names them.
FIELDS = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]


def surt(url: str) -> str:
    """`edu,tufts,enews)/stories/x.html` for `http://enews.tufts.edu/stories/x.html`."""
    parts = urlsplit(url)
    host = ",".join(reversed((parts.hostname or "").split(".")))
    return f"{host}){parts.path}{'?' + parts.query if parts.query else ''}"


@dataclass
class Site:
    """What the server holds: captures (url, ts, mime, status, body) and the faults to play."""

    captures: list[tuple[str, str, str, str, bytes]] = field(default_factory=list)
    rows_per_page: int = 3
    #: url -> the list of faults to play on its next requests, in order ("429", "429-retry",
    #: "503", "reset", "short", "stall"); an empty list serves the page.
    faults: dict[str, list[str]] = field(default_factory=dict)
    fault_all: str | None = None  # played on every page request
    page_delay: float = 0.0
    stall_seconds: float = 5.0
    log: list[tuple[float, str, str]] = field(default_factory=list)  # (time, kind, path)
    agents: set[str] = field(default_factory=set)
    cdx_queries: list[dict[str, list[str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def enews(cls, count: int, **kwargs: object) -> Site:
        """`count` E-News-style stories, each captured twice (the later one to be chosen), with
        an image and a 404 the CDX filters leave out."""
        site = cls(**kwargs)  # type: ignore[arg-type]
        for i in range(count):
            url, page = story(i)
            site.captures.append((url, "20050101000000", "text/html", "200", b"old " + page))
            site.captures.append((url, f"2008{1 + i % 12:02d}01120000", "text/html", "200", page))
        site.captures.append(("http://enews.tufts.edu/logo.gif", "20080101000000", "image/gif",
                              "200", b"GIF89a"))  # fmt: skip
        site.captures.append(("http://enews.tufts.edu/gone.html", "20080101000000", "text/html",
                              "404", b"<html>gone</html>"))  # fmt: skip
        return site

    def latest(self) -> dict[str, tuple[str, bytes]]:
        """url -> (ts, body) of the capture a fetch should keep."""
        best: dict[str, tuple[str, bytes]] = {}
        for url, ts, mime, status, body in self.captures:
            if mime == "text/html" and status == "200" and (url not in best or ts > best[url][0]):
                best[url] = (ts, body)
        return best

    def page_requests(self) -> list[tuple[float, str, str]]:
        """The replay requests received, in order."""
        with self.lock:
            return [e for e in self.log if e[1] == "page"]


def _match(value: str, pattern: str) -> bool:
    """The Wayback CDX filter form: `field:regex`, `!field:regex`."""
    import re

    return re.fullmatch(pattern, value) is not None


def make_handler(site: Site) -> type[BaseHTTPRequestHandler]:
    """The request handler serving `site`."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            parts = urlsplit(self.path)
            with site.lock:
                site.agents.add(self.headers.get("User-Agent", ""))
            if parts.path == "/cdx/search/cdx":
                with site.lock:
                    site.log.append((time.monotonic(), "cdx", self.path))
                self._cdx(parse_qs(parts.query))
            elif parts.path.startswith("/web/"):
                with site.lock:
                    site.log.append((time.monotonic(), "page", self.path))
                self._page(unquote(parts.path[len("/web/") :]) + (
                    f"?{parts.query}" if parts.query else ""))  # fmt: skip
            else:
                self._send(404, b"not here", "text/plain")

        def _send(self, status: int, body: bytes, mime: str, extra: dict[str, str] | None = None,
                  length: int | None = None) -> None:  # fmt: skip
            self.send_response(status)
            self.send_header("Content-Type", mime)
            self.send_header("Content-Length", str(len(body) if length is None else length))
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def _cdx(self, query: dict[str, list[str]]) -> None:
            with site.lock:
                site.cdx_queries.append(query)
            prefix = query.get("url", [""])[0]
            filters = query.get("filter", [])
            rows = []
            for url, ts, mime, status, body in sorted(
                site.captures, key=lambda c: (surt(c[0]), c[1])
            ):
                if not url.split("://", 1)[1].startswith(prefix):
                    continue
                row = [surt(url), ts, url, mime, status, "SHA1", str(len(body))]
                ok = True
                for f in filters:
                    name, _, pattern = f.lstrip("!").partition(":")
                    hit = _match(row[FIELDS.index(name)], pattern)
                    ok = ok and (hit != f.startswith("!"))
                since, until = query.get("from", [""])[0], query.get("to", [""])[0]
                if since and ts < since.ljust(14, "0"):
                    ok = False
                if until and ts > until.ljust(14, "9"):
                    ok = False
                if ok:
                    rows.append(row)
            start = int(query.get("resumeKey", ["0"])[0])
            chunk = rows[start : start + site.rows_per_page]
            out: list[list[str]] = [FIELDS, *chunk]
            if start + site.rows_per_page < len(rows) and query.get("showResumeKey") == ["true"]:
                out += [[], [str(start + site.rows_per_page)]]
            self._send(200, json.dumps(out).encode(), "application/json")

        def _page(self, rest: str) -> None:
            ts_part, _, url = rest.partition("/")
            ts = ts_part.removesuffix("id_")
            fault = site.fault_all
            with site.lock:
                queue = site.faults.get(url)
                if queue:
                    fault = queue.pop(0)
            if fault == "429":
                self._send(429, b"slow down", "text/plain")
                return
            if fault == "429-retry":
                self._send(429, b"slow down", "text/plain", {"Retry-After": "1"})
                return
            if fault == "503":
                self._send(503, b"busy", "text/plain")
                return
            if fault == "reset":
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           b"\x01\x00\x00\x00\x00\x00\x00\x00")  # fmt: skip
                self.connection.close()
                self.close_connection = True
                return
            if fault == "stall":
                time.sleep(site.stall_seconds)
                self.close_connection = True
                return
            if site.page_delay:
                time.sleep(site.page_delay)
            for c_url, c_ts, mime, status, body in site.captures:
                if c_url == url and c_ts == ts:
                    if fault == "short":
                        self._send(200, body[:50], mime, length=len(body))
                        self.close_connection = True
                        return
                    self._send(int(status), body, mime)
                    return
            self._send(404, b"no such capture", "text/plain")

    return Handler


@contextmanager
def serve(site: Site) -> Iterator[str]:
    """Run a server for `site` on a free loopback port; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(site))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def wait_for(check: Callable[[], bool], timeout: float = 30.0) -> bool:
    """Poll `check` until it is true or `timeout` passes."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.05)
    return False
