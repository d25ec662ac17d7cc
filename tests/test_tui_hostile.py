"""Markup in archived text is shown as text: it runs no action, opens no link, crashes nothing.

The stories here come straight from an in-memory index, so the markup reaches the widgets exactly
as written (the extractor would only strip control characters, never brackets). The same page
through the real extractor, with escape sequences, is in test_tui_app.py.
"""

from __future__ import annotations

from textual.widgets import Static

from enews_tui.model import Contact, Section
from enews_tui.tui.app import EnewsApp
from enews_tui.tui.widgets.reader import Reader
from enews_tui.tui.widgets.story_list import StoryList
from tests.tui_fake import FakeIndex, make_story
from tests.tui_support import capture_output, notices, screen_text

CLICK = "[@click=app.quit]Click me[/]"
ESCAPES = "\x1b]52;c;UFdORUQ=\x07\x1b]0;PWNED-TITLE\x07\x1b[2J\x9b31m"
STRAY = "headline [/i] broken [b]bold"
LINK = "[link='https://evil.example']LINK[/link]"


def _hostile_index() -> FakeIndex:
    base = make_story(
        0, title=f"{CLICK} {STRAY}{ESCAPES}", body=f"Read {LINK} now.{ESCAPES} {CLICK} {STRAY}"
    )
    story = type(base)(
        **{
            **base.__dict__,
            "teaser": f"{STRAY} {LINK}",
            "sections": (
                *base.sections,
                Section(f"{CLICK}", (f"[red]{STRAY}[/red]",)),
            ),
            "contacts": (
                Contact(f"{CLICK} group", f"[@click=app.quit]Kim[/] {STRAY}{ESCAPES}", phone=LINK),
                Contact("Media Inquiries", "Plain Name", email="[b]x@y.org"),
            ),
        }
    )
    other = make_story(1, title=f"{LINK} other [/bold]")
    return FakeIndex([story, other])


async def test_hostile_markup_is_inert_everywhere() -> None:
    app = EnewsApp(_hostile_index().archive, _hostile_index())
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        written = capture_output(app)
        await pilot.pause()
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        assert "[@click=app.quit]Click me[/]" in text  # list rows show it literally
        await pilot.press("enter")
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        reader = app.screen.query_one(Reader)
        assert reader.story is not None and reader.story.id == "story-000000"
        text = screen_text(app)
        assert "headline [/i] broken [b]bold" in text
        assert "[link='https://evil.example']LINK[/link]" in text
        # Clicking the words that would be a [@click] action or a link does nothing.
        for widget in reader.query(Static).results():
            if widget.region and reader.region.contains_region(widget.region):
                await pilot.click(widget, offset=(2, 0))
        await pilot.click(app.screen.query_one("#contacts"), offset=(3, 1))
        await pilot.click(app.screen.query_one(StoryList), offset=(3, 1))
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running
        assert reader.story is not None and reader.story.id == "story-000000"
        app.screen.query_one("#contacts").focus()
        await pilot.press("c")
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        assert app.clipboard.startswith("[@click=app.quit]Kim[/] headline [/i] broken [b]bold")
        assert "T: [link='https://evil.example']LINK[/link]" in app.clipboard
        shown = notices(app)
        assert shown and "[@click=app.quit]Kim[/]" in shown[-1]
        await pilot.pause()
        assert "Kim[/] headline [/i]" in screen_text(app)  # the toast shows it literally
        assert app.is_running
        # The in-memory index handed the UI raw escape sequences; none reached the terminal.
        output = "".join(written)
        assert output and "UFdORUQ" not in output and "PWNED-TITLE" not in output
        assert "\x1b[2J" not in output and "\x9b" not in output
        assert not any(c in app.clipboard for c in "\x1b\x07\x9b")
