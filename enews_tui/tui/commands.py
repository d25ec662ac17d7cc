"""The command palette's actions: search, copy, help, theme, refresh."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class EnewsCommands(Provider):
    """The main actions of the reader, by name."""

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        """(name, callback, help) of each command."""
        run = self.app.run_action
        return [
            ("Search stories", partial(run, "screen.focus_search"), "Go to the search bar"),
            (
                "Copy highlighted contact",
                partial(run, "screen.copy_contact"),
                "Copy the contact highlighted in the contact panel",
            ),
            (
                "Copy all contacts",
                partial(run, "screen.copy_all"),
                "Copy every contact of the open story",
            ),
            ("Next search hit", partial(run, "screen.next_hit"), "Jump to the next marked word"),
            (
                "Sort hits by relevance / by date",
                partial(run, "screen.sort_hits"),
                "Best first or newest first (S)",
            ),
            (
                "Mark read / unread",
                partial(run, "screen.toggle_read"),
                "The story in the reader, or under the cursor (m)",
            ),
            ("Next unread story", partial(run, "screen.next_unread"), "Jump to it (u)"),
            ("Star / unstar", partial(run, "screen.toggle_star"), "Find stars with is:starred (f)"),
            ("Edit the note", partial(run, "screen.edit_note"), "A note on the story (a)"),
            (
                "Export the story",
                partial(run, "screen.export_story"),
                "As Markdown with its citation, to the exports folder (e)",
            ),
            (
                "Open the archived page in a browser",
                partial(run, "screen.open_archived"),
                "The story's replay URL, else its original address (copied if no browser opens)",
            ),
            ("Copy the story's address", partial(run, "screen.copy_address"), "To the clipboard"),
            (
                "Fold / unfold the contact panel",
                partial(run, "screen.toggle_contacts"),
                "One summary line, or the contacts",
            ),
            (
                "People: the contacts directory",
                partial(run, "app.people"),
                "Everyone the archive names, with their stories (p)",
            ),
            (
                "Timeline: stories per year and month",
                partial(run, "app.timeline"),
                "Choose a year or month to narrow the list (t)",
            ),
            ("Help", partial(run, "app.help"), "Keys and query syntax"),
            ("Toggle dark / light theme", partial(run, "app.toggle_theme"), "Switch themes"),
            (
                "Refresh the index",
                partial(run, "screen.refresh_index"),
                "Look for new, changed and removed pages",
            ),
            (
                "Fetch the E-News archive",
                partial(run, "app.fetch_archive"),
                "Download the whole site from the Wayback Machine (what is missing)",
            ),
        ]

    async def discover(self) -> Hits:
        """Every command, before anything is typed."""
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        """Commands whose name matches what was typed."""
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            if (score := matcher.match(name)) > 0:
                yield Hit(score, matcher.highlight(name), callback, text=name, help=help_text)
