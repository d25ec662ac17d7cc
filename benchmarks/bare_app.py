"""A bare Textual app (Header + Footer): the launch-time yardstick measured beside enews-tui."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header


class BareApp(App[None]):
    """Nothing but a header and a footer with one key."""

    TITLE = "bare textual app"
    BINDINGS = [Binding("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        """The header and the footer."""
        yield Header()
        yield Footer()


if __name__ == "__main__":
    BareApp().run()
