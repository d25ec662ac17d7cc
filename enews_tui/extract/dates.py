"""Dates as news pages print them: date lines, machine-readable stamps and page addresses."""

from __future__ import annotations

import datetime as dt
import re

_MONTHS = {
    name: n
    for n, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = (
    r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_YEAR = r"(?P<y>(?:19|20)\d\d)"
_DAY = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"
#: The forms a printed date takes: "June 3, 2004", "3 June 2004", "2004-06-03", "06/03/2004".
_TEXT_DATES = (
    re.compile(rf"(?i)\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b"),
    re.compile(rf"(?i)\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b"),
    re.compile(rf"\b{_YEAR}-(?P<m>[01]?\d)-(?P<d>[0-3]?\d)\b"),
    re.compile(rf"\b(?P<m>[01]?\d)/(?P<d>[0-3]?\d)/{_YEAR}\b"),
)
#: A line that is about a later change, a copyright or an event, not the story's own date.
_NOT_PUBLISHED = re.compile(
    r"(?i)^\W*(?:(?:last\s+)?(?:updated|modified|revised|edited)|©|copyright|\(c\)|posted\s+in\b)"
)
#: Words a date line may carry besides the date ("Posted: Thursday, June 3, 2004 10:32 AM").
_DATE_LINE_WORDS = re.compile(
    r"(?i)\b(?:posted|published|released|date|dated|on|at|for\s+immediate\s+release|"
    r"mon|tue|wed|thu|fri|sat|sun)\w*\b|\d{1,2}:\d\d(?::\d\d)?\s*(?:[ap]\.?m\.?)?|"
    r"\b(?:[ECMP][SD]T|GMT|UTC|ET)\b|[\W_]+"
)
_ISO = re.compile(r"^\s*(?P<y>(?:19|20)\d\d)-?(?P<m>[01]\d)-?(?P<d>[0-3]\d)(?:[T ]|$|\b)")
#: Addresses: /2002/09/03/, /2002-09-03, /20020903/ and E-News's 052106Name.htm (mmddyy).
_URL_DATES = (
    re.compile(r"/(?P<y>(?:19|20)\d\d)/(?P<m>[01]?\d)/(?P<d>[0-3]?\d)(?:/|$|[^\d])"),
    re.compile(r"[/_\-](?P<y>(?:19|20)\d\d)[-_](?P<m>[01]\d)[-_](?P<d>[0-3]\d)(?:\D|$)"),
    re.compile(r"/(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)(?:[/_\-.]|$)"),
)
_URL_MMDDYY = re.compile(r"(?:^|/)(?P<m>[01]\d)(?P<d>[0-3]\d)(?P<y>\d\d)(?=[A-Za-z_\-][^/]*$)")

#: Years a news page's own date can have (older or later are page noise).
_FIRST_YEAR, _LAST_YEAR = 1990, dt.date.today().year + 1


def _make(y: int, m: int, d: int) -> dt.date | None:
    """The date, if it exists and lies in the years of the web's news."""
    if not _FIRST_YEAR <= y <= _LAST_YEAR:
        return None
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _from_match(match: re.Match[str]) -> dt.date | None:
    """The date a pattern matched (a month name or number, a day, a year)."""
    groups = match.groupdict()
    month = _MONTHS.get(groups["mon"].lower()) if groups.get("mon") else int(groups["m"])
    return _make(int(groups["y"]), month or 0, int(groups["d"]))


def find_date(text: str) -> dt.date | None:
    """The first printed date in `text`, in any of the usual forms."""
    best: tuple[int, dt.date] | None = None
    for pattern in _TEXT_DATES:
        for match in pattern.finditer(text[:2000]):
            found = _from_match(match)
            if found is not None:
                if best is None or match.start() < best[0]:
                    best = (match.start(), found)
                break
    return best[1] if best is not None else None


def date_line(text: str) -> dt.date | None:
    """The date of a line that is a date line ("June 3, 2004", "Posted Thu, 3 June 2004 10:32
    AM"), not a sentence that mentions a date or a later update."""
    if len(text) > 120 or _NOT_PUBLISHED.match(text):
        return None
    for pattern in _TEXT_DATES:
        match = pattern.search(text)
        if match is None:
            continue
        found = _from_match(match)
        rest = _DATE_LINE_WORDS.sub(" ", text[: match.start()] + " " + text[match.end() :])
        # What is left besides the date may be a byline or a place: a few words, no sentence.
        if found is not None and len(rest.split()) <= 8:
            return found
    return None


def iso_date(value: str) -> dt.date | None:
    """The date of a machine-readable stamp ("2004-06-03T10:00:00Z", "20040603") or, failing
    that, of a printed date in it."""
    match = _ISO.match(value)
    if match is not None:
        return _from_match(match)
    return find_date(value)


def url_date(url: str | None) -> dt.date | None:
    """The date an address carries (/2002/09/03/, /20020903/, E-News's 052106Name.htm)."""
    if not url:
        return None
    path = url.split("?", 1)[0].split("#", 1)[0]
    if "://" in path:
        path = "/" + path.split("://", 1)[1].partition("/")[2]
    for pattern in _URL_DATES:
        match = pattern.search(path)
        if match is not None and (found := _from_match(match)) is not None:
            return found
    match = _URL_MMDDYY.search(path)
    if match is not None:
        year = int(match.group("y"))
        return _make(year + (1900 if year >= 90 else 2000), int(match["m"]), int(match["d"]))
    return None
