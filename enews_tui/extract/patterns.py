"""What E-News text looks like: dates, boilerplate, bylines, names, sentence shapes."""

from __future__ import annotations

import datetime as dt
import re

# `[07.23.08]`, `[12-31-02]`, `[9/3/2002]`: month, day, year, as the site stamped its stories.
_DATE = r"\[\s*(?P<m>\d{1,2})\s*[.\-/]\s*(?P<d>\d{1,2})\s*[.\-/]\s*(?P<y>\d{4}|\d{2})\s*\]"
#: The dateline and date that open a story's first paragraph; the text may follow unspaced.
ANCHOR = re.compile(r"^(?P<dateline>[^\[\]]{0,80}?)\s*" + _DATE + r"\s*(?P<rest>.*)$", re.S)
ANY_DATE = re.compile(_DATE)
#: A dateline alone on its line ("Medford/Somerville, Mass."), the date on the next.
DATELINE_ONLY = re.compile(r"^[A-Z][\w.'’/&\- ]{1,40},\s*[A-Z][\w.'’ ]{1,20}$")

#: Lines of the site's frame: banner, search box, logo alt texts, labels of empty boxes.
_BOILERPLATE = re.compile(
    r"""(?ix)^(?:
      the\ e-?news\ site\ has\ been\ inactive\ since\b.*
    | .*\bplease\ visit\ tufts\ now\b.*
    | (?:tufts\ (?:university\ )?)?e-?news(?:\ home|\ online)?
    | (?:left|right|top|bottom)\ side\ photo | photo | image
    | (?:photo|photograph|image|illustration)s?(?:\ courtesy(?:\ of)?)?\s*:.{0,60}
    | back\ to\ (?:top|e-?news.*|the\ top)
    | printer[-\ ]friendly(?:\ version)? | print(?:\ this)?(?:\ page|\ story|\ article)?
    | e-?mail\ (?:this\ )?(?:story|page|article)(?:\ to\ a\ friend)?
    | (?:©|\(c\)|copyright\b).{0,160} | .{0,160}\ball\ rights\ reserved\b.{0,160}
    | skip\ (?:to\ )?(?:the\ )?(?:navigation|content|main\ content)
    | text\ only | home | site\ index | a-z\ index | contact\ us | privacy(?:\ policy|\ statement)?
    | site\ map | sitemap | text\ size.{0,20} | font\ size.{0,20} | share(?:\ this)?(?:\ story)?
    | bookmark(?:\ this)?(?:\ page)? | rss(?:\ feeds?)? | subscribe(?:\ to\ e-?news)?
    | (?:previous|next)\ (?:story|article) | more\ stories | view\ all\ stories
    )$""",
)
#: Labels of the site's sidebar boxes; what follows them is a list of links, not the story.
RELATED = re.compile(
    r"(?i)^(?:related|featured|more)\s+(?:stories|story|links?|profiles?|features?|articles?"
    r"|news|videos?|multimedia|audio)\s*:?$"
)
#: A navigation bar flattened to one line: three or more items between separators.
_NAV = re.compile(r"^[^|•·]{1,40}(?:\s*[|•·]\s*[^|•·]{1,40}){2,}$")
#: The "E-News Archives" month index (and section fronts) name themselves like this.
ARCHIVES = re.compile(r"(?i)^(?:tufts\s+)?e-?news\s+archives?\b.{0,60}$")

_KIND = r"[A-Z][A-Za-z&/\-]*(?:\s+(?:and|&|[A-Za-z&/\-]+)){0,3}?"
#: "Profile by Kaitlin Melanson, Web Communications", "By Kim Thurler", "Written by ...".
BYLINE = re.compile(r"^(?:(?P<kind>" + _KIND + r")\s+)?[Bb][Yy]:?\s+(?P<who>.+)$")
_PHOTO_KIND = re.compile(r"(?i)^(?:photos?|photographs?|images?|illustrations?|video)$")

_NAME_JOINERS = frozenset(
    "and & de da del della der di du des la le van von y bin al ben st. jr. sr.".split()
)
_CLOSING = "\"'”’)]»"
_SENTENCE_END = ".!?:;,"


#: Words of the search box and logo alt texts ("Tufts University Logo Bottom Search Bottom").
_FRAME_WORDS = frozenset(
    "search go this site people advanced tufts university logo bottom top spacer".split()
)
_FRAME_MARKERS = frozenset("search go logo bottom top spacer people".split())
_WORD_SPLIT = re.compile(r"[\s>|:»·•«<]+")


def is_boilerplate(line: str) -> bool:
    """Whether a line is part of the site's frame rather than its story."""
    if len(line) > 400:
        return False
    words = {w for w in _WORD_SPLIT.split(line.lower()) if w}
    if not words or (words <= _FRAME_WORDS and words & _FRAME_MARKERS):
        return True
    return _BOILERPLATE.match(line) is not None or _nav(line)


def _nav(line: str) -> bool:
    """A navigation bar flattened to one line (\"Home | About | Archives\")."""
    return len(line) <= 300 and _NAV.match(line) is not None


def story_date(m: str, d: str, y: str) -> dt.date | None:
    """The date of a `[mm.dd.yy]` stamp; two-digit years 90-99 are 1990s (site ran ~1995-2011)."""
    year = int(y)
    if year < 100:
        year += 1900 if year >= 90 else 2000
    try:
        return dt.date(year, int(m), int(d))
    except ValueError:
        return None


def is_name(text: str, max_words: int = 6) -> bool:
    """A person's or office's name: capitalized words, initials and particles, no sentence."""
    words = text.replace(",", " ").split()
    if not words or len(words) > max_words or not words[0][:1].isupper():
        return False
    for word in words:
        if word.lower() in _NAME_JOINERS:
            continue
        core = word.strip("().'’\"")
        if not core or not (core[0].isupper() or core[0].isdigit()):
            return False
        if not all(c.isalpha() or c in ".'’-&()" or c.isdigit() for c in word):
            return False
    return True


def ends_sentence(text: str) -> bool:
    """Whether the text ends with closing punctuation (quotes and brackets looked through)."""
    core = text.rstrip(_CLOSING + " ")
    return bool(core) and core[-1] in _SENTENCE_END


def is_heading_text(text: str) -> bool:
    """A subheading as the site printed them: a short line without closing punctuation."""
    words = text.split()
    return (
        0 < len(words) <= 14
        and len(text) <= 100
        and not ends_sentence(text)
        and (text[0].isupper() or text[0].isdigit() or text[0] in "\"'“‘")
    )


def is_sentence(text: str) -> bool:
    """Prose rather than a label: ends like a sentence, or is long enough to be one."""
    return ends_sentence(text) or len(text.split()) >= 12


def split_byline(line: str) -> tuple[str | None, str, str | None] | None:
    """(kind, author, organization) of a byline line, or None if the line is not one."""
    if len(line) > 160:
        return None
    match = BYLINE.match(line)
    if match is None:
        return None
    kind = match.group("kind")
    if kind is not None and kind.lower() in ("and", "photos and"):
        return None
    author, _, organization = match.group("who").partition(",")
    author = author.strip().rstrip(".")
    organization = organization.strip() or None
    if not is_name(author, max_words=9) or len(author.split()) < 2:
        return None  # "Stories by School", "News by Topic": a menu line, not a writer
    if organization is not None and (
        ends_sentence(organization.rstrip(".")) or len(organization) > 80
    ):
        return None
    return kind, author, organization


_MEDIA_LINK = re.compile(
    r"(?i)^(?:watch|view|see|listen\s+to|hear|play)\s+(?:the\s+|a\s+)?(?:video|slide\s?show|"
    r"photos?|photo\s+gallery|gallery|audio|podcast|interview|webcast)\b.{0,120}$"
)


def is_media_link(line: str) -> bool:
    """ "Watch video of the ceremony", "View slideshow": a link to media, not story text."""
    return len(line) <= 160 and _MEDIA_LINK.match(line) is not None


def is_photo_credit(kind: str | None) -> bool:
    """ "Photo by ..." is a picture's credit, not the story's byline."""
    return kind is not None and _PHOTO_KIND.match(kind) is not None


def squash(text: str) -> str:
    """Text without spaces, case-folded: compares a title with a copy that lost a space."""
    return "".join(text.split()).casefold()
