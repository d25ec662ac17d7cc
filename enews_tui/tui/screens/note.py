"""The note editor: a few lines about one story, saved when the editor is left."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from enews_tui.text import sanitize_line


class NoteEditor(ModalScreen[str | None]):
    """A multi-line editor; leaving it (escape, ctrl+s, a click outside the box) gives back the
    text to save; `ctrl+g` gives back None (leave without saving)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,ctrl+s", "save", "Save and close", priority=True),
        Binding("ctrl+g", "discard", "Discard changes", priority=True),
    ]

    def __init__(self, title: str, note: str | None) -> None:
        """Edit the note of the story titled `title` (its current note, if any)."""
        super().__init__(id="note-editor")
        self.story_title = title
        self.note = note or ""

    def compose(self) -> ComposeResult:
        """A box: the story's title, the text area, what the keys do."""
        with Vertical(id="note-box") as box:
            box.border_title = "Note"
            box.border_subtitle = "escape saves · ctrl+g discards"
            yield Static(Content(sanitize_line(self.story_title)), id="note-story")
            yield TextArea(self.note, id="note-text", soft_wrap=True, show_line_numbers=False)

    def on_mount(self) -> None:
        """The cursor at the end of the note."""
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def on_click(self, event: events.Click) -> None:
        """A click outside the box leaves (and saves), as escape does."""
        if event.widget is self:
            self.action_save()

    def action_save(self) -> None:
        """Leave, giving back the text to save."""
        self.dismiss(self.query_one(TextArea).text)

    def action_discard(self) -> None:
        """Leave without saving."""
        self.dismiss(None)
