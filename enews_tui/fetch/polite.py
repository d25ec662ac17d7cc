"""Polite HTTP: rate limits, a pause after 429, retries with backoff, timeouts, a User-Agent."""

from __future__ import annotations

import email.utils
import os
import threading
import time
from dataclasses import dataclass

import httpx

from enews_tui import __version__
from enews_tui.text import one_line

USER_AGENT = f"enews-tui/{__version__} (archived-news reader; +https://pypi.org/project/enews-tui/)"
#: A page larger than this is not kept (no story page comes near it).
MAX_BODY = 8 * 1024 * 1024


@dataclass(frozen=True)
class Politeness:
    """How hard a fetch may press a server. The defaults are the Wayback Machine's limits."""

    cdx_per_minute: float | None = 24.0  # None: no limit (benchmarks only)
    pages_per_second: float | None = 8.0
    #: After a 429, everything waits at least this long (the Wayback Machine blocks clients
    #: that keep going); a longer Retry-After is honoured.
    pause_429: float = 60.0
    retries: int = 4  # after the first try, on 5xx and connection errors
    backoff: float = 2.0  # seconds before the first retry; doubled each time
    backoff_max: float = 60.0
    max_429: int = 5  # 429s for one request before it counts as failed (it is retried next run)
    connect_timeout: float = 15.0
    read_timeout: float = 60.0

    def lowered(self, rate: float | None) -> Politeness:
        """`--rate N`: at most N pages a second, and the CDX limit lowered in proportion."""
        if rate is None or self.pages_per_second is None:
            return self
        rate = min(rate, self.pages_per_second)
        cdx = None if self.cdx_per_minute is None else self.cdx_per_minute * rate / 8.0
        return Politeness(**{**vars(self), "pages_per_second": rate, "cdx_per_minute": cdx})


#: Tests set `key=value,...` (fields of Politeness; `none` lifts a limit) to run the command
#: line against local servers without waiting out the real limits.
ENV_TEST_LIMITS = "ENEWS_TUI_TEST_FETCH_LIMITS"


def politeness_from_env(base: Politeness) -> Politeness:
    """`base`, with the overrides a test put in ENEWS_TUI_TEST_FETCH_LIMITS."""
    text = os.environ.get(ENV_TEST_LIMITS, "").strip()
    if not text:
        return base
    values = dict(vars(base))
    for item in text.split(","):
        key, _, value = item.partition("=")
        key = key.strip()
        if key not in values:
            raise ValueError(f"{ENV_TEST_LIMITS}: no limit named {key!r}")
        if value.strip().lower() == "none":
            values[key] = None
        elif isinstance(values[key], int) and not isinstance(values[key], bool):
            values[key] = int(value)
        else:
            values[key] = float(value)
    return Politeness(**values)


class Failed(Exception):
    """A request that did not succeed after its retries; the message is the one-line reason."""


class Stopped(Exception):
    """The fetch was asked to stop."""


class Gate:
    """Requests of one kind, spaced by an interval; a 429 pauses every kind."""

    def __init__(self, interval: float, pause: Pause) -> None:
        self.interval = interval
        self.pause = pause
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self, stop: threading.Event) -> None:
        """Block until this request may go (a pause that began while it waited for its slot
        is waited out too, and a new slot taken after it)."""
        while True:
            self.pause.wait(stop)
            with self._lock:
                now = time.monotonic()
                slot = max(now, self._next)
                self._next = slot + self.interval
            if slot > now and stop.wait(slot - now):
                raise Stopped
            if self.pause.until <= time.monotonic():
                return


class Pause:
    """A shared 'nobody sends before' time, set by a 429."""

    def __init__(self) -> None:
        self.until = 0.0
        self._lock = threading.Lock()

    def extend(self, seconds: float) -> None:
        """Nobody sends for `seconds` from now."""
        with self._lock:
            self.until = max(self.until, time.monotonic() + seconds)

    def wait(self, stop: threading.Event) -> None:
        """Block while paused."""
        while (left := self.until - time.monotonic()) > 0:
            if stop.wait(left):
                raise Stopped


def retry_after(response: httpx.Response) -> float | None:
    """A Retry-After header in seconds (a number or an HTTP date), if there is one."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


@dataclass(frozen=True)
class Reply:
    """A successful response: status, final URL, headers, and the whole body."""

    status: int
    url: str
    reason: str
    http_version: str
    headers: list[tuple[str, str]]
    body: bytes


class PoliteClient:
    """One HTTP client shared by the fetch's threads, with its gates and retries."""

    def __init__(
        self,
        politeness: Politeness,
        stop: threading.Event | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.politeness = p = politeness
        self.stop = stop or threading.Event()
        self.pause = Pause()
        self.cdx_gate = Gate(60.0 / p.cdx_per_minute if p.cdx_per_minute else 0.0, self.pause)
        self.page_gate = Gate(1.0 / p.pages_per_second if p.pages_per_second else 0.0, self.pause)
        self.client = httpx.Client(
            headers={"User-Agent": USER_AGENT},
            timeout=httpx.Timeout(p.read_timeout, connect=p.connect_timeout),
            follow_redirects=True,
            transport=transport,
            limits=httpx.Limits(max_connections=8, max_keepalive_connections=8),
        )
        self.paused_429 = 0  # how many times a 429 paused everything (reported by tests)

    def close(self) -> None:
        """Close the connections."""
        self.client.close()

    def get(self, url: str, params: dict[str, object] | None = None, *, cdx: bool) -> Reply:
        """GET `url` politely; `Failed` with the reason when it does not succeed in the end."""
        p = self.politeness
        gate = self.cdx_gate if cdx else self.page_gate
        failures = 0
        throttled = 0
        while True:
            gate.wait(self.stop)
            try:
                reply = self._once(url, params)
            except (httpx.TransportError, httpx.DecodingError) as exc:
                failures += 1
                if failures > p.retries:
                    raise Failed(_transport_reason(exc)) from None
                self._sleep(min(p.backoff_max, p.backoff * 2 ** (failures - 1)))
                continue
            if reply.status == 429:
                throttled += 1
                self.paused_429 += 1
                wait = max(p.pause_429, retry_after_of(reply) or 0.0)
                self.pause.extend(wait)
                if throttled > p.max_429:
                    # Going on would only earn more 429s (and a block): the whole fetch stops.
                    self.stop.set()
                    raise Failed("the server kept answering 429 Too Many Requests")
                continue
            if reply.status >= 500:
                failures += 1
                if failures > p.retries:
                    raise Failed(one_line(f"server error {reply.status} {reply.reason}"))
                backoff = min(p.backoff_max, p.backoff * 2 ** (failures - 1))
                self._sleep(max(backoff, min(p.backoff_max, retry_after_of(reply) or 0.0)))
                continue
            if reply.status != 200:
                raise Failed(one_line(f"HTTP {reply.status} {reply.reason}"))
            return reply

    def _sleep(self, seconds: float) -> None:
        if self.stop.wait(seconds):
            raise Stopped

    def _once(self, url: str, params: dict[str, object] | None) -> Reply:
        """One request, its body read whole (at most MAX_BODY)."""
        query = _query(params) if params else None
        with self.client.stream("GET", url, params=query) as response:
            chunks: list[bytes] = []
            size = 0
            if response.status_code == 200:
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > MAX_BODY:
                        raise Failed(f"too large (over {MAX_BODY // (1024 * 1024)} MiB)")
                    chunks.append(chunk)
            return Reply(
                status=response.status_code,
                url=str(response.url),
                reason=response.reason_phrase,
                http_version=response.http_version,
                headers=list(response.headers.multi_items()),
                body=b"".join(chunks),
            )


def retry_after_of(reply: Reply) -> float | None:
    """Retry-After of a reply, in seconds."""
    for name, value in reply.headers:
        if name.lower() == "retry-after":
            return retry_after(httpx.Response(200, headers={"Retry-After": value}))
    return None


def _query(params: dict[str, object]) -> list[tuple[str, str | int | float | bool | None]]:
    """Query parameters, a list value repeated (`filter=a&filter=b`)."""
    out: list[tuple[str, str | int | float | bool | None]] = []
    for key, value in params.items():
        for item in value if isinstance(value, list) else [value]:
            out.append((key, str(item)))
    return out


def _transport_reason(exc: Exception) -> str:
    """A connection error in a few words (one line: its text may quote what the server sent)."""
    if isinstance(exc, httpx.TimeoutException):
        return "the server did not answer in time"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the server closed the connection before the page was complete"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect: {one_line(str(exc), 120) or 'refused'}"
    return f"connection failed: {one_line(exc, 120)}"
