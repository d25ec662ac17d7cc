"""What a page states about itself outside its text: meta tags, JSON-LD, `<time>`, `<title>`."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from enews_tui.extract.dates import iso_date
from enews_tui.text import sanitize_line

#: JSON-LD blocks past this size are not read (a real article's is a few KB).
_MAX_JSON = 200_000
_ARTICLE_TYPES = re.compile(r"(?i)article|posting|report|newsarticle|blog|webpage|release")
_TITLE_KEYS = ("og:title", "twitter:title", "dc.title", "headline", "title", "sailthru.title")
_DATE_KEYS = (
    "article:published_time",
    "og:published_time",
    "article.published",
    "datepublished",
    "publishdate",
    "publish-date",
    "published-date",
    "pubdate",
    "date",
    "dc.date",
    "dc.date.issued",
    "dc.date.created",
    "dcterms.date",
    "dcterms.created",
    "citation_publication_date",
    "citation_date",
    "parsely-pub-date",
    "sailthru.date",
    "original-publish-date",
    "displaydate",
    "created",
)
_AUTHOR_KEYS = (
    "author",
    "article:author",
    "byl",
    "dc.creator",
    "dcterms.creator",
    "parsely-author",
    "sailthru.author",
    "citation_author",
    "twitter:creator",
)
_NOT_A_NAME = re.compile(r"(?i)https?://|www\.|@|\.com\b|^\W*$")


@dataclass
class Metadata:
    """The page's own statements about its title, date, authors and site."""

    title: str | None = None  # og:title, JSON-LD headline, twitter:title, in that order
    html_title: str | None = None
    site_name: str | None = None
    date: dt.date | None = None  # JSON-LD, meta tags, <time>: first that parses
    authors: list[str] = field(default_factory=list)
    description: str | None = None
    url: str | None = None


def _clean(value: object) -> str | None:
    """A metadata value as one safe line, or None when empty."""
    if not isinstance(value, str):
        return None
    text = sanitize_line(" ".join(value.split()))
    return text or None


def page_metadata(tree: Any) -> Metadata:
    """Read the metadata of an lxml HTML tree."""
    found = Metadata()
    metas: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = _clean(meta.get("content"))
        if key and content and key not in metas:
            metas[key] = content
    title = tree.find(".//title")
    if title is not None:
        found.html_title = _clean(title.text_content())
    found.site_name = metas.get("og:site_name") or metas.get("application-name")
    found.description = metas.get("og:description") or metas.get("description")
    articles = list(_json_ld_articles(tree))
    for article in articles:
        found.title = found.title or _clean(article.get("headline"))
        if found.date is None:
            for key in ("datePublished", "dateCreated", "uploadDate"):
                if isinstance(article.get(key), str) and (d := iso_date(article[key])):
                    found.date = d
                    break
        found.authors = found.authors or _json_authors(article.get("author"))
        publisher = article.get("publisher")
        if found.site_name is None and isinstance(publisher, dict):
            found.site_name = _clean(publisher.get("name"))
    for key in _TITLE_KEYS[:3]:
        found.title = found.title or metas.get(key)
    if found.date is None:
        for key in _DATE_KEYS:
            if key in metas and (d := iso_date(metas[key])) is not None:
                found.date = d
                break
    if found.date is None:
        found.date = _time_element_date(tree)
    if not found.authors:
        for key in _AUTHOR_KEYS:
            value = metas.get(key)
            if value and not _NOT_A_NAME.search(value):
                found.authors = [value]
                break
    return found


def _time_element_date(tree: Any) -> dt.date | None:
    """The date of the page's `<time datetime>` (the one marked as published first)."""
    stamps = []
    for node in tree.iter("time"):
        value = node.get("datetime") or node.text_content() or ""
        published = "publish" in (node.get("itemprop") or "") + (node.get("class") or "")
        stamps.append((not published, value))
        if len(stamps) >= 20:
            break
    for _, value in sorted(stamps, key=lambda s: s[0]):
        if (d := iso_date(value)) is not None:
            return d
    return None


def _json_ld_articles(tree: Any) -> Iterator[dict[str, Any]]:
    """The article-like objects of the page's JSON-LD scripts (a bad script is skipped)."""
    for script in tree.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        raw = script.text or ""
        if len(raw) > _MAX_JSON:
            continue
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            continue  # broken or absurdly nested: the page's other metadata still counts
        yield from _articles_in(data, 0)


def _articles_in(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    """Article objects in a JSON-LD value (lists and @graph looked through, not too deep)."""
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data[:50]:
            yield from _articles_in(item, depth + 1)
    elif isinstance(data, dict):
        kind = data.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if any(isinstance(k, str) and _ARTICLE_TYPES.search(k) for k in kinds):
            yield data
        if "@graph" in data:
            yield from _articles_in(data["@graph"], depth + 1)
        if isinstance(data.get("mainEntity"), dict | list):
            yield from _articles_in(data["mainEntity"], depth + 1)


def _json_authors(value: Any) -> list[str]:
    """The names in a JSON-LD author value (a string, an object or a list of either)."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items[:10]:
        name = _clean(item.get("name") if isinstance(item, dict) else item)
        if name and not _NOT_A_NAME.search(name):
            names.append(name)
    return names
