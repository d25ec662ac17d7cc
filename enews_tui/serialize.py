"""Stories and results as JSON-ready dicts (the `--json` contract) and back."""

from __future__ import annotations

import datetime as dt
from typing import Any

from enews_tui.model import (
    Archived,
    Byline,
    Contact,
    DirectoryEntry,
    Mark,
    SearchHit,
    SearchResult,
    Section,
    Story,
    StorySummary,
)


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _parse_date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _archived(value: Archived | None) -> dict[str, str] | None:
    if value is None:
        return None
    captured = value.captured.astimezone(dt.UTC) if value.captured.tzinfo else value.captured
    return {"captured": captured.strftime("%Y-%m-%dT%H:%M:%SZ"), "replay_url": value.replay_url}


def _parse_archived(value: Any) -> Archived | None:
    if not value:
        return None
    captured = dt.datetime.strptime(value["captured"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    return Archived(captured=captured, replay_url=value["replay_url"])


def story_to_dict(story: Story, related: list[StorySummary] | None = None) -> dict[str, Any]:
    """A story in the `show --json` shape."""
    byline = story.byline
    return {
        "id": story.id,
        "source": story.source,
        "url": story.url,
        "title": story.title,
        "teaser": story.teaser,
        "date": _date(story.date),
        "dateline": story.dateline,
        "byline": None
        if byline is None
        else {"kind": byline.kind, "author": byline.author, "organization": byline.organization},
        "sections": [
            {"heading": s.heading, "paragraphs": list(s.paragraphs)} for s in story.sections
        ],
        "contacts": [
            {
                "group": c.group,
                "name": c.name,
                "organization": c.organization,
                "phone": c.phone,
                "fax": c.fax,
                "email": c.email,
            }
            for c in story.contacts
        ],
        "related": [{"id": r.id, "title": r.title} for r in related or []],
        "archived": _archived(story.archived),
    }


def story_from_dict(data: dict[str, Any]) -> Story:
    """The inverse of `story_to_dict` (the `related` list is not part of a Story)."""
    byline = data.get("byline")
    return Story(
        id=data["id"],
        source=data["source"],
        url=data.get("url"),
        title=data["title"],
        teaser=data.get("teaser"),
        date=_parse_date(data.get("date")),
        dateline=data.get("dateline"),
        byline=Byline(byline.get("kind"), byline.get("author"), byline.get("organization"))
        if byline
        else None,
        sections=tuple(
            Section(s.get("heading"), tuple(s.get("paragraphs", ())))
            for s in data.get("sections", ())
        ),
        contacts=tuple(
            Contact(
                group=c["group"],
                name=c["name"],
                organization=c.get("organization"),
                phone=c.get("phone"),
                fax=c.get("fax"),
                email=c.get("email"),
            )
            for c in data.get("contacts", ())
        ),
        archived=_parse_archived(data.get("archived")),
    )


def marks_to_dict(mark: Mark | None) -> dict[str, Any]:
    """A story's library marks in the `show --json` / `list --json` shape."""
    return {
        "read": bool(mark and mark.read),
        "starred": bool(mark and mark.starred),
        "note": mark.note if mark is not None else None,
    }


def summary_to_dict(summary: StorySummary) -> dict[str, Any]:
    """A list row in the `list --json` shape."""
    return {
        "id": summary.id,
        "title": summary.title,
        "date": _date(summary.date),
        "dateline": summary.dateline,
        "source": summary.source,
    }


def hit_to_dict(hit: SearchHit) -> dict[str, Any]:
    """One search hit in the `search --json` shape."""
    return {
        "id": hit.id,
        "title": hit.title,
        "date": _date(hit.date),
        "score": round(hit.score, 4),
        "snippet": hit.snippet,
        "spans": [list(span) for span in hit.spans],
    }


def result_to_dict(result: SearchResult) -> dict[str, Any]:
    """A search result in the `search --json` shape."""
    return {
        "query": result.query,
        "total": result.total,
        "suggestion": result.suggestion,
        "hits": [hit_to_dict(h) for h in result.hits],
    }


def directory_entry_to_dict(entry: DirectoryEntry) -> dict[str, Any]:
    """One contacts-directory entry in the `contacts --json` shape."""
    return {
        "name": entry.name,
        "organization": entry.organization,
        "phone": entry.phone,
        "fax": entry.fax,
        "email": entry.email,
        "groups": list(entry.groups),
        "stories": list(entry.stories),
    }
