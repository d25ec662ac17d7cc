"""Plain-text renderings shared by the CLI and the clipboard: a story, a contact."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from enews_tui.model import Contact, Story, StorySummary

WIDTH = 78


def format_contact(contact: Contact) -> str:
    """One line: `Kim Thurler (Media Inquiries) T: 617.627.3175 F: 617.627.4907`."""
    parts = [contact.name]
    if contact.organization:
        parts.append(f"- {contact.organization}")
    parts.append(f"({contact.group})")
    for label, value in (("T:", contact.phone), ("F:", contact.fax), ("E:", contact.email)):
        if value:
            parts.append(f"{label} {value}")
    return " ".join(parts)


def format_contacts(contacts: Iterable[Contact]) -> str:
    """All of a story's contacts, one per line."""
    return "\n".join(format_contact(c) for c in contacts)


def story_count(n: int) -> str:
    """`1 story`, `3,400 stories`."""
    return f"{n:,} stor{'y' if n == 1 else 'ies'}"


def byline_line(story: Story) -> str:
    """`Profile by Kaitlin Melanson, Web Communications`, or the empty string."""
    b = story.byline
    if b is None:
        return ""
    who = " ".join(x for x in (b.kind, "by" if b.kind and b.author else None, b.author) if x)
    return ", ".join(x for x in (who, b.organization) if x)


def story_date_line(story: Story) -> str:
    """`July 23, 2008 · Medford/Somerville, Mass.` (either part may be missing)."""
    parts = []
    if story.date:
        parts.append(f"{story.date:%B} {story.date.day}, {story.date.year}")
    if story.dateline:
        parts.append(story.dateline)
    return " · ".join(parts)


def render_story(story: Story, related: Iterable[StorySummary] = ()) -> str:
    """The story as clean, wrapped plain text, contacts and related stories last."""
    lines = [story.title, "=" * min(len(story.title), WIDTH)]
    if when := story_date_line(story):
        lines.append(when)
    if story.teaser:
        lines += ["", *textwrap.wrap(story.teaser, WIDTH)]
    for section in story.sections:
        if section.heading:
            lines += ["", section.heading, "-" * min(len(section.heading), WIDTH)]
        for paragraph in section.paragraphs:
            lines += ["", *textwrap.wrap(paragraph, WIDTH)]
    if byline := byline_line(story):
        lines += ["", byline]
    group = None
    for contact in story.contacts:
        if contact.group != group:
            group = contact.group
            lines += ["", group]
        lines.append(
            "  " + contact.name + (f", {contact.organization}" if contact.organization else "")
        )
        for label, value in (("T:", contact.phone), ("F:", contact.fax), ("E:", contact.email)):
            if value:
                lines.append(f"    {label} {value}")
    related = list(related)
    if related:
        lines += ["", "Related stories"]
        lines += [f"  {r.title}  [{r.id}]" for r in related]
    if story.url:
        lines += ["", f"Source: {story.url}"]
    return "\n".join(lines) + "\n"
