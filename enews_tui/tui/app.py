"""The Textual app: `run_app(archive)` for the command line; `EnewsApp(archive, index)`."""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from enews_tui import runtime
from enews_tui.archive import Archive
from enews_tui.fetch import FetchReport
from enews_tui.library import Library, open_or_memory
from enews_tui.paths import data_dir
from enews_tui.text import one_line, sanitize_line
from enews_tui.tui.commands import EnewsCommands
from enews_tui.tui.fetching import BUNDLED_NOTICE, AppFetch, fetch_folder
from enews_tui.tui.fetching import summary as fetch_summary
from enews_tui.tui.screens.directory import DirectoryScreen
from enews_tui.tui.screens.help import HelpScreen
from enews_tui.tui.screens.main import MainScreen
from enews_tui.tui.screens.timeline import TimelineScreen, with_date
from enews_tui.tui.settings import load_settings, save_setting
from enews_tui.tui.source import StorySource
from enews_tui.tui.widgets.search_bar import SearchBar

if TYPE_CHECKING:
    from enews_tui.index import StoryIndex

DARK, LIGHT = "textual-dark", "textual-light"


class EnewsApp(App[int]):
    """Browse, search and read an archive, and copy who to call about a story."""

    CSS_PATH = "app.tcss"
    TITLE = "E-News reader"
    COMMANDS = App.COMMANDS | {EnewsCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark,f1", "help", "Help", key_display="?"),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False),
        Binding("p", "people", "People"),
        Binding("t", "timeline", "Timeline"),
    ]

    @dataclass
    class IndexOpened(Message):
        """The index being opened is open."""

        index: StorySource

    @dataclass
    class IndexFailed(Message):
        """The index could not be opened; `reason` is for the user."""

        reason: str

    def __init__(
        self,
        archive: Archive,
        index: StorySource | IndexOpening,
        *,
        refresh_on_mount: bool = True,
        library: Library | None = None,
        bundled_notice: bool = False,
    ) -> None:
        """The app over an index (open, or being opened: the screens wait for `IndexOpened`)
        and the reader's library (by default the one in the data folder);
        `refresh_on_mount=False` skips the startup refresh; `bundled_notice` says how to get the
        whole site (the bundled archive has one story), in the list's empty space."""
        super().__init__()
        self.archive = archive
        self.library_notice: str | None = None
        if library is None:
            library, self.library_notice = open_or_memory(archive)
        self.library = library
        self._opening = index if isinstance(index, IndexOpening) else None
        self.index: StorySource | None = None
        if not isinstance(index, IndexOpening):
            self.index = index
        self.refresh_on_mount = refresh_on_mount
        self.bundled_notice = bundled_notice
        self.fetcher = AppFetch()
        self.sub_title = archive_label(archive)
        theme = load_settings().get("theme")
        if isinstance(theme, str) and theme in self.available_themes:
            self.theme = theme

    def on_mount(self) -> None:
        """The theme remembered when it changes; the library's notice, if any."""
        if self._opening is not None:
            self._wait_for_index(self._opening)
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self.library_notice:
            self.notify(sanitize_line(self.library_notice), severity="warning", markup=False)

    def _remember_theme(self, theme: Any) -> None:
        """Keep the theme chosen (ctrl+t, the palette) for the next launch."""
        save_setting("theme", self.theme)

    def on_unmount(self) -> None:
        """A running fetch is told to stop."""
        self.fetcher.stop.set()

    def action_fetch_archive(self) -> None:
        """Fetch the E-News site into the data folder, with progress where the refresh shows."""
        if self.fetcher.running:
            self.notify("A fetch is already running.", markup=False)
            return
        self.notify(f"Fetching the E-News archive into {fetch_folder()}", markup=False)
        self._fetch()

    @work(thread=True, exclusive=True, group="fetch")
    def _fetch(self) -> None:
        """The fetch, on its own thread; progress and the outcome come back to the UI thread."""
        report, problem = self.fetcher.run(
            lambda text, done, total: self.call_from_thread(self._show_fetch, text, done, total)
        )
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._fetch_done, report, problem)

    def _show_fetch(self, text: str, done: int | None, total: int | None) -> None:
        screen = getattr(self, "main_screen", None)
        if screen is not None:
            screen.query_one(SearchBar).show_refresh(text, done, total)

    def _fetch_done(self, report: FetchReport | None, problem: str) -> None:
        """Say how the fetch went; reload the list when the app shows the fetched archive."""
        self._show_fetch("Fetch failed" if report is None else "Fetched", None, None)
        if report is None:
            self.notify(f"Fetch failed: {sanitize_line(problem)}", severity="error", markup=False)
            return
        text = fetch_summary(report)
        if self.archive.root.resolve() == fetch_folder().resolve():
            self.notify(text, markup=False)
            self.main_screen.action_refresh_index()
        else:
            self.notify(f"{text}. Start enews-tui again to read them.", markup=False, timeout=15)

    @work(thread=True, group="open-index")
    def _wait_for_index(self, opening: IndexOpening) -> None:
        """Wait (off the UI thread) for the index being opened; say when it is, or why not."""
        try:
            index = opening.wait()
        except Exception as exc:  # noqa: BLE001 - shown to the user; the app stays up
            self.post_message(self.IndexFailed(one_line(exc)))
            return
        self.post_message(self.IndexOpened(index))

    def on_enews_app_index_opened(self, message: IndexOpened) -> None:
        """The screens read through the open index from now on."""
        self.index = message.index
        self.main_screen.index_opened(self.index)

    def on_enews_app_index_failed(self, message: IndexFailed) -> None:
        """Say the index cannot be opened (the app stays up, with nothing to show)."""
        self.main_screen.query_one("#search-status", Static).update(
            Content(f"Cannot open the index: {message.reason}")
        )
        self.notify(f"Cannot open the index: {message.reason}", severity="error", markup=False)

    def get_default_screen(self) -> Screen[None]:
        """The main screen, reading through the index."""
        note = BUNDLED_NOTICE if self.bundled_notice else ""
        self.main_screen = MainScreen(
            self.index, refresh_on_mount=self.refresh_on_mount, list_note=note
        )
        return self.main_screen

    @property
    def refreshing(self) -> bool:
        """Whether an index refresh is still running (in its thread)."""
        screen = getattr(self, "main_screen", None)
        return screen is not None and screen.refreshing

    def get_key_display(self, binding: Binding) -> str:
        """The footer names F1 for help while the search bar has focus: `?` types there."""
        if binding.action in {"help", "app.help"} and isinstance(self.focused, Input):
            return "F1"
        return super().get_key_display(binding)

    def action_help(self) -> None:
        """Keys and query syntax."""
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The directory and the timeline open from the main screen (not over each other), and
        not from the search bar, where p and t are letters."""
        if action in {"people", "timeline"}:
            main = getattr(self, "main_screen", None)
            opened = self.index is not None
            return opened and self.screen is main and not isinstance(self.focused, Input)
        return True

    def action_people(self) -> None:
        """The contacts directory; a story chosen there opens in the reader."""
        if isinstance(self.screen, DirectoryScreen):
            return

        def opened(story_id: str | None) -> None:
            if story_id:
                self.main_screen.open_story(story_id)

        if self.index is not None:
            self.push_screen(DirectoryScreen(self.index), opened)

    def action_timeline(self) -> None:
        """The timeline; a year or month chosen there goes into the search as `date:`."""
        if isinstance(self.screen, TimelineScreen):
            return
        if self.index is None:
            return
        search = self.main_screen.query_one("#search", Input)

        def chosen(clause: str | None) -> None:
            if clause is not None:
                search.value = with_date(search.value, clause)

        self.push_screen(TimelineScreen(self.index, current=search.value), chosen)

    def action_toggle_theme(self) -> None:
        """Dark to light and back."""
        self.theme = LIGHT if self.current_theme.dark else DARK


def archive_label(archive: Archive) -> str:
    """The archive as a person knows it: "bundled archive", a fetched site's host, or the
    folder's name."""
    root = archive.root
    try:
        if root.resolve() == Archive.bundled().root.resolve():
            return "bundled archive"
        fetched = (data_dir() / "archives").resolve()
        if root.resolve().parent == fetched:
            return sanitize_line(root.name)  # fetched archives are kept by host
    except OSError:
        pass
    return sanitize_line(root.name or str(root))


def run_app(archive: Archive) -> int:
    """Open the index for `archive` and run the reader until the user quits; the exit code."""
    _start_resource_tracker()
    opening = IndexOpening(archive)  # opens while Textual starts: the first frame comes sooner
    try:
        app = EnewsApp(archive, opening, bundled_notice=archive.is_bundled)
        app.run()
        code = app.return_code or 0
        main = getattr(app, "main_screen", None)
        if main is not None:
            main.wait_saved(5.0)  # marks made just before quitting are committed first
        app.library.close()
        if app.refreshing or app.fetcher.running:
            runtime.leave_now(code)  # without waiting for the refresh (or fetch) thread
    finally:
        opening.close()
    return code


class IndexOpening:
    """The archive's index being opened on a thread, started at once (it opens while Textual
    starts, so the first frame comes sooner); `wait` for it off the UI thread."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self._index: StoryIndex | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._open, name="open-index", daemon=True)
        self._thread.start()

    def _open(self) -> None:
        """Import the index module and open the index (Whoosh and SQLite files)."""
        try:
            from enews_tui.index import open_index

            self._index = open_index(self.archive)
        except BaseException as exc:  # re-raised by `wait`
            self._error = exc

    def wait(self) -> StorySource:
        """The open index, once it is; the opening error if it failed."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._index is not None
        return self._index

    def close(self) -> None:
        """Close the index if it opened."""
        self._thread.join()
        if self._index is not None:
            self._index.close()


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker while stderr is still the real one.

    The index parses big batches in a spawned process pool; spawning starts this tracker, which
    passes `sys.stderr.fileno()` to the child. Inside the app, stderr is Textual's capture object
    (fileno -1), and the pool would fail with "bad value(s) in fds_to_keep". Started here, it is
    reused. Starting it is a fork+exec that does not wait for the child.
    """
    if sys.platform == "win32":
        return
    try:
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()
    except (OSError, ValueError):
        pass  # the index then parses in this process: slower, still correct
