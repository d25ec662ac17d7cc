"""Contact blocks ("For More Information", "Media Inquiries") and in-story calls to contact."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from enews_tui.extract import patterns
from enews_tui.model import Contact

#: No story prints more; a page of 100,000 contact lines stops here.
MAX_CONTACTS = 200

_LABEL = re.compile(
    r"(?i)^(?P<label>for\s+(?:more|further|additional)\s+information|more\s+information"
    r"|(?:editorial|news|press|media|public\s+relations|communications)\s+contacts?(?:\s+person)?"
    r"|(?:news\s+)?media\s+(?:inquiries|inquiry|contacts?|relations)|press\s+(?:contacts?|inquiries)"
    r"|for\s+media\s+inquiries|contacts?(?:\s+information|\s+info)?)(?P<after>\b.*)$"
)
_THEN_CONTACT = re.compile(r"(?i)^\s*[,:]?\s*(?:please\s+)?contact\b\s*:?\s*(?P<rest>.*)$")
# One `T:` / `Tel:` / `F:` / `E-mail:` key and the value up to the next key.
_FIELD_KEY = re.compile(
    r"(?i)(?:(?<=\s)|(?<=^))(?P<key>t|tel\.?|telephone|phone|ph\.?|p|f|fax|e|e-?mail|mail)\s*:\s*"
)
_FIELD_NAMES = {"t": "phone", "tel": "phone", "telephone": "phone", "phone": "phone",
                "ph": "phone", "p": "phone", "f": "fax", "fax": "fax", "e": "email",
                "email": "email", "e-mail": "email", "mail": "email"}  # fmt: skip
# A key alone on its line (a table cell "T:" beside a cell "617.627.3175").
_KEY_ONLY = re.compile(r"(?i)^(?:t|tel\.?|telephone|phone|ph\.?|p|f|fax|e|e-?mail|mail)\s*:?$")
_PHONE = re.compile(
    r"(?:\+?1[ .\-])?\(?\d{3}\)?[ .\-]?\d{3}[.\-]\d{4}(?:\s*(?:x|ext\.?)\s*\d{1,5})?"
)
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
# What may trail a name in a call besides the address: "at", "or", punctuation, and the
# placeholder left where an address was scrubbed.
_TAIL_NOISE = re.compile(r"(?i)\[email\s+protected\]|\b(?:at|or|and|by|on|via)\b|[\s,.;:()]+")
_CALL = re.compile(
    r"^(?P<lead>[A-Z\"'“][^.!?]{1,80}?[?!.:,])\s+(?:please\s+)?"
    r"(?i:contact|call|e-?mail|write\s+to|reach)\s+(?P<rest>.+)$"
)
# Where one person's entry ends and the next one's starts on a line of several.
_PEOPLE_SPLIT = re.compile(
    r";\s*|\s+/\s+|(?<=\d{4}),\s+(?=[A-Z])|(?<=\.(?:edu|com|org|gov|net)),?\s+(?:and\s+)?(?=[A-Z])"
)
_QUESTION = re.compile(r"^[A-Z][^.!?]{1,60}\?$")
_SCRUBBED = re.compile(r"(?i)\[?email\s+protected\]?")
_DIGITS = re.compile(r"\d{3}")
_NOT_NAMES = frozenset("us me them him her it the a an our".split())
_ORG_WORDS = frozenset("of the for and & at in on de".split())


@dataclass
class _Entry:
    """A contact being read: its name lines and the fields seen so far."""

    name: str
    organization: str | None = None
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class ContactScan:
    """Contacts found, the lines they used, which were labels, which were in-story calls."""

    contacts: list[Contact] = field(default_factory=list)
    calls: list[Contact] = field(default_factory=list)
    used: set[int] = field(default_factory=set)
    labels: set[int] = field(default_factory=set)
    call_lines: set[int] = field(default_factory=set)


def scan_contacts(lines: Sequence[str], stop: Callable[[int], bool]) -> ContactScan:
    """Read every contact block and in-story call; `stop(i)` marks lines that end a block."""
    scan = ContactScan()
    i = 0
    while i < len(lines) and len(scan.contacts) + len(scan.calls) < MAX_CONTACTS:
        label = match_label(lines[i])
        if label is None:
            call = match_call(lines[i])
            used = [i]
            if call is None and i > 0 and _QUESTION.match(lines[i - 1]):
                # The question and the call on lines of their own: "Want to help?" /
                # "Contact Robin Smalley at".
                call = match_call(f"{lines[i - 1]} {lines[i]}")
                used.append(i - 1)
            if call is not None:
                scan.calls.append(call)
                scan.used.update(used)
                scan.call_lines.update(used)
            i += 1
            continue
        group, rest = label
        if rest:
            entries = _inline_entries(rest)
            if not entries:
                i += 1  # "For more information, contact the office that..." is prose
                continue
            scan.contacts.extend(_contact(group, entry) for entry in entries)
        else:
            scan.labels.add(i)
        scan.used.add(i)
        i = _read_block(lines, i + 1, group, scan, stop, bare=not rest)
    scan.contacts = _unique(scan.contacts)[:MAX_CONTACTS]
    scan.calls = _unique(scan.calls)
    return scan


def match_label(line: str) -> tuple[str, str] | None:
    """(group, inline rest) for a contact label line like "Media Inquiries" or "Contact: X"."""
    if len(line) > 300:
        return None
    match = _LABEL.match(line)
    if match is None:
        return None
    label, after = match.group("label"), match.group("after").strip()
    if not after or after == ":":
        return label, ""
    then = _THEN_CONTACT.match(after)
    if then is not None and (then.group("rest") or "contact" in after.lower()):
        return label, then.group("rest").strip()
    if after.startswith(":"):
        return label, after[1:].strip()
    if label.lower() == "contact" and (entry := inline_entry(after)) is not None and entry.fields:
        return label, after  # "Contact Dana Kowalski at dk@example.com or 555-201-4410."
    return None


def match_call(line: str) -> Contact | None:
    """An in-story call, "Want to help? Contact Robin Smalley at ...": the person, in its group."""
    if len(line) > 250:
        return None
    match = _CALL.match(line)
    if match is None:
        return None
    entry = inline_entry(match.group("rest"))
    if entry is None:
        return None
    return _contact(match.group("lead").rstrip(",:").strip(), entry)


def _inline_entries(text: str) -> list[_Entry]:
    """One or several people on one line ("Jane Doe, 617-555-0100; John Roe, 617-555-0101")."""
    whole = inline_entry(text)
    parts = [p for p in _PEOPLE_SPLIT.split(text) if p.strip()]
    if len(parts) > 1:
        each = [inline_entry(p) for p in parts]
        if all(e is not None for e in each) and all(e and e.fields for e in each):
            return [e for e in each if e is not None]
    return [whole] if whole is not None else []


def inline_entry(text: str) -> _Entry | None:
    """A contact written on one line: "Kim Thurler, 617.627.3175, kim@tufts.edu" and the like."""
    parsed = _fields_of(text)
    if parsed is None:
        return None
    name_part, fields = parsed
    name_part = _SCRUBBED.sub(" ", name_part)  # "[email protected]": the address is gone
    name_part = re.sub(r"(?i)[\s,;:(]*\b(?:at|on|via|by)?[\s,;:(]*$", "", name_part).strip()
    name, _, org_part = name_part.partition(",")
    name, org = name.strip(), org_part.strip().rstrip(".") or None
    if not _is_contact_name(name) or (org is not None and not _is_org(org)):
        return None
    return _Entry(name, org, fields)


def _fields_of(text: str) -> tuple[str, dict[str, str]] | None:
    """(name part, fields) from keyed (`T:`) or bare (617.627.3175, a@b.edu) values; None if
    prose follows the values."""
    name_part, fields = split_fields(text)
    if fields:
        return name_part, fields
    found = [m for rx in (_PHONE, _EMAIL) for m in rx.finditer(text)]
    if not found:
        return text, {}
    found.sort(key=lambda m: m.start())
    tail = text[found[0].start() :]
    for m in found:
        fields.setdefault("email" if "@" in m.group() else "phone", m.group())
        tail = tail.replace(m.group(), " ")
    if _TAIL_NOISE.sub("", tail):
        return None  # more prose follows: a sentence, not a contact
    name_part = text[: found[0].start()]
    key = name_part.strip(" :.").lower()
    if len(found) == 1 and key in _FIELD_NAMES:
        return "", {_FIELD_NAMES[key]: found[0].group()}  # "Fax 617.627.3549", no colon
    return name_part, fields


def split_fields(line: str) -> tuple[str, dict[str, str]]:
    """(text before the first key, {phone/fax/email: value}) of a line with `T:`/`F:`/`E:` keys."""
    keys = list(_FIELD_KEY.finditer(line))
    fields: dict[str, str] = {}
    for n, key in enumerate(keys):
        end = keys[n + 1].start() if n + 1 < len(keys) else len(line)
        value = line[key.end() : end].strip().rstrip(",;")
        if _SCRUBBED.search(value):
            value = ""  # the address was scrubbed on archiving: there is nothing to keep
        kind = _FIELD_NAMES[key.group("key").lower().rstrip(".")]
        if value and kind not in fields:
            fields[kind] = value
    return (line[: keys[0].start()].strip() if keys else line), fields


def _read_block(
    lines: Sequence[str],
    start: int,
    group: str,
    scan: ContactScan,
    stop: Callable[[int], bool],
    bare: bool = True,
) -> int:
    """Read the entries under a label (name, optional organization, field lines) from `start`;
    `bare`: a name with no phone or address is kept (a label over a bare name)."""
    pending: list[int] = []  # lines since the last field line: the next entry's name (and org)
    entry: _Entry | None = None
    found = 0
    j = start
    while j < len(lines) and found < MAX_CONTACTS:
        text = lines[j]
        if stop(j) or match_label(text) is not None:
            break
        if _KEY_ONLY.match(text) and j + 1 < len(lines) and not stop(j + 1):
            scan.used.add(j)  # the key's value is in the next cell: read them as one line
            j += 1
            text = f"{text.rstrip(':')}: {lines[j]}"
        parsed = _fields_of(text)
        if parsed is None:
            break
        name_part, fields = parsed
        if not fields and not _is_org(text):
            break
        if name_part and fields and not _is_contact_name(name_part.strip(" ,;:")):
            break
        name_part = name_part.strip(" ,;:")
        if not fields:
            pending.append(j)
            if len(pending) > 2:
                break
            j += 1
            continue
        names = [lines[k] for k in pending] + ([name_part] if name_part else [])
        if names:
            if entry is not None:
                scan.contacts.append(_contact(group, entry))
                found += 1
            entry = _new_entry(names[-2:])
            scan.used.update(pending)
            pending = []
        if entry is not None:
            for kind, value in fields.items():
                entry.fields.setdefault(kind, value)
            scan.used.add(j)
        j += 1
    if entry is not None:
        scan.contacts.append(_contact(group, entry))
    elif (
        bare
        and pending
        and len(pending) <= 2
        and (j >= len(lines) or stop(j) or match_label(lines[j]))
    ):
        # A label over a bare name ("Media Contact / Kim Thurler"): printed, so kept.
        if _is_contact_name(lines[pending[0]]):
            org = lines[pending[1]] if len(pending) > 1 else None
            scan.contacts.append(_contact(group, _Entry(lines[pending[0]], org)))
            scan.used.update(pending)
            return j
    return j if entry is not None else start


def _new_entry(names: list[str]) -> _Entry:
    """An entry from its name line and optional organization line ("Name, Org" on one line)."""
    if len(names) > 1:
        return _Entry(names[0], names[1])
    name, comma, org = names[0].partition(",")
    if comma and patterns.is_name(name.strip(), max_words=4) and _is_org(org.strip()):
        return _Entry(name.strip(), org.strip())
    return _Entry(names[0])


def _is_contact_name(text: str) -> bool:
    """A name a contact can have: name-like, and not a pronoun (\"Contact us\")."""
    return _is_org(text) and text.lower() not in _NOT_NAMES


def _is_org(text: str) -> bool:
    """A name or an organization line: capitalized words with small joining words, no sentence."""
    words = text.split()
    if not words or len(words) > 10 or len(text) > 100 or patterns.ends_sentence(text.rstrip(".")):
        return False
    if _DIGITS.search(text):
        return False  # a street address or ZIP code line (a footer), not a name
    if not words[0][:1].isupper():
        return False
    capitalized = [w for w in words if w.lower() not in _ORG_WORDS]
    return bool(capitalized) and patterns.is_name(" ".join(capitalized), max_words=10)


def _contact(group: str, entry: _Entry) -> Contact:
    """The model's Contact for an entry read under `group`."""
    return Contact(
        group=group,
        name=entry.name,
        organization=entry.organization,
        phone=entry.fields.get("phone"),
        fax=entry.fields.get("fax"),
        email=entry.fields.get("email"),
    )


def _unique(contacts: list[Contact]) -> list[Contact]:
    """Drop exact repeats (a page that prints its contact box twice), keeping page order."""
    return list(dict.fromkeys(contacts))
