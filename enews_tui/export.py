"""A story exported with its citation: Markdown (page text escaped), plain text, or JSON."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from typing import Any, Literal
from urllib.parse import quote, urlsplit

from enews_tui.model import Mark, Story
from enews_tui.render import render_story, story_date_line
from enews_tui.serialize import marks_to_dict, story_to_dict
from enews_tui.text import sanitize, sanitize_line

Format = Literal["markdown", "text", "json"]
FORMATS: tuple[Format, ...] = ("markdown", "text", "json")
SUFFIXES = {"markdown": ".md", "text": ".txt", "json": ".json"}

# Every character CommonMark gives a meaning inside a line; a backslash makes it literal.
_MD_INLINE = re.compile(r"([\\`*_{}\[\]<>()#+!|~&])")
# What starts a block when it opens a line: a list item, a thematic break, a setext underline,
# an ordered list item (`1.`, `2)`).
_MD_LINE_START = re.compile(r"^(\s*)([-=]|\d+(?=[.)]))")


def md_escape(text: str, *, block: bool = True) -> str:
    """One line of untrusted text as Markdown that renders as exactly that text (`block`: it
    opens a line, where `-` or `1.` would start a list)."""
    escaped = _MD_INLINE.sub(r"\\\1", sanitize_line(text))
    return _MD_LINE_START.sub(_escape_start, escaped) if block else escaped


def _escape_start(m: re.Match[str]) -> str:
    """`1.` -> `1\\.`, `-` -> `\\-`: a line start that no longer opens a block."""
    lead, marker = m[1], m[2]
    return f"{lead}{marker}\\" if marker[0].isdigit() else f"{lead}\\{marker}"


def _md_url(url: str) -> str:
    """A URL as a Markdown autolink: characters that would end or break it percent-encoded."""
    return "<" + quote(sanitize_line(url), safe=":/?#[]@!$&'()*+,;=%~-._") + ">"


def _iso(moment: dt.datetime) -> str:
    moment = moment.astimezone(dt.UTC) if moment.tzinfo else moment
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _human(moment: dt.datetime) -> str:
    moment = moment.astimezone(dt.UTC) if moment.tzinfo else moment
    return f"{moment:%B} {moment.day}, {moment.year}, {moment:%H:%M} UTC"


def byline_text(story: Story) -> str | None:
    """`Profile by Kaitlin Melanson, Web Communications`, or None."""
    b = story.byline
    if b is None:
        return None
    who = " ".join(x for x in (b.kind, "by" if b.kind and b.author else None, b.author) if x)
    return ", ".join(x for x in (who, b.organization) if x) or None


def citation(story: Story, exported: dt.datetime) -> dict[str, Any]:
    """The citation's fields: title, date, dateline, byline, original address, archived copy
    (replay URL and capture time) and the time of the export."""
    archived = story.archived
    return {
        "title": story.title,
        "date": story.date.isoformat() if story.date else None,
        "dateline": story.dateline,
        "byline": byline_text(story),
        "url": story.url,
        "archived": None
        if archived is None
        else {"captured": _iso(archived.captured), "replay_url": archived.replay_url},
        "exported": _iso(exported),
    }


def cite_as(story: Story, exported: dt.datetime) -> str:
    """One line to quote: author, "title", site, date, address, archived copy, access date."""
    parts: list[str] = []
    if story.byline and story.byline.author:
        parts.append(sanitize_line(story.byline.author) + ".")
    parts.append(f"\u201c{sanitize_line(story.title)}.\u201d")
    if story.url and (host := urlsplit(story.url).hostname):
        parts.append(host + ",")
    if story.date:
        parts.append(f"{story.date:%B} {story.date.day}, {story.date.year}.")
    if story.url:
        parts.append(sanitize_line(story.url) + ".")
    if story.archived:
        when = story.archived.captured
        parts.append(f"Archived {when:%B} {when.day}, {when.year}: {story.archived.replay_url}.")
    parts.append(f"Accessed {exported:%B} {exported.day}, {exported.year}.")
    return " ".join(parts)


def _citation_lines(story: Story, exported: dt.datetime) -> list[tuple[str, str]]:
    """(label, value) rows of the citation block, plain text."""
    rows = [("Title", sanitize_line(story.title))]
    if story.date:
        d = story.date
        rows.append(("Date", f"{d:%B} {d.day}, {d.year} ({d.isoformat()})"))
    if story.dateline:
        rows.append(("Dateline", sanitize_line(story.dateline)))
    if by := byline_text(story):
        rows.append(("Byline", sanitize_line(by)))
    rows.append(("Original address", sanitize_line(story.url) if story.url else "not known"))
    if story.archived:
        rows.append(("Archived copy", sanitize_line(story.archived.replay_url)))
        rows.append(("Captured", _human(story.archived.captured)))
    else:
        rows.append(("Archived copy", "not known (a saved page)"))
    rows.append(("Exported", _human(exported)))
    rows.append(("Story id", sanitize_line(story.id)))
    return rows


def to_markdown(story: Story, exported: dt.datetime, mark: Mark | None = None) -> str:
    """The story as Markdown: `#` title, `##` sections, contacts, the note and the citation."""
    out = [f"# {md_escape(story.title)}", ""]
    when = story_date_line(story)
    if when:
        out += [f"*{md_escape(when)}*", ""]
    if story.teaser:
        out += [f"*{md_escape(story.teaser)}*", ""]
    for section in story.sections:
        if section.heading:
            out += [f"## {md_escape(section.heading)}", ""]
        for paragraph in section.paragraphs:
            out += [md_escape(paragraph), ""]
    if by := byline_text(story):
        out += [f"*{md_escape(by)}*", ""]
    if story.contacts:
        out += ["## Contacts", ""]
        for c in story.contacts:
            line = f"- **{md_escape(c.name, block=False)}**"
            if c.organization:
                line += f", {md_escape(c.organization, block=False)}"
            line += f" \\({md_escape(c.group, block=False)}\\)"
            for label, value in (("T:", c.phone), ("F:", c.fax), ("E:", c.email)):
                if value:
                    line += f" {label} {md_escape(value, block=False)}"
            out.append(line)
        out.append("")
    if mark is not None and mark.note:
        out += ["## Note", ""]
        out += [f"> {md_escape(line)}" if line.strip() else ">" for line in mark.note.split("\n")]
        out.append("")
    out += ["## Citation", ""]
    for label, value in _citation_lines(story, exported):
        if label == "Original address" and story.url:
            value_md = _md_url(story.url)
        elif label == "Archived copy" and story.archived:
            value_md = _md_url(story.archived.replay_url)
        else:
            value_md = md_escape(value, block=False)
        out.append(f"- {label}: {value_md}")
    out += ["", f"Cite as: {md_escape(cite_as(story, exported))}", ""]
    return "\n".join(out)


def to_text(story: Story, exported: dt.datetime, mark: Mark | None = None) -> str:
    """The story as wrapped plain text, then the note and the citation block."""
    out = [sanitize(render_story(story)).rstrip("\n")]
    if mark is not None and mark.note:
        out += ["", "Note", "----", sanitize(mark.note)]
    out += ["", "Citation", "--------"]
    rows = _citation_lines(story, exported)
    width = max(len(label) for label, _ in rows) + 1
    out += [f"{(label + ':').ljust(width)} {value}" for label, value in rows]
    out += ["", "Cite as: " + cite_as(story, exported)]
    return "\n".join(out) + "\n"


def to_dict(story: Story, exported: dt.datetime, mark: Mark | None = None) -> dict[str, Any]:
    """The story in the `show --json` shape, its library marks, and a `citation` object."""
    data = story_to_dict(story)
    data.update(marks_to_dict(mark))
    data["citation"] = citation(story, exported)
    return data


def export(
    stories: Sequence[tuple[Story, Mark | None]],
    fmt: Format,
    exported: dt.datetime,
    *,
    many: bool = False,
) -> str:
    """Stories in one document: Markdown and text separated by rules; JSON an object for one
    story, a list when `many` (however many there are)."""
    if fmt == "json":
        items = [to_dict(s, exported, m) for s, m in stories]
        data: Any = items if many else items[0]
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    render = to_markdown if fmt == "markdown" else to_text
    rule = "\n---\n\n" if fmt == "markdown" else "\n" + "=" * 78 + "\n\n"
    return rule.join(render(s, exported, m) for s, m in stories)
