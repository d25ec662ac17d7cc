"""Contacts-directory entries as vCards, written by vobject.

vCard 3.0 (RFC 2426): the version every common address book imports (Apple Contacts, Google
Contacts, Outlook, Thunderbird, Android's contacts app); Outlook and several phone address books
do not read 4.0, and vobject writes 3.0. Escaping and line folding are vobject's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import vobject

from enews_tui.model import DirectoryEntry
from enews_tui.text import sanitize_line

#: Words that make a directory name an office rather than a person.
_OFFICE_WORDS = re.compile(
    r"\b(office|department|dept|relations|services|center|centre|university|college|school|"
    r"program|programme|institute|communications|news|press|desk|media|library|foundation|"
    r"association|council|committee|bureau|team|staff|hotline|line|information)\b",
    re.I,
)
#: Stories named in a card's note past this many are counted, not listed.
MAX_NOTE_STORIES = 20


def is_office(entry: DirectoryEntry) -> bool:
    """Whether the entry names an office or organization rather than a person."""
    return bool(_OFFICE_WORDS.search(entry.name)) or len(entry.name.split()) > 5


def _name_parts(name: str) -> tuple[str, str]:
    """(given, family) of a person's name: `Kim Thurler` -> (`Kim`, `Thurler`)."""
    words = name.split()
    suffix = ""
    if len(words) > 2 and words[-1].rstrip(".").lower() in {"jr", "sr", "ii", "iii", "iv"}:
        suffix = " " + words.pop()
    if len(words) == 1:
        return "", words[0]
    return " ".join(words[:-1]), words[-1] + suffix


def story_note(entry: DirectoryEntry, titles: Mapping[str, str]) -> str:
    """`Named in: One Less Statistic (000_3d40...); ...`: the stories the entry appears in."""
    named = [
        f"{sanitize_line(titles[s])} ({s})" if s in titles else s
        for s in entry.stories[:MAX_NOTE_STORIES]
    ]
    more = len(entry.stories) - len(named)
    text = "Named in: " + "; ".join(named)
    if more > 0:
        text += f"; and {more} more"
    if entry.groups:
        text += ". Listed under: " + "; ".join(sanitize_line(g) for g in entry.groups)
    return text + "."


def to_vcard(entry: DirectoryEntry, titles: Mapping[str, str] | None = None) -> str:
    """One entry as a vCard 3.0: FN and N, ORG, TEL work voice and work fax, EMAIL, CATEGORIES
    (its groups) and a NOTE naming the stories it appears in (with their titles from `titles`)."""
    card = vobject.vCard()
    name = sanitize_line(entry.name)
    card.add("fn").value = name
    office = is_office(entry)
    if office:
        card.add("n").value = vobject.vcard.Name()
        card.add("org").value = [name]
        card.add("x-abshowas").value = "COMPANY"  # Apple Contacts files it as a company
    else:
        given, family = _name_parts(name)
        card.add("n").value = vobject.vcard.Name(family=family, given=given)
        if entry.organization:
            card.add("org").value = [sanitize_line(entry.organization)]
    if entry.phone:
        tel = card.add("tel")
        tel.value = sanitize_line(entry.phone)
        tel.type_param = ["WORK", "VOICE"]
    if entry.fax:
        fax = card.add("tel")
        fax.value = sanitize_line(entry.fax)
        fax.type_param = ["WORK", "FAX"]
    if entry.email:
        email = card.add("email")
        email.value = sanitize_line(entry.email)
        email.type_param = ["INTERNET", "WORK"]
    if entry.groups:
        card.add("categories").value = [sanitize_line(g) for g in entry.groups]
    card.add("note").value = story_note(entry, titles or {})
    return str(card.serialize())


def to_vcards(entries: Iterable[DirectoryEntry], titles: Mapping[str, str] | None = None) -> str:
    """Several entries, one vCard after another (one .vcf file)."""
    return "".join(to_vcard(e, titles) for e in entries)
