"""The library's side of the main screen: read state, stars, notes and export, with their keys.

`LibraryScreen` is the main screen's base class: it holds what the library knows of each story
(read from the library once, then kept up to date as keys change it), writes every change in a
thread, and counts the unread stories in the header. The main screen tells it which stories
exist (`library_stories`) and which one the reader shows (`library_story_shown`).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input

from enews_tui import paths
from enews_tui.export import to_markdown
from enews_tui.model import LibraryError, Mark, Story
from enews_tui.text import one_line, sanitize_line
from enews_tui.tui.screens.note import NoteEditor
from enews_tui.tui.widgets.reader import Reader
from enews_tui.tui.widgets.story_list import StoryList

if TYPE_CHECKING:
    from enews_tui.library import Library

#: Seconds a story stays in the reader, previewed from the list, before it counts as read.
READ_AFTER = 3.0


def export_name(story_id: str) -> str:
    """A file name for a story's export: its id with `/` and odd characters as `-`."""
    stem = "".join(c if c.isalnum() or c in "-_." else "-" for c in story_id).strip("-.")
    return (stem or "story")[:100] + ".md"


#: The library's keys, for the main screen to list after its own (the footer shows them in
#: order, and at 80 columns the reader's own keys and Help come first).
LIBRARY_BINDINGS: list[BindingType] = [
    Binding("f", "toggle_star", "Star"),
    Binding("a", "edit_note", "Note"),
    Binding("u", "next_unread", "Unread"),
    Binding("m", "toggle_read", "Read/unread", show=False),
    Binding("e", "export_story", "Export", show=False),
]


class LibraryScreen(Screen[None]):
    """A screen with the library's keys; subclasses say which story is open and which exist."""

    @dataclass
    class MarksLoaded(Message):
        """The library's marks for this archive were read."""

        marks: dict[str, Mark]

    @dataclass
    class LibraryFailed(Message):
        """A library read or write failed; `reason` is for the user."""

        reason: str

    @dataclass
    class Exported(Message):
        """A story was exported to `path` (None: it failed, `error` says why)."""

        title: str
        path: Path | None
        error: str | None = None

    def __init__(self, *args: object, **kwargs: object) -> None:
        """The marks start empty and are read when the screen mounts."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.marks: dict[str, Mark] = {}
        self._story_ids: frozenset[str] = frozenset()
        self._read_timer: Timer | None = None
        self._write_lock = threading.Lock()
        self._latest: dict[tuple[str, str], int] = {}  # (story, what) -> newest change number
        self._changes = 0
        self._unsaved = 0  # changes handed to a thread and not yet committed
        self._unsaved_lock = threading.Lock()

    @property
    def library(self) -> Library:
        """The app's library."""
        library: Library = getattr(self.app, "library")  # noqa: B009 - the app is EnewsApp
        return library

    def on_mount(self) -> None:
        """Read the marks off the UI thread."""
        self.load_marks()

    @work(thread=True, exclusive=True, group="library-load")
    def load_marks(self) -> None:
        """Every mark of this archive (a few thousand rows at most, in milliseconds)."""
        try:
            marks = self.library.marks()
        except LibraryError as exc:
            self.post_message(self.LibraryFailed(one_line(exc)))
            return
        self.post_message(self.MarksLoaded(marks))

    def on_library_screen_marks_loaded(self, message: MarksLoaded) -> None:
        """Keep the marks (changes made meanwhile win), then show them."""
        self.marks = {**message.marks, **self.marks}
        self.marks_changed()

    def on_library_screen_library_failed(self, message: LibraryFailed) -> None:
        """Say what went wrong; the reader goes on."""
        self.notify(sanitize_line(message.reason), severity="error", markup=False)

    def library_stories(self, story_ids: Sequence[str]) -> None:
        """The stories the index holds (for the unread count)."""
        self._story_ids = frozenset(story_ids)
        self.marks_changed()

    def marks_changed(self) -> None:
        """The marks changed: recount the unread stories in the header (subclasses also redraw
        what shows marks)."""
        if not self._story_ids:
            self.sub_title = ""
            return
        ids = self._story_ids
        read = sum(1 for m in self.marks.values() if m.read and m.story_id in ids)
        unread = len(self._story_ids) - read
        base = self.app.sub_title
        self.sub_title = f"{base} · {unread:,} unread" if base else f"{unread:,} unread"

    def shown_story(self) -> Story | None:
        """The story in the reader."""
        return self.query_one(Reader).story

    def highlighted_story_id(self) -> str | None:
        """The story under the list's cursor."""
        return self.query_one(StoryList).highlighted_id

    def listed_ids(self) -> list[str]:
        """The stories the list shows, in order."""
        return [row.id for row in self.query_one(StoryList).rows]

    def open_story(self, story_id: str) -> None:
        """Open `story_id` in the reader (the main screen does)."""

    def go_to_story(self, story_id: str) -> None:
        """Put the list's cursor on `story_id`; from the reader, open it there too."""
        stories = self.query_one(StoryList)
        ids = self.listed_ids()
        if story_id in ids:
            stories.cursor = ids.index(story_id)
        if self.focused is not stories:
            self.open_story(story_id)

    def _target(self) -> str | None:
        """The story a library key acts on: the one in the reader when it has the focus or the
        list has none, else the one under the list's cursor."""
        story = self.shown_story()
        highlighted = self.highlighted_story_id()
        reading = isinstance(self.focused, Reader)
        if story is not None and (reading or highlighted is None):
            return story.id
        return highlighted or (story.id if story is not None else None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The library's letters are typed, not run, in the search bar."""
        if action in {"toggle_read", "next_unread", "toggle_star", "edit_note", "export_story"}:
            return not isinstance(self.focused, Input)
        return True

    def library_story_shown(self, story_id: str, *, opened: bool) -> None:
        """The reader now shows `story_id`: read at once when it was opened, else once it has
        stayed there READ_AFTER seconds."""
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None
        mark = self.marks.get(story_id)
        if mark is not None and mark.read:
            return
        if opened:
            self._set_read(story_id, True)
            return

        def still_there() -> None:
            self._read_timer = None
            story = self.shown_story()
            if story is not None and story.id == story_id:
                self._set_read(story_id, True)

        self._read_timer = self.set_timer(READ_AFTER, still_there)

    def _mark(self, story_id: str) -> Mark:
        return self.marks.get(story_id) or Mark(story_id)

    def _update(self, mark: Mark) -> None:
        """Keep `mark` (dropping it when nothing is set) and show it."""
        if mark.read or mark.starred or mark.note:
            self.marks[mark.story_id] = mark
        else:
            self.marks.pop(mark.story_id, None)
        self.marks_changed()

    def _set_read(self, story_id: str, read: bool) -> None:
        now = dt.datetime.now(dt.UTC)
        mark = self._mark(story_id)
        self._update(replace(mark, read_at=(mark.read_at or now) if read else None))
        self._write(story_id, "read", lambda lib: lib.set_read([story_id], read))

    def _write(self, story_id: str, what: str, change: Callable[[Library], object]) -> None:
        """Save one change in a thread; of two changes to the same thing, the newer is saved
        last (an older one still waiting is dropped)."""
        self._changes += 1
        self._latest[(story_id, what)] = self._changes
        with self._unsaved_lock:
            self._unsaved += 1
        self._save(story_id, what, self._changes, change)

    def wait_saved(self, timeout: float) -> bool:
        """Wait (up to `timeout` seconds) until every change made so far is committed: called
        when the app ends, so a key pressed just before quitting is not lost; True when saved."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._unsaved_lock:
                if self._unsaved == 0:
                    return True
            time.sleep(0.01)
        return False

    @work(thread=True, group="library")
    def _save(
        self, story_id: str, what: str, number: int, change: Callable[[Library], object]
    ) -> None:
        try:
            with self._write_lock:
                if self._latest.get((story_id, what)) != number:
                    return  # a newer change to the same thing is (or was) saved
                change(self.library)
        except LibraryError as exc:
            self.post_message(self.LibraryFailed(one_line(exc)))
        finally:
            with self._unsaved_lock:
                self._unsaved -= 1

    def action_toggle_read(self) -> None:
        """Mark the story read, or unread again."""
        if (story_id := self._target()) is None:
            self.notify("No story to mark.", markup=False)
            return
        read = not self._mark(story_id).read
        if self._read_timer is not None:  # no automatic "read" right after marking it unread
            self._read_timer.stop()
            self._read_timer = None
        self._set_read(story_id, read)
        self.notify("Marked read." if read else "Marked unread.", markup=False, timeout=2)

    def action_next_unread(self) -> None:
        """The next unread story in the list (after the cursor, then from the top)."""
        ids = list(self.listed_ids())
        if not ids:
            return
        start = self.highlighted_story_id()
        at = ids.index(start) if start in ids else -1
        for story_id in ids[at + 1 :] + ids[: at + 1]:
            mark = self.marks.get(story_id)
            if (mark is None or not mark.read) and story_id != start:
                self.go_to_story(story_id)
                return
        self.notify("No unread stories in the list.", markup=False)

    def action_toggle_star(self) -> None:
        """Star the story, or take its star away."""
        if (story_id := self._target()) is None:
            self.notify("No story to star.", markup=False)
            return
        mark = self._mark(story_id)
        starred = not mark.starred
        self._update(replace(mark, starred_at=dt.datetime.now(dt.UTC) if starred else None))
        self._write(story_id, "star", lambda lib: lib.set_starred(story_id, starred))
        self.notify("Starred." if starred else "Star removed.", markup=False, timeout=2)

    def action_edit_note(self) -> None:
        """The note editor for the story; what it holds when it is left is saved."""
        if (story_id := self._target()) is None:
            self.notify("Choose a story to write a note on.", markup=False)
            return
        story = self.shown_story()
        title = story.title if story is not None and story.id == story_id else story_id
        if story is None or story.id != story_id:
            rows = self.query_one(StoryList).rows
            title = next((r.title for r in rows if r.id == story_id), story_id)

        def saved(text: str | None) -> None:
            if text is None:
                return
            from enews_tui.library import clean_note

            note = clean_note(text)
            mark = self._mark(story_id)
            if note == mark.note:
                return
            now = dt.datetime.now(dt.UTC)
            self._update(replace(mark, note=note, note_at=now if note else None))
            self._write(story_id, "note", lambda lib: lib.set_note(story_id, note))
            self.notify("Note saved." if note else "Note removed.", markup=False, timeout=2)

        self.app.push_screen(NoteEditor(title, self._mark(story_id).note), saved)

    def action_export_story(self) -> None:
        """Write the story in the reader, with its citation and note, as Markdown."""
        story = self.shown_story()
        if story is None:
            self.notify("Open a story first: e exports the story in the reader.", markup=False)
            return
        self._export(story, self.marks.get(story.id))

    @work(thread=True, group="export")
    def _export(self, story: Story, mark: Mark | None) -> None:
        title = sanitize_line(story.title)
        try:
            folder = paths.exports_dir()
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / export_name(story.id)
            text = to_markdown(story, dt.datetime.now(dt.UTC), mark)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            self.post_message(self.Exported(title, None, exc.strerror or one_line(exc)))
            return
        self.post_message(self.Exported(title, path))

    def on_library_screen_exported(self, message: Exported) -> None:
        """Say where the export went."""
        if message.path is None:
            self.notify(f"Cannot export: {message.error}", severity="error", markup=False)
        else:
            self.notify(f"Exported to {message.path}", markup=False, timeout=8)
