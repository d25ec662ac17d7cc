"""Keystroke to updated list in the app, measured headless through Textual's Pilot.

The app is driven like a user typing after a pause: the query minus its last letter is in the
search bar and its answer is on screen; then the last key is sent as a real key event, and the
clock runs until the story list is handed new rows (`StoryList.show`) and renders one of them.
It relies on the app's public surface (`EnewsApp(archive, index)`, the `#search` Input,
`StoryList.show`) and answers {"error": ...} when that is missing, so the table says "n/a".
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.measure import summary_ms
from benchmarks.queries import make_queries

#: Longer than the app's search debounce, so the measured key is "the first key after a pause".
PAUSE = 0.25
TIMEOUT = 10.0


def measure_keystrokes(args: dict[str, Any]) -> dict[str, Any]:
    """p50/p95 of key -> list updated (rows replaced) and -> painted, over one-word queries."""
    try:
        from textual import events
        from textual.widgets import Input

        from enews_tui.archive import Archive
        from enews_tui.index import open_index
        from enews_tui.tui.app import EnewsApp
        from enews_tui.tui.widgets.story_list import StoryList
    except ImportError as exc:
        return {"error": f"app not importable: {exc}"}
    queries = make_queries(int(args["seed"]), int(args["count"]), int(args["samples"]))
    words = [q.text for q in queries["word"]]
    archive = Archive(Path(args["archive"]))
    index = open_index(archive, cache_root=Path(args["cache"]))
    app = EnewsApp(archive, index, refresh_on_mount=False)
    updated: list[float] = []
    painted: list[float] = []
    result: dict[str, Any] = {}

    async def drive() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            stories = app.screen.query_one(StoryList)
            search = app.screen.query_one("#search", Input)
            loaded = await _until(lambda: len(stories.rows) > 0, TIMEOUT)
            if not loaded:
                result["error"] = "the story list never filled"
                return
            paints: list[float] = []
            shows: list[float] = []
            render_line, show = stories.render_line, stories.show

            def timed_render_line(y: int) -> Any:
                paints.append(time.perf_counter())
                return render_line(y)

            def timed_show(*a: Any, **kw: Any) -> None:
                shows.append(time.perf_counter())
                show(*a, **kw)

            stories.render_line = timed_render_line  # type: ignore[method-assign]
            stories.show = timed_show  # type: ignore[method-assign]
            search.focus()
            await pilot.pause()
            for word in words:
                search.value = word[:-1]
                search.cursor_position = len(search.value)
                await asyncio.sleep(PAUSE)
                await app.workers.wait_for_complete()
                await pilot.pause()
                await asyncio.sleep(PAUSE)
                paints.clear()
                shows.clear()
                key = events.Key(word[-1], word[-1])
                key.set_sender(app)
                started = time.perf_counter()
                app._driver.send_message(key)  # type: ignore[union-attr]
                if not await _until(functools.partial(bool, shows), TIMEOUT):
                    result["timeouts"] = result.get("timeouts", 0) + 1
                    continue
                rows_at = shows[0]
                await _until(functools.partial(_painted_since, paints, rows_at), 2.0)
                paint_at = next((p for p in paints if p >= rows_at), rows_at)
                if search.value != word:
                    result["error"] = f"typed {word!r} but the search bar holds {search.value!r}"
                    return
                updated.append(rows_at - started)
                painted.append(paint_at - started)

    try:
        asyncio.run(drive())
    finally:
        index.close()
    if "error" in result:
        return result
    return {**result, "painted": summary_ms(painted), "updated": summary_ms(updated)}


async def _until(condition: Callable[[], bool], timeout: float) -> bool:
    """Yield to the app until `condition()` holds; False on timeout."""
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            return False
        await asyncio.sleep(0.0005)
    return True


def _painted_since(paints: list[float], moment: float) -> bool:
    """A list line was rendered at or after `moment`."""
    return any(p >= moment for p in paints)
