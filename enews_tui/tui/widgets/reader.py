"""The reader: one story, its search terms marked, less/vim keys to read it, related stories."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content, Span
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from enews_tui.model import Story, StorySummary
from enews_tui.render import byline_line, story_date_line
from enews_tui.text import sanitize, sanitize_line
from enews_tui.tui.widgets.story_list import term_spans, terms_pattern

#: Styles resolved against the theme, so marks read well in dark and light themes.
MARK_STYLE = "bold $text-warning on $warning-muted"
CURRENT_STYLE = "bold $text on $warning"
#: Headings and paragraphs shown as widgets of their own; past this, the rest of the story is
#: grouped into as many widgets again (mounting thousands of widgets freezes the app).
MAX_BLOCKS = 300


@dataclass
class _Block:
    """A block of story text on screen and where the search terms occur in it."""

    widget: Static
    text: str
    spans: list[tuple[int, int]]


class Reader(VerticalScroll, can_focus=True):
    """A story as clean text; every string is shown with markup off (archived text is untrusted)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "page_down", "Page", key_display="space"),
        Binding("b", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("ctrl+d", "half_page_down", "Half page down", show=False),
        Binding("ctrl+u", "half_page_up", "Half page up", show=False),
        Binding("j,down", "line_down", "Down", show=False),
        Binding("k,up", "line_up", "Up", show=False),
        Binding("g,home", "top", "Top", show=False),
        Binding("G,end", "bottom", "Bottom", show=False),
        Binding("n", "next_hit", "Next hit", show=False),
        Binding("N", "previous_hit", "Prev hit", show=False),
        Binding("q,escape,h,backspace", "screen.back", "Back", key_display="q"),
        Binding("o", "screen.open_archived", "Browser"),
        Binding("y", "screen.copy_address", "Copy URL"),
    ]

    @dataclass
    class RelatedChosen(Message):
        """A related story was chosen to read."""

        story_id: str

    @dataclass
    class HitChanged(Message):
        """The current hit moved (or there are no hits): `index` of `total`, 0-based."""

        index: int
        total: int

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        """An empty reader with a hint."""
        super().__init__(id=id, classes=classes)
        self.story: Story | None = None
        #: The related stories shown at the end of the story (empty until they are found).
        self.related: tuple[StorySummary, ...] = ()
        self._blocks: list[_Block] = []
        self._hits: list[tuple[int, int]] = []  # (block index, span index), in reading order
        self._current = -1

    def compose_placeholder(self, text: str) -> None:
        """Show a hint instead of a story."""
        self.story = None
        self.related = ()
        self._blocks, self._hits, self._current = [], [], -1
        self.remove_children()
        self.mount(Static(Content(text), classes="reader-placeholder"))

    def show_story(
        self,
        story: Story,
        related: Sequence[StorySummary],
        terms: Sequence[str],
        *,
        scroll_y: float = 0,
    ) -> None:
        """Show `story` with `terms` marked, from the top or scrolled down to `scroll_y`; its
        `related` stories (if known yet: `show_related` adds them later) at the end."""
        self.story = story
        pattern = terms_pattern(terms)
        self._blocks = []

        def block(text: str, classes: str) -> Static:
            text = sanitize(text)  # again, here: nothing raw may reach the terminal
            widget = Static(Content(text), classes=classes)
            self._blocks.append(_Block(widget, text, term_spans(text, pattern)))
            return widget

        widgets: list[Static | OptionList] = [block(story.title, "reader-title")]
        if when := story_date_line(story):
            widgets.append(block(when, "reader-when"))
        if story.teaser:
            widgets.append(block(story.teaser, "reader-teaser"))
        body: list[tuple[str, str]] = []
        for section in story.sections:
            if section.heading:
                body.append((section.heading, "reader-heading"))
            body.extend((p, "reader-paragraph") for p in section.paragraphs)
        if len(body) > MAX_BLOCKS:  # a broken or hostile page: the rest in MAX_BLOCKS runs
            rest = body[MAX_BLOCKS:]
            size = -(-len(rest) // MAX_BLOCKS)
            runs = [rest[i : i + size] for i in range(0, len(rest), size)]
            body = body[:MAX_BLOCKS]
            body += [("\n\n".join(t for t, _c in run), "reader-paragraph") for run in runs]
        widgets.extend(block(text, classes) for text, classes in body)
        if story.byline and (line := byline_line(story)):
            widgets.append(block(line, "reader-byline"))
        if story.url:  # shown as text: archived links are never opened by the app
            source = Content(f"Source: {sanitize_line(story.url)}")
            widgets.append(Static(source, classes="reader-source"))
        if story.archived is not None:
            widgets.append(Static(archived_text(story), classes="reader-archived"))
        widgets.extend(_related_widgets(related))
        self.related = tuple(related)
        self._hits = [(b, s) for b, blk in enumerate(self._blocks) for s in range(len(blk.spans))]
        self._current = -1
        for blk in self._blocks:
            self._paint(blk, None)
        with self.app.batch_update():  # old blocks go as the new ones come: no flicker
            self.remove_children()
            self.mount_all(widgets)
        self.scroll_home(animate=False)
        if scroll_y:  # once the new blocks are laid out: back to where the reader was
            self.call_after_refresh(self.scroll_to, y=scroll_y, animate=False)
        self.post_message(self.HitChanged(-1, len(self._hits)))

    def show_related(self, related: Sequence[StorySummary]) -> None:
        """The open story's related stories, at its end (they come after the story, which never
        waits for them); nothing moves when they are the ones already shown."""
        if self.story is None or [r.id for r in related] == [r.id for r in self.related]:
            return
        self.related = tuple(related)
        with self.app.batch_update():
            self.query(".reader-related-label, .reader-related").remove()
            self.mount_all(_related_widgets(related))

    @property
    def hit_count(self) -> int:
        """How many marked words the open story has."""
        return len(self._hits)

    def _paint(self, blk: _Block, current: int | None) -> None:
        """Render a block with its marks; span `current` (if any) stands out."""
        spans = [  # built at once: one stylize() per mark is quadratic in a long block
            Span(start, end, CURRENT_STYLE if i == current else MARK_STYLE)
            for i, (start, end) in enumerate(blk.spans)
            if 0 <= start < end <= len(blk.text)
        ]
        blk.widget.update(Content(blk.text, spans))

    def _go_to_hit(self, index: int) -> None:
        """Make hit `index` current and scroll it into view."""
        if not self._hits:
            self.notify("No search hits in this story", severity="warning", markup=False)
            return
        if 0 <= self._current < len(self._hits):
            old_block, _ = self._hits[self._current]
            self._paint(self._blocks[old_block], None)
        self._current = index % len(self._hits)
        block_index, span_index = self._hits[self._current]
        blk = self._blocks[block_index]
        self._paint(blk, span_index)
        self.scroll_to_center(blk.widget, animate=False)
        self.post_message(self.HitChanged(self._current, len(self._hits)))

    @property
    def _page(self) -> int:
        """Lines one page moves: a screenful less one, so the last line read stays in view."""
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_by(self, lines: int) -> None:
        """Scroll `lines` down (up when negative), at once: reading keys must not lag."""
        self.scroll_to(y=self.scroll_y + lines, animate=False)

    def action_page_down(self) -> None:
        """A page down (space, pagedown)."""
        self._scroll_by(self._page)

    def action_page_up(self) -> None:
        """A page up (b, pageup)."""
        self._scroll_by(-self._page)

    def action_half_page_down(self) -> None:
        """Half a page down (ctrl+d)."""
        self._scroll_by(max(1, self.scrollable_content_region.height // 2))

    def action_half_page_up(self) -> None:
        """Half a page up (ctrl+u)."""
        self._scroll_by(-max(1, self.scrollable_content_region.height // 2))

    def action_line_down(self) -> None:
        """One line down (j)."""
        self._scroll_by(1)

    def action_line_up(self) -> None:
        """One line up (k)."""
        self._scroll_by(-1)

    def action_top(self) -> None:
        """The story's start (g)."""
        self.scroll_home(animate=False)

    def action_bottom(self) -> None:
        """The story's end (G)."""
        self.scroll_end(animate=False)

    def action_next_hit(self) -> None:
        """Jump to the next marked word."""
        self._go_to_hit(self._current + 1)

    def action_previous_hit(self) -> None:
        """Jump to the previous marked word."""
        self._go_to_hit(self._current - 1 if self._current >= 0 else -1)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """A related story was chosen."""
        event.stop()
        if event.option.id:
            self.post_message(self.RelatedChosen(event.option.id))


def _related_widgets(related: Sequence[StorySummary]) -> list[Static | OptionList]:
    """A label and a list of the related stories' titles (nothing when there are none)."""
    if not related:
        return []
    options = [Option(Content(sanitize_line(r.title)), id=r.id) for r in related]
    return [
        Static(Content("Related stories"), classes="reader-related-label"),
        OptionList(*options, classes="reader-related", markup=False),
    ]


def archived_text(story: Story) -> Content:
    """`Captured July 23, 2008, 12:00 UTC` and the archived copy's address, as plain text."""
    if story.archived is None:
        return Content("")
    when = story.archived.captured
    line = f"Captured {when:%B} {when.day}, {when.year}, {when:%H:%M} UTC"
    return Content(f"{line}\nArchived copy: {sanitize_line(story.archived.replay_url)}")
