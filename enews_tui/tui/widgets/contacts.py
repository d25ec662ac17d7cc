"""The contact panel: a story's contacts, grouped as the page grouped them, and its summary."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from enews_tui.model import Contact
from enews_tui.text import sanitize_line


def contact_prompt(contact: Contact) -> Content:
    """`Kim Thurler` then `T: 617.627.3175  F: 617.627.4907` on a second line."""
    name = contact.name + (f", {contact.organization}" if contact.organization else "")
    details = "  ".join(
        f"{label} {sanitize_line(value)}"
        for label, value in (("T:", contact.phone), ("F:", contact.fax), ("E:", contact.email))
        if value
    )
    content = Content(sanitize_line(name)).stylize("bold")
    if details:
        content = Content.assemble(content, "\n", Content("  " + details))
    return content


def contacts_summary(contacts: Sequence[Contact] | None, folded: bool) -> str:
    """The panel's one-line summary: `4 contacts: c copy, C all, i show`."""
    if contacts is None:
        return "Contacts: open a story to see who to call about it"
    if not contacts:
        return "No contacts printed with this story"
    count = len(contacts)
    noun = "contact" if count == 1 else "contacts"
    return f"{count} {noun}: c copy, C all, i {'show' if folded else 'hide'}"


class ContactPanel(OptionList):
    """Who to call about the open story; the highlighted entry is what `c` copies."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("q,escape,h,backspace", "screen.back", "Back", key_display="q"),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        """An empty panel (markup off: names come from the archive)."""
        super().__init__(id=id, classes=classes, markup=False)
        self.contacts: tuple[Contact, ...] = ()

    def show_contacts(
        self, contacts: Sequence[Contact], empty: str = "No contacts printed with this story"
    ) -> None:
        """List `contacts` under their group labels and highlight the first one."""
        self.contacts = tuple(contacts)
        options: list[Option] = []
        group: str | None = None
        for i, contact in enumerate(self.contacts):
            if contact.group != group:
                group = contact.group
                label = Content(sanitize_line(group)).stylize("bold $text-accent")
                options.append(Option(label, id=f"group-{i}", disabled=True))
            options.append(Option(contact_prompt(contact), id=f"contact-{i}"))
        if not options:
            options.append(Option(Content(empty), disabled=True))
        self.clear_options()
        self.add_options(options)
        first = next((n for n, o in enumerate(options) if not o.disabled), None)
        self.highlighted = first

    @property
    def highlighted_contact(self) -> Contact | None:
        """The highlighted contact, else the first one, else None."""
        if self.highlighted is not None:
            option_id = self.get_option_at_index(self.highlighted).id or ""
            if option_id.startswith("contact-"):
                return self.contacts[int(option_id.removeprefix("contact-"))]
        return self.contacts[0] if self.contacts else None
