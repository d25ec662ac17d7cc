"""The second corpus: the same synthetic stories as news pages of other sites, in four layouts
(a 1999 table layout, a 2009 blog, a semantic HTML5 page with JSON-LD, a press release), with
their menus, sidebars, comments and footers; none has E-News's `[mm.dd.yy]` stamp or frame.

    python benchmarks/generic.py --count 1000 --out benchmarks/corpus/generic-1000 --seed 1
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from collections.abc import Callable, Sequence
from html import escape
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generate import SynthStory, make_story

#: Bump when the output changes, so an old corpus on disk is regenerated.
GENERIC_VERSION = 1
MANIFEST = "manifest.json"
_SITES = ("The Riverside Gazette", "Valley Courier", "Harbor City Times", "The Eastside Ledger")
_MONTHS = "January February March April May June July August September October November December"


def _long_date(story: SynthStory) -> str:
    """ "June 3, 2004"."""
    month = _MONTHS.split()[story.date.month - 1]
    return f"{month} {story.date.day}, {story.date.year}"


def _place(story: SynthStory) -> str:
    """The dateline as wire copy prints it: the city in capitals ("BOSTON, Mass.")."""
    city, _, state = story.dateline.partition(",")
    return f"{city.upper()},{state}"


def _nav(rng: random.Random, count: int) -> str:
    """A site's link list (sections, services), as menus and footers carry."""
    words = "News Sports Business Opinion Life Arts Obituaries Weather Classifieds Jobs Homes"
    picks = rng.sample(words.split(), min(count, 11))
    return "".join(f'<li><a href="/{w.lower()}/">{w}</a></li>' for w in picks)


def _teasers(rng: random.Random, count: int) -> list[str]:
    """Headline links of other stories (sidebars, "more news")."""
    return [make_story(1, rng.randint(0, 10**6)).title for _ in range(count)]


def _body(story: SynthStory, head: str, lead: str) -> str:
    """Paragraphs and subheadings; `lead` opens the first paragraph (a dateline)."""
    parts = []
    first = True
    for heading, paragraphs in story.sections:
        if heading is not None:
            parts.append(head.format(escape(heading)))
        for paragraph in paragraphs:
            text = escape(paragraph)
            if first:
                text, first = lead + text, False
            parts.append(f"<p>{text}</p>\n")
    return "".join(parts)


def table_1999(story: SynthStory, rng: random.Random) -> str:
    """A newspaper site of 1999: nested tables, `<font>`, a nav column and a sidebar."""
    site = rng.choice(_SITES)
    side = "".join(
        f'<a href="/n/{n}.html">{escape(t)}</a><br>' for n, t in enumerate(_teasers(rng, 4))
    )
    return (
        f"<HTML><HEAD><TITLE>{site} - {escape(story.title)}</TITLE>"
        '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=windows-1252"></HEAD>'
        f'<BODY><TABLE WIDTH="780"><TR><TD COLSPAN="3"><IMG SRC="/m.gif" ALT="{site}"></TD></TR>'
        f'<TR><TD WIDTH="140" VALIGN="TOP"><FONT SIZE="1"><UL>{_nav(rng, 8)}</UL></FONT></TD>'
        f'<TD WIDTH="480" VALIGN="TOP"><FONT SIZE="5"><B>{escape(story.title)}</B></FONT><BR>'
        f'<FONT SIZE="2">{_long_date(story)}</FONT><BR><I>By {escape(story.author)}, '
        f"{site} Staff Writer</I>\n"
        + _body(story, "<P><B>{}</B></P>\n", f"<B>{escape(_place(story))} --</B> ")
        + f'</TD><TD WIDTH="160" VALIGN="TOP"><B>TOP STORIES</B><BR>{side}</TD></TR>'
        f'<TR><TD COLSPAN="3">Copyright 1999 {site}. All rights reserved.</TD></TR></TABLE>'
        "</BODY></HTML>"
    )


def blog_2009(story: SynthStory, rng: random.Random) -> str:
    """A blog post of 2009: site title as h1, the post's h2, "Posted by", comments, widgets."""
    site = rng.choice(_SITES)
    recent = "".join(
        f'<li><a href="/p/{n}/">{escape(t)}</a></li>' for n, t in enumerate(_teasers(rng, 5))
    )
    comments = "".join(
        f"<li><p>{escape(make_story(1, rng.randint(0, 10**6)).teaser)}</p>"
        f"<p>Comment by Reader{n} &mdash; {_long_date(story)}</p></li>"
        for n in range(rng.randint(1, 3))
    )
    return (
        f'<html><head><meta charset="utf-8"><title>{escape(story.title)} &laquo; {site}</title>'
        f'</head><body><div id="header"><h1><a href="/">{site}</a></h1></div>'
        f'<ul class="menu">{_nav(rng, 5)}</ul><div class="post"><h2>{escape(story.title)}</h2>'
        f'<div class="meta">Posted by {escape(story.author)} on {_long_date(story)}</div>'
        + _body(story, "<h3>{}</h3>\n", "")
        + f'<div class="tags">Posted in <a href="/c/">News</a></div></div><div id="comments">'
        f"<h3>{rng.randint(2, 9)} Responses</h3><ol>{comments}</ol></div>"
        f'<div id="sidebar"><h3>Recent Posts</h3><ul>{recent}</ul></div>'
        f'<div id="footer">{site} is proudly powered by WordPress.</div></body></html>'
    )


def html5(story: SynthStory, rng: random.Random) -> str:
    """A semantic HTML5 article with JSON-LD, og: tags, `<time>`, ads and a related box."""
    site = rng.choice(_SITES)
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": story.title,
            "datePublished": f"{story.date.isoformat()}T09:00:00-05:00",
            "author": {"@type": "Person", "name": story.author},
        }
    ).replace("</", "<\\/")
    related = "".join(
        f'<li><a href="/r/{n}">{escape(t)}</a></li>' for n, t in enumerate(_teasers(rng, 3))
    )
    body = _body(story, "<h2>{}</h2>\n", "")
    cut = body.find("</p>", len(body) // 2)
    if cut > 0:  # an ad box in the middle of the story
        body = body[: cut + 4] + '<div class="ad"><p>Advertisement</p></div>' + body[cut + 4 :]
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(story.title)}'
        f' | {site}</title><meta property="og:title" content="{escape(story.title)}">'
        f'<meta property="og:site_name" content="{site}">'
        f'<script type="application/ld+json">{ld}</script></head><body>'
        f"<header><nav><ul>{_nav(rng, 6)}</ul></nav></header><main><article><header>"
        f'<h1>{escape(story.title)}</h1><p class="dek">{escape(story.teaser)}</p>'
        f'<div class="byline">By {escape(story.author)}</div>'
        f'<time datetime="{story.date.isoformat()}">{_long_date(story)}</time>'
        '<ul class="share"><li><a href="#">Share on Facebook</a></li><li><a href="#">Email</a>'
        f"</li></ul></header>{body}"
        f"<aside><h3>Related</h3><ul>{related}</ul></aside></article></main>"
        f"<footer><p>© {story.date.year} {site}. All rights reserved.</p></footer></body></html>"
    )


def press_release(story: SynthStory, rng: random.Random) -> str:
    """A university press release: release line, date, media contact, dateline, ###."""
    contact = story.contacts[0][1][0]
    email = contact.email or "news@example.edu"
    return (
        f"<html><head><title>{escape(story.title)} - Office of Communications</title></head>"
        f'<body><div class="nav"><ul>{_nav(rng, 4)}</ul></div><div class="release">'
        f"<p>FOR IMMEDIATE RELEASE<br>{_long_date(story)}</p>"
        f"<p>Media contact: {escape(contact.name)}, {contact.phone}, {escape(email)}</p>"
        f"<h1>{escape(story.title)}</h1>"
        + _body(story, "<h3>{}</h3>\n", f"{escape(_place(story))} &mdash; ")
        + "<p>###</p></div><p>Office of Communications | 1 College Hill</p></body></html>"
    )


LAYOUTS: tuple[tuple[str, Callable[[SynthStory, random.Random], str]], ...] = (
    ("table_1999", table_1999),
    ("blog_2009", blog_2009),
    ("html5", html5),
    ("press_release", press_release),
)


def render_generic(story: SynthStory) -> tuple[str, str]:
    """(layout name, page) of a story: the layout and its furniture drawn from the story index."""
    rng = random.Random(story.index * 31 + 7)
    name, render = LAYOUTS[story.index % len(LAYOUTS)]
    return name, render(story, rng)


def generic_path(root: Path, index: int) -> Path:
    """Where generic page `index` lives below `root`."""
    return root / f"{index // 1000:04d}" / f"page_{index:06d}.html"


def generate_generic(root: Path, count: int, seed: int = 1) -> bool:
    """Write the generic corpus below `root` unless it is already there; True if it wrote."""
    manifest = {"generator": GENERIC_VERSION, "count": count, "seed": seed}
    try:
        if json.loads((root / MANIFEST).read_text()) == manifest:
            return False
    except (OSError, ValueError):
        pass
    if root.is_dir():
        shutil.rmtree(root)
    for index in range(count):
        path = generic_path(root, index)
        path.parent.mkdir(parents=True, exist_ok=True)
        _, page = render_generic(make_story(seed, index))
        path.write_bytes(page.encode("cp1252", errors="xmlcharrefreplace"))
    (root / MANIFEST).write_text(json.dumps(manifest) + "\n")
    return True


def main(argv: Sequence[str] | None = None) -> int:
    """Write a generic corpus from the command line."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--seed", type=int, default=1)
    opts = p.parse_args(argv)
    generate_generic(opts.out, opts.count, opts.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
