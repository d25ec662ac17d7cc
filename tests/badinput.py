"""Generates archives for the reliability tests: good E-News story pages and a bad-input corpus.

Nothing here is a hand-made file: every page is written by code, from a seed, so a test can
rebuild the same corpus anywhere (and a failure names the generator that made the page).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

#: The banner every archived E-News page opens with (the extractor drops it).
BANNER = (
    "The E-News site has been inactive since February 2011 and may contain outdated "
    "information and/or broken links."
)
_WORDS = (
    "campus research students faculty medicine veterinary nutrition engineering music "
    "alumni grant program community health science library lecture award summer boston "
    "medford somerville grafton mentor volunteer policy history museum concert study"
).split()
#: Size of the page that is far over the archive's read cap.
HUGE_BYTES = 50 * 1024 * 1024
#: Nesting depth of the deeply nested page.
NESTED_DEPTH = 10_000
#: How deep the deepest story sits in folders.
DEEP_FOLDERS = 1500
#: Contact lines in the page that is nothing but a contact block.
CONTACT_LINES = 100_000


@dataclass(frozen=True)
class GoodStory:
    """A story page the corpus holds, and what the index must show for it."""

    id: str
    source: str
    title: str


@dataclass
class Corpus:
    """An archive folder: good stories beside bad inputs, and the file that vanishes."""

    root: Path
    good: list[GoodStory] = field(default_factory=list)
    #: source (relative path) -> what the bad input is; a directory or a loop may be absent
    #: from a scan, which is as good as a skip.
    bad: dict[str, str] = field(default_factory=dict)
    #: Delete this between the scan and the read (the test does, through a patched scan).
    vanishing: Path | None = None

    def remove_deep_folders(self) -> None:
        """Take the folder chain down from the bottom: pytest's recursive clean-up of old temporary
        folders would otherwise hit Python's recursion limit on it in a later run."""
        deepest = self.root / "bad" / "deep"
        for _ in range(DEEP_FOLDERS):
            deepest = deepest / "d"
        if not (self.root / "bad" / "deep").exists():
            return
        for path in [deepest, *deepest.parents]:
            if path == self.root / "bad":
                break
            for child in path.iterdir() if path.is_dir() else ():
                if not child.is_dir() or child.is_symlink():
                    child.unlink()
            if path.is_dir():
                path.rmdir()

    def plant_vanishing(self) -> None:
        """(Re)create the file that a test deletes between the scan and the read."""
        if self.vanishing is not None:
            self.vanishing.write_bytes(story_html(9005).encode())

    @property
    def good_ids(self) -> set[str]:
        """The ids every good story must have in the index."""
        return {g.id for g in self.good}


def title_for(n: int) -> str:
    """The title of generated story `n` (unique, searchable)."""
    rng = random.Random(n)
    return f"Story {n} on {rng.choice(_WORDS).title()} and {rng.choice(_WORDS).title()}"


def date_for(n: int) -> dt.date:
    """The date of generated story `n`, spread over the site's years."""
    return dt.date(2002, 1, 1) + dt.timedelta(days=(n * 37) % 3000)


def _paragraphs(n: int, count: int = 4) -> list[str]:
    """Seeded filler paragraphs for story `n`, each with a word unique to it."""
    rng = random.Random(n * 7919)
    out = []
    for _ in range(count):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(25, 60))]
        out.append(" ".join(words).capitalize() + f", says marker{n}.")
    return out


def story_text(
    n: int,
    *,
    title: str | None = None,
    teaser: str | None = None,
    paragraphs: list[str] | None = None,
    byline: str = "Story by Pat Writer, Web Communications",
    contacts: list[tuple[str, str, str]] | None = None,
) -> str:
    """Story `n` as a browser's text save (the seed's layout): banner, title, body, contacts."""
    title = title if title is not None else title_for(n)
    teaser = teaser if teaser is not None else f"A teaser about {title.lower()}."
    body = paragraphs if paragraphs is not None else _paragraphs(n)
    d = date_for(n)
    people = contacts if contacts is not None else [("Kim Thurler", "617.627.3175", "617.627.4907")]
    lines = [BANNER, "Tufts University e-news", "", "left side photo", "", title, ""]
    lines += [f"{title}{teaser}", ""]
    lines += [f"Medford/Somerville, Mass. [{d:%m.%d.%y}] {body[0]}", ""]
    for p in body[1:]:
        lines += [p, ""]
    lines += [byline, "", "Related Stories", "Related Links", "", "Media Inquiries", ""]
    for name, phone, fax in people:
        lines += [name, f"T: {phone}", f"F: {fax}", ""]
    return "\n".join(lines)


def story_html(n: int, *, charset: str | None = "utf-8", title: str | None = None) -> str:
    """Story `n` as a semantic HTML page (declaring `charset` when given)."""
    title = title if title is not None else title_for(n)
    d = date_for(n)
    body = _paragraphs(n)
    meta = f'<meta charset="{charset}">' if charset else ""
    paras = "\n".join(f"<p>{escape(p)}</p>" for p in body[1:])
    return (
        f"<!DOCTYPE html>\n<html><head>{meta}<title>{escape(title)} | Tufts E-News</title>"
        f"</head><body>\n<div class='banner'><p>{BANNER}</p></div>\n"
        "<p class='site'>Tufts University e-news</p>\n<main><article>\n"
        f"<h1>{escape(title)}</h1>\n<p class='teaser'>A teaser about {escape(title.lower())}.</p>\n"
        f"<p>Medford/Somerville, Mass. [{d:%m.%d.%y}] {escape(body[0])}</p>\n{paras}\n"
        "<p>Story by Pat Writer, Web Communications</p>\n"
        "<h3>Media Inquiries</h3>\n<p><b>Kim Thurler</b><br>T: 617.627.3175<br>"
        "F: 617.627.4907</p>\n</article></main></body></html>\n"
    )


def write_good(
    root: Path, start: int, count: int, *, every_html: int = 3, rev: int = 0
) -> list[GoodStory]:
    """Write stories `start`..`start+count-1` (every `every_html`-th as HTML); what they are.

    `rev` > 0 gives each title a revision mark, so a test can tell a rewritten story's new text.
    """
    root.mkdir(parents=True, exist_ok=True)
    made = []
    for n in range(start, start + count):
        html = every_html > 0 and n % every_html == 0
        source = f"s{n:05d}.{'html' if html else 'txt'}"
        title = title_for(n) + (f" Rev {rev}" if rev else "")
        text = story_html(n, title=title) if html else story_text(n, title=title)
        (root / source).write_text(text, "utf-8")
        made.append(GoodStory(source.rsplit(".", 1)[0], source, title))
    return made


def _write_repeated(path: Path, head: bytes, unit: bytes, size: int, tail: bytes) -> None:
    """A file of about `size` bytes, written in large pieces (no big string in memory)."""
    piece = unit * max(1, (1024 * 1024) // len(unit))
    with open(path, "wb") as fh:
        fh.write(head)
        written = len(head)
        while written < size:
            fh.write(piece)
            written += len(piece)
        fh.write(tail)


def _nested(depth: int, tag: str = "div") -> bytes:
    """A page of `depth` nested `tag` elements around one paragraph."""
    return (
        b"<html><body><h1>Nested Page</h1>"
        + f"<{tag}>".encode() * depth
        + b"<p>deep text</p>"
        + f"</{tag}>".encode() * depth
        + b"</body></html>"
    )


def _bad_inputs(seed: int, big: bool) -> dict[str, tuple[str, Callable[[Path], object]]]:
    """source -> (what it is, how to write it)."""
    rng = random.Random(seed)
    noise = bytes(rng.getrandbits(8) for _ in range(64 * 1024))
    good = story_text(9001).encode()
    html = story_html(9002).encode()
    generic_head = b"<!doctype html><html><head><title>Bridge | Valley News</title></head><body>"
    utf16 = story_text(9003, title="Wide Characters Story").encode
    bad: dict[str, tuple[str, Callable[[Path], object]]] = {
        "bad/empty.html": ("empty file", lambda p: p.write_bytes(b"")),
        "bad/blank.txt": ("white space only", lambda p: p.write_bytes(b" \n\t\r\n" * 100)),
        "bad/noise.html": ("binary noise", lambda p: p.write_bytes(noise)),
        "bad/noise.txt": ("binary noise, as text", lambda p: p.write_bytes(noise[::-1])),
        "bad/png-named.htm": ("a PNG", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + noise)),
        "bad/nuls.txt": ("NUL bytes only", lambda p: p.write_bytes(b"\x00" * 10_000)),
        "bad/nul-story.txt": (
            "a story with NUL bytes inside",
            lambda p: p.write_bytes(good.replace(b" ", b" \x00", 20)),
        ),
        "bad/nul-html.html": (
            "HTML with NULs in tags and text",
            lambda p: p.write_bytes(html.replace(b"<p", b"<\x00p", 5).replace(b"e", b"e\x00", 9)),
        ),
        "bad/bad-utf8.html": (
            "undecodable bytes in a page declaring UTF-8",
            lambda p: p.write_bytes(
                html.replace(b"Media Inquiries", b"Media \xff\xfe\xc3\x28 Inquiries")
                + b"\xc0\xaf\xed\xa0\x80\xf8\x88\x80\x80\x80"
            ),
        ),
        "bad/bad-utf8-mostly.html": (
            "a page declaring UTF-8 that is mostly invalid bytes",
            lambda p: p.write_bytes(
                b'<meta charset="utf-8"><h1>x</h1>' + bytes(range(128, 256)) * 50
            ),
        ),
        "bad/utf16-bom.txt": (
            "UTF-16 with a BOM",
            lambda p: p.write_bytes(utf16("utf-16")),
        ),
        "bad/utf16le-nobom.txt": (
            "UTF-16-LE without a BOM",
            lambda p: p.write_bytes(utf16("utf-16-le")),
        ),
        "bad/utf16be-nobom.html": (
            "UTF-16-BE HTML without a BOM",
            lambda p: p.write_bytes(story_html(9004, charset="utf-16").encode("utf-16-be")),
        ),
        "bad/utf16-odd.txt": (
            "UTF-16 with a BOM and an odd byte count (cut mid-character)",
            lambda p: p.write_bytes(utf16("utf-16")[:-1]),
        ),
        "bad/utf32.txt": ("UTF-32 with a BOM", lambda p: p.write_bytes(utf16("utf-32"))),
        "bad/rot13.html": (
            'a story declaring charset="rot13" (a codec that cannot decode text)',
            lambda p: p.write_bytes(story_html(9006, charset="rot13").encode()),
        ),
        "bad/undefined.html": (
            'a story declaring charset="undefined"',
            lambda p: p.write_bytes(story_html(9007, charset="undefined").encode()),
        ),
        "bad/truncated.html": (
            "truncated in the middle of a tag",
            lambda p: p.write_bytes(html[: html.index(b"<h3") + 3]),
        ),
        "bad/truncated-head.html": (
            "truncated inside the head",
            lambda p: p.write_bytes(html[: html.index(b"<title") + 4]),
        ),
        "bad/truncated-comment.html": (
            "an unclosed comment swallowing the body",
            lambda p: p.write_bytes(html.replace(b"<main>", b"<main><!-- ", 1)),
        ),
        "bad/nested-div.html": (
            "10,000 nested <div>",
            lambda p: p.write_bytes(_nested(NESTED_DEPTH)),
        ),
        "bad/nested-b.html": (
            "10,000 nested <b> (inline)",
            lambda p: p.write_bytes(_nested(NESTED_DEPTH, "b")),
        ),
        "bad/nested-table.html": (
            "10,000 nested tables",
            lambda p: p.write_bytes(
                b"<h1>Tables</h1>"
                + b"<table><tr><td>" * NESTED_DEPTH
                + b"cell"
                + b"</td></tr></table>" * NESTED_DEPTH
            ),
        ),
        "bad/unclosed.html": (
            "100,000 unclosed tags",
            lambda p: p.write_bytes(b"<h1>Open</h1>" + b"<span><i>x " * 50_000),
        ),
        "bad/entity-bomb.xhtml": (
            "an XML entity expansion bomb",
            lambda p: p.write_bytes(_entity_bomb()),
        ),
        "bad/contacts.txt": (
            f"a page of {CONTACT_LINES:,} contact lines",
            lambda p: p.write_bytes(_contact_page(CONTACT_LINES)),
        ),
        "bad/long-line.txt": (
            "one 4 MB line without a space",
            lambda p: _write_repeated(p, b"Long Line\n\n", b"x", 4 * 1024 * 1024, b"\n"),
        ),
        "bad/tag-soup.html": (
            "7 MB of tiny tags, just under the read cap",
            lambda p: _write_repeated(p, b"<h1>Soup</h1>", b"<a>b</a><br>", 7 * 1024 * 1024, b""),
        ),
        "bad/x.html": ("a directory named x.html", lambda p: p.mkdir()),
        "bad/deep": (f"a story {DEEP_FOLDERS:,} folders deep", _deep_story),
        "bad/huge-word.txt": (
            "a story with a 2 MB word",
            lambda p: p.write_text(story_text(9200, paragraphs=["x" * 2_000_000, "Two."])),
        ),
        "bad/many-paragraphs.txt": (
            "a story of 20,000 paragraphs",
            lambda p: p.write_text(
                story_text(9203, paragraphs=[f"Paragraph {i} of many." for i in range(20_000)])
            ),
        ),
        "bad/many-words.txt": (
            "a story with 30,000 different words",
            lambda p: p.write_text(
                story_text(9201, paragraphs=[" ".join(f"w{i}" for i in range(30_000)), "Two."])
            ),
        ),
        "bad/loop.html": ("a symlink to itself", lambda p: p.symlink_to(p.name)),
        "bad/loop-a.htm": ("a two-link loop", lambda p: p.symlink_to("loop-b.htm")),
        "bad/loop-b.htm": ("a two-link loop", lambda p: p.symlink_to("loop-a.htm")),
        "bad/dangling.html": ("a dangling symlink", lambda p: p.symlink_to("nowhere/at/all.html")),
        "bad/dir-loop": ("a folder symlink to its parent", lambda p: p.symlink_to("..")),
        "bad/fifo.html": ("a named pipe (reading it would block)", lambda p: os.mkfifo(p)),
        "bad/zero.html": ("a symlink to /dev/zero", lambda p: p.symlink_to("/dev/zero")),
        "bad/vanishing.html": ("a file that vanishes between scan and read", _write_text(html)),
        "bad/not-a-story.html": (
            "a month index page (not a story)",
            lambda p: p.write_bytes(_month_index()),
        ),
        "bad/\udcff\udcfename.txt": ("a file name that is not UTF-8", _write_text(good)),
        "bad/esc\x1b]0;PWNED\x07name.txt": (
            "a file name with an escape sequence",
            _write_text(good),
        ),
        "bad/new\nline.txt": ("a file name with a newline", _write_text(good)),
        # The general path (pages of other sites: lxml, trafilatura, JSON-LD, meta tags).
        "bad/generic-soup.html": (
            "7 MB of generic news markup (no E-News stamp), just under the read cap",
            lambda p: _write_repeated(
                p,
                generic_head,
                b"<div><p>Some <b>text</b> at <a href='/x'>a link</a>.</p></div>",
                7 * 1024 * 1024,
                b"",
            ),
        ),  # fmt: skip
        "bad/generic-paragraphs.html": (
            "a generic story of 20,000 paragraphs",
            lambda p: p.write_bytes(
                generic_head + b"<p>One more sentence of the story.</p>" * 20_000
            ),
        ),
        "bad/json-ld-deep.html": (
            "JSON-LD nested 100,000 deep",
            lambda p: p.write_bytes(
                generic_head.replace(
                    b"</title>",
                    b"</title><script type='application/ld+json'>"
                    + b"[" * 100_000
                    + b"]" * 100_000
                    + b"</script>",
                    1,
                )
                + _generic_paragraphs()
            ),
        ),  # fmt: skip
        "bad/json-ld-many.html": (
            "5,000 JSON-LD scripts and 5,000 meta tags",
            lambda p: p.write_bytes(
                generic_head.replace(
                    b"</title>",
                    b"</title>"
                    + (
                        b'<script type="application/ld+json">{"@type":"NewsArticle","headline":"'
                        b'x\\u001b[2J","datePublished":"2004-99-99"}</script>'
                        b'<meta property="article:published_time" content="not a date">'
                    )
                    * 5000,
                    1,
                )
                + _generic_paragraphs()
            ),
        ),  # fmt: skip
        "bad/generic-noise-meta.html": (
            "a generic page whose metadata is control characters and escapes",
            lambda p: p.write_bytes(
                b'<html><head><title>\x1b]0;PWNED\x07 | \x9b2J</title><meta property="og:title" '
                b'content="&#27;[31mRed"><meta name="author" content="&#7;&#27;]52;c;x&#7;">'
                b"</head><body><h1>&#27;[31mRed</h1>" + _generic_paragraphs() + b"</body></html>"
            ),
        ),
    }
    if big:
        bad["bad/huge.html"] = (
            "a 50 MB page",
            lambda p: _write_repeated(p, html[:200], b"<p>filler text here</p>\n", HUGE_BYTES, b""),
        )
    return bad


def _generic_paragraphs() -> bytes:
    """Three paragraphs of plain prose, enough for the general path to call it a story."""
    text = (
        "The council met on Tuesday night and voted to repair the old bridge over the river, "
        "which has been closed to cars since a storm damaged it in the spring."
    )
    return f"<p>{text}</p>".encode() * 3


def _deep_story(path: Path) -> None:
    """A story at the bottom of a chain of folders (os.walk would recurse past Python's limit)."""
    for _ in range(DEEP_FOLDERS):
        path = path / "d"
        path.mkdir(parents=True)
    (path / "deep.txt").write_text(story_text(9202), "utf-8")


def _write_text(data: bytes) -> Callable[[Path], object]:
    """A writer of `data` (for the table of bad inputs)."""
    return lambda p: p.write_bytes(data)


def _entity_bomb() -> bytes:
    """An XHTML page whose entity, expanded, would be 10^10 words."""
    ents = ['<!ENTITY a0 "lol lol lol lol lol lol lol lol lol lol">']
    for i in range(1, 10):
        ents.append(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">')
    decl = "<?xml version='1.0'?>\n<!DOCTYPE html [\n" + "\n".join(ents) + "\n]>\n"
    return (decl + "<html><body><h1>Bomb</h1><p>&a9;</p></body></html>").encode()


def _contact_page(lines: int) -> bytes:
    """A story whose contact block runs on for `lines` lines."""
    head = story_text(9100, contacts=[]).rsplit("Media Inquiries", 1)[0] + "Media Inquiries\n\n"
    parts = [head]
    for i in range(lines // 3):
        parts.append(f"Person {i}\nT: 617.627.{i % 10000:04d}\nF: 617.627.0000\n")
    return "".join(parts).encode()


def _month_index() -> bytes:
    """An E-News Archives month index: a list of links, not a story."""
    links = "".join(f"<li><a href='/s{i}.htm'>{title_for(i)}</a></li>" for i in range(30))
    return (
        f"<html><body><p>{BANNER}</p><h1>E-News Archives</h1><h2>July 2008</h2>"
        f"<ul>{links}</ul></body></html>"
    ).encode()


def make_corpus(root: Path, *, good: int = 6, big: bool = True, seed: int = 6) -> Corpus:
    """Good stories (text and HTML) in `root` and every bad input under `root/bad`."""
    corpus = Corpus(root)
    corpus.good = write_good(root, 0, good)
    (root / "bad").mkdir(parents=True, exist_ok=True)
    for source, (what, write) in _bad_inputs(seed, big).items():
        path = root / source
        try:
            write(path)
        except (OSError, UnicodeEncodeError):
            continue  # a file system that refuses the name (or a FIFO) cannot hold that case
        corpus.bad[source] = what
    corpus.vanishing = root / "bad" / "vanishing.html"
    return corpus


#: What must never reach a terminal: C0 (but tab and newline), DEL, C1, bidi and zero-width marks.
UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u2069\ufeff\u2028\u2029]"
)


def unsafe_chars(text: str) -> list[str]:
    """The unsafe characters in `text` (with their neighbours, for a readable failure)."""
    return [repr(text[max(0, m.start() - 12) : m.end() + 12]) for m in UNSAFE.finditer(text)]


def console_script() -> str | None:
    """The installed `enews-tui`: beside this Python first, else on PATH."""
    beside = Path(sys.executable).parent / "enews-tui"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("enews-tui")


# Hostile text: what a page could carry to attack the terminal, the clipboard or the markup.
OSC52 = "\x1b]52;c;UFdORUQ=\x07"  # writes "PWNED" to the clipboard
OSC_TITLE = "\x1b]0;PWNED-TITLE\x07"  # sets the window title
OSC_TITLE_ST = "\x1b]2;PWNED-ST\x1b\\"  # the same, ended by ST
CSI_CLEAR = "\x1b[2J\x1b[H\x1b[31m"  # clears the screen, moves home, turns red
C1 = "\x9b2J\x9d0;PWNED-C1\x9c\x85\x90qPWNED-DCS\x9c"  # 8-bit CSI, OSC, NEL, DCS
CONTROLS = "\x7f\x08\x07\x0b\x0c\x1b"  # DEL, BS, BEL, VT, FF, a lone ESC
CLICK = "[@click=app.quit]CLICK[/]"
LINK = "[link=https://evil.example]LINK[/link]"
STRAY = "[/i] stray [bold red]markup[/bold red]"
BIDI = "\u202eevil\u202c \u2066iso\u2069 zero\u200bwidth\u200d\ufeff"
ALL_ESCAPES = OSC52 + OSC_TITLE + OSC_TITLE_ST + CSI_CLEAR + C1 + CONTROLS
HOSTILE_TITLE = f"Hostile {OSC_TITLE}Story {CLICK} {BIDI}"
HOSTILE_NAME = f"Eve {OSC52}{OSC_TITLE}Mal\u200blory\u202e"


def hostile_text_page() -> str:
    """A text save carrying escape sequences, markup and bidi marks in every field."""
    return story_text(
        7000,
        title=HOSTILE_TITLE,
        teaser=f"A teaser with {LINK} and {OSC52} a clipboard write {BIDI}.",
        paragraphs=[
            f"This hostile body has {CSI_CLEAR} screen clears, {C1} C1 controls, {STRAY}.",
            f"More hostile text {ALL_ESCAPES} with {CLICK} and {LINK} inside.",
        ],
        byline=f"Story by Mallory {OSC_TITLE_ST}Evil, Web {BIDI} Communications",
        contacts=[(HOSTILE_NAME, f"617.627.0000{OSC52}", "617.627.0001\x7f")],
    )


def hostile_html_page() -> str:
    """The same attack as HTML: raw controls, numeric references to them, markup in text."""
    esc_refs = "&#27;]0;PWNED-REF&#7; &#x1b;]52;c;UFdORUQ=&#x07; &#155;2J &#x9d;0;PWNED-C1&#x9c;"
    title = escape(f"Hostile HTML {CLICK} {BIDI}") + esc_refs
    body = escape(f"The hostile HTML body {STRAY} {LINK} ") + esc_refs + escape(ALL_ESCAPES)
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>x</title></head><body>'
        f"<p>{BANNER}</p><h1>{title}</h1><p>A teaser {escape(LINK)}.</p>"
        f"<p>Medford/Somerville, Mass. [03.04.09] {body}</p><p>{escape(CLICK)} {esc_refs}</p>"
        f"<h3>Media Inquiries</h3><p><b>{escape(HOSTILE_NAME)}&#27;]0;PWNED-REF&#7;</b><br>"
        "T: 617.627.0002<br>F: 617.627.0003</p></body></html>"
    )


def hostile_archive(root: Path) -> Path:
    """An archive of two good stories and the two hostile pages (`hostile` and `hostile-html`)."""
    write_good(root, 0, 2)
    (root / "hostile.txt").write_text(hostile_text_page(), "utf-8")
    (root / "hostile-html.html").write_text(hostile_html_page(), "utf-8")
    return root
