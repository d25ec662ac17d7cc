"""The app and web archives: the reader's capture lines, the bundled archive's notice, and a
fetch started from the command palette."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from enews_tui.archive import Archive
from enews_tui.fetch import Server
from enews_tui.index import StoryIndex, open_index
from enews_tui.tui.app import EnewsApp
from enews_tui.tui.fetching import BUNDLED_NOTICE, AppFetch, fetch_folder
from enews_tui.tui.widgets.search_bar import SearchBar
from enews_tui.tui.widgets.story_list import StoryList
from tests.fetch_support import Site, serve, wait_for
from tests.tui_support import notices, point_at, screen_text, settle
from tests.warc_support import Rec, story, warc_bytes, write

SIZE = (140, 44)


@pytest.fixture
def warc_index(tmp_path: Path) -> Iterator[StoryIndex]:
    """An index over one WARC file of two stories."""
    url, page = story(2)
    other_url, other = story(3)
    records = [Rec(url, "20080723120000", page), Rec(other_url, "20080101000000", other)]
    path = write(tmp_path / "site.warc.gz", warc_bytes(records))
    with open_index(Archive(path), cache_root=tmp_path / "cache") as ix:
        ix.refresh()
        yield ix


async def test_the_reader_shows_the_capture_and_the_archived_address(
    warc_index: StoryIndex,
) -> None:
    """A story read from a WARC record shows when it was captured and where its copy is."""
    app = EnewsApp(warc_index.archive, warc_index, refresh_on_mount=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        point_at(app, "enews.tufts.edu/stories/2008/0002.html")
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "The Shelter Project Number 2" in text
        assert "Captured July 23, 2008, 12:00 UTC" in text
        assert "Archived copy:" in text  # the address wraps onto the next line
        assert "https://web.archive.org/web/20080723120000/http://enews.tufts.edu/stories" in text


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_the_bundled_archive_says_how_to_get_the_whole_site(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    """Launched on the bundled archive (as `run_app` does for it), the list's empty space names
    the fetch, for as long as the list shows; opening the story, nothing covers it."""
    assert Archive.bundled().is_bundled
    with open_index(Archive.bundled(), cache_root=tmp_path / "cache") as ix:
        ix.refresh()
        app = EnewsApp(ix.archive, ix, refresh_on_mount=False, bundled_notice=True)
        async with app.run_test(size=size, notifications=True) as pilot:
            await settle(pilot)
            box = app.screen.query_one(StoryList).region  # the list's own columns
            rows = screen_text(app).splitlines()[box.y : box.bottom]
            text = " ".join(" ".join(row[box.x + 1 : box.right - 1] for row in rows).split())
            assert "run 'enews-tui fetch' or choose 'Fetch the E-News archive'" in text
            assert " ".join(BUNDLED_NOTICE.split()) in text
            assert not notices(app)  # said in the list, not in a toast over the story
            await pilot.press("enter")
            await settle(pilot)
            lines = screen_text(app).splitlines()
            top = "\n".join(lines[:8])
            assert "One Less Statistic" in top and "July 23, 2008" in top


async def test_a_fetch_from_the_palette_shows_progress_and_reloads_the_list(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Open on the fetched archive (one page so far), choose 'Fetch the E-News archive' in the
    palette: progress shows beside the search bar, and the list then holds every page."""
    # 5 pages a second: the fetch lasts about a second, long enough for progress to show.
    monkeypatch.setenv("ENEWS_TUI_TEST_FETCH_LIMITS", "cdx_per_minute=none,pages_per_second=5")
    folder = fetch_folder()
    url, page = story(0)
    write(folder / "first.warc.gz", warc_bytes([Rec(url, "20080101120000", page)]))
    site = Site.enews(6)
    shown: list[str] = []  # what the search bar was asked to show, as the refresh uses it
    with serve(site) as base, open_index(Archive(folder)) as ix:
        ix.refresh()
        app = EnewsApp(Archive(folder), ix)
        app.fetcher = AppFetch(Server.parse(base))
        told: list[str] = []
        real_notify = app.notify

        def notify(message: str, **kwargs: Any) -> None:
            told.append(message)
            real_notify(message, **kwargs)

        app.notify = notify  # type: ignore[method-assign]
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert len(app.screen.query_one(StoryList).rows) == 1
            bar = app.screen.query_one(SearchBar)
            real_show = bar.show_refresh

            def show(text: str, done: int | None = None, total: int | None = None) -> None:
                shown.append(f"{text} {done}/{total}")
                real_show(text, done, total)

            bar.show_refresh = show  # type: ignore[method-assign]
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*"fetch the e-news")
            await pilot.pause(0.3)
            await pilot.press("enter")
            for _ in range(200):
                await pilot.pause(0.05)
                if not app.fetcher.running and shown and shown[-1].startswith("Fetched"):
                    break
            await settle(pilot)
            assert wait_for(lambda: not app.fetcher.running, 10)
            await settle(pilot)
            assert any(s.startswith("Fetching ") and "/5" in s for s in shown), shown
            rows = app.screen.query_one(StoryList).rows
            assert len(rows) == 6
            assert any(m.startswith("Fetched 5 pages (1 already here)") for m in told), told
