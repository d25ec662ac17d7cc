"""The contacts directory: the same person or office across stories becomes one entry."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from enews_tui.model import Contact, DirectoryEntry

_PUNCT = re.compile(r"[^\w\s]")


def _norm(text: str | None) -> str:
    """Casefolded, punctuation stripped, white space folded: `Kim  Thurler.` == `kim thurler`."""
    return " ".join(_PUNCT.sub(" ", text or "").casefold().split())


@dataclass
class _Entry:
    name: str
    organization: str | None
    phone: str | None = None
    fax: str | None = None
    email: str | None = None
    groups: list[str] = field(default_factory=list)
    stories: list[str] = field(default_factory=list)


def merge_contacts(rows: list[tuple[str, Contact]]) -> list[DirectoryEntry]:
    """One entry per (name, organization), first non-empty phone/fax/email; sorted by name."""
    entries: dict[tuple[str, str], _Entry] = {}
    for story_id, c in rows:
        key = (_norm(c.name), _norm(c.organization))
        if not key[0]:
            continue
        e = entries.get(key)
        if e is None:
            e = entries[key] = _Entry(c.name, c.organization)
        e.phone = e.phone or c.phone
        e.fax = e.fax or c.fax
        e.email = e.email or c.email
        if c.group and c.group not in e.groups:
            e.groups.append(c.group)
        if story_id not in e.stories:
            e.stories.append(story_id)
    ordered = sorted(entries.items(), key=lambda kv: kv[0])
    return [
        DirectoryEntry(
            e.name, e.organization, e.phone, e.fax, e.email, tuple(e.groups), tuple(e.stories)
        )
        for _, e in ordered
    ]
