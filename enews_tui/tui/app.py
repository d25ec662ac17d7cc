"""The Textual app: `run_app(archive)` for the command line; `EnewsApp(archive, index)`."""

from __future__ import annotations

import sys
import threading
from typing import Any, ClassVar, cast

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Input

from enews_tui import runtime
from enews_tui.archive import Archive
from enews_tui.library import Library, open_or_memory
from enews_tui.libsearch import LibraryIndex
from enews_tui.paths import data_dir
from enews_tui.text import sanitize_line
from enews_tui.tui.commands import EnewsCommands
from enews_tui.tui.screens.directory import DirectoryScreen
from enews_tui.tui.screens.help import HelpScreen
from enews_tui.tui.screens.main import MainScreen
from enews_tui.tui.screens.timeline import TimelineScreen, with_date
from enews_tui.tui.settings import load_settings, save_setting
from enews_tui.tui.source import StorySource

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

    def __init__(
        self,
        archive: Archive,
        index: StorySource,
        *,
        refresh_on_mount: bool = True,
        library: Library | None = None,
    ) -> None:
        """The app over an open index and the reader's library (by default the one in the data
        folder); `refresh_on_mount=False` skips the startup refresh."""
        super().__init__()
        self.archive = archive
        self.library_notice: str | None = None
        if library is None:
            library, self.library_notice = open_or_memory(archive)
        self.library = library
        # Searches understand the library's terms (is:starred, note:word, ...).
        self.index = cast(StorySource, LibraryIndex(index, library))
        self.refresh_on_mount = refresh_on_mount
        self.sub_title = archive_label(archive)
        self._switch_interval = sys.getswitchinterval()
        theme = load_settings().get("theme")
        if isinstance(theme, str) and theme in self.available_themes:
            self.theme = theme

    def on_mount(self) -> None:
        """A shorter switch interval while the app runs (runtime.py says why); the theme
        remembered when it changes; the library's notice, if any."""
        self._switch_interval = runtime.shorten_switch_interval()
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self.library_notice:
            self.notify(sanitize_line(self.library_notice), severity="warning", markup=False)

    def _remember_theme(self, theme: Any) -> None:
        """Keep the theme chosen (ctrl+t, the palette) for the next launch."""
        save_setting("theme", self.theme)

    def on_unmount(self) -> None:
        """The process's own switch interval again."""
        runtime.restore_switch_interval(self._switch_interval)

    def get_default_screen(self) -> Screen[None]:
        """The main screen, reading through the index."""
        self.main_screen = MainScreen(self.index, refresh_on_mount=self.refresh_on_mount)
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
            return self.screen is main and not isinstance(self.focused, Input)
        return True

    def action_people(self) -> None:
        """The contacts directory; a story chosen there opens in the reader."""
        if isinstance(self.screen, DirectoryScreen):
            return

        def opened(story_id: str | None) -> None:
            if story_id:
                self.main_screen.open_story(story_id)

        self.push_screen(DirectoryScreen(self.index), opened)

    def action_timeline(self) -> None:
        """The timeline; a year or month chosen there goes into the search as `date:`."""
        if isinstance(self.screen, TimelineScreen):
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
    opening = _OpeningIndex(archive)  # opens while Textual starts: the first frame comes sooner
    try:
        app = EnewsApp(archive, cast(StorySource, opening))
        app.run()
        code = app.return_code or 0
        main = getattr(app, "main_screen", None)
        if main is not None:
            main.wait_saved(5.0)  # marks made just before quitting are committed first
        app.library.close()
        if app.refreshing:
            runtime.leave_now(code)  # without waiting for the refresh thread
    finally:
        opening.close()
    return code


class _OpeningIndex:
    """The archive's index, opened on a thread; any use waits until it is open."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self._index: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._open, name="open-index", daemon=True)
        self._thread.start()

    def _open(self) -> None:
        """Import the index module and open the index (Whoosh and SQLite files)."""
        try:
            from enews_tui.index import open_index

            self._index = open_index(self.archive)
        except BaseException as exc:  # re-raised where the index is first used
            self._error = exc

    def _opened(self) -> Any:
        """The open index (waiting for it); the opening error, if it failed."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._index

    def __getattr__(self, name: str) -> Any:
        """Everything but `archive` comes from the open index."""
        return getattr(self._opened(), name)

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
