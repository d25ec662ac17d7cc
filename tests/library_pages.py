"""A small archive for the library's UI tests: E-News text saves across four years, with the
same people named in several stories (written here, from the tables below)."""

from __future__ import annotations

from pathlib import Path

HEAD = (
    "The E-News site has been inactive since February 2011 and may contain outdated information "
    "and/or broken links.\nTufts University e-news\n\nSearch  GO >\n\nthis site people\n"
    "Tufts University Logo Bottom Search Bottom  \nleft side photo\n\n"
)

KIM: tuple[str, str, str | None] = ("Kim Thurler", "617.627.3175", "617.627.4907")
ALEX = ("Alexander Reid", "617.627.4173", "617.627.4907")
JUDITH = ("Judith Rossi", "617.627.3039", None)
OFFICE = ("Office of Publications", "617.627.4271", "617.627.3549")

Person = tuple[str, str, str | None]
#: (file stem, date mm.dd.yy, title, teaser, author, [(group, person)])
STORIES: list[tuple[str, str, str, str, str, list[tuple[str, Person]]]] = [
    (
        "2007_solar",
        "03.15.07",
        "Council Backs Solar Panels",
        "Three dormitories go solar.",
        "Jordan Lee",
        [("Media Inquiries", ALEX)],
    ),
    (
        "2007_library",
        "04.02.07",
        "Library Opens Late Hours",
        "Study space until 2 a.m.",
        "Jordan Lee",
        [("For More Information", OFFICE)],
    ),
    (
        "2007_rowing",
        "10.20.07",
        "Crew Wins on the Charles",
        "A record at the Head of the Charles.",
        "Sam Ortiz",
        [("Media Inquiries", KIM)],
    ),
    (
        "2008_mentors",
        "07.23.08",
        "Mentor Mothers Grow",
        "A program spreads to seven countries.",
        "Kaitlin Melanson",
        [("Media Inquiries", KIM), ("For More Information", JUDITH)],
    ),
    (
        "2008_vaccine",
        "07.09.08",
        "Vaccine Trial Enrolls",
        "Volunteers join a flu study.",
        "Sam Ortiz",
        [("Media Inquiries", KIM)],
    ),
    (
        "2008_boathouse",
        "07.30.08",
        "A New Boathouse",
        "The rowing team gets a home.",
        "Jordan Lee",
        [("Media Inquiries", ALEX)],
    ),
    (
        "2008_water",
        "09.12.08",
        "Clean Water Prize",
        "Engineers win a design award.",
        "Kaitlin Melanson",
        [("For More Information", OFFICE)],
    ),
    (
        "2008_music",
        "12.01.08",
        "Winter Concert Series",
        "Six evenings of chamber music.",
        "Sam Ortiz",
        [("Media Inquiries", JUDITH)],
    ),
    (
        "2009_nutrition",
        "02.17.09",
        "School Lunch Study",
        "What children eat, and why.",
        "Kaitlin Melanson",
        [("Media Inquiries", KIM), ("Media Inquiries", ALEX)],
    ),
    (
        "2009_dogs",
        "05.05.09",
        "Shelter Dogs Find Homes",
        "Veterinary students help out.",
        "Jordan Lee",
        [("For More Information", OFFICE)],
    ),
    (
        "2010_robots",
        "01.22.10",
        "Robots in the Classroom",
        "Engineering for fifth graders.",
        "Sam Ortiz",
        [("Media Inquiries", ALEX)],
    ),
    (
        "2010_elections",
        "11.03.10",
        "Students Track Elections",
        "A poll of first-time voters.",
        "Kaitlin Melanson",
        [("Media Inquiries", KIM)],
    ),
]


def _page(
    date: str,
    title: str,
    teaser: str,
    author: str,
    contacts: list[tuple[str, tuple[str, str, str | None]]],
) -> str:
    body = (
        f"Medford/Somerville, Mass. [{date}] {teaser} The story of {title.lower()} began with a "
        "small group of students and faculty who wanted to try something new on campus.\n\n"
        '"It took a year of work," said one of the organizers, who hopes others will follow.\n\n'
        "What comes next\n\n"
        "The group plans to report on its results next spring, and to invite the public.\n\n"
        f"Story by {author}, Web Communications\n\nRelated Stories\nRelated Links\n\n\n"
    )
    blocks = []
    group = None
    for grp, (name, phone, fax) in contacts:
        lines = [grp] if grp != group else []
        group = grp
        lines.append(name)
        lines.append(f"T: {phone}")
        if fax:
            lines.append(f"F: {fax}")
        blocks.append("\n".join(lines))
    return HEAD + f"{title}\n\n{title}{teaser}\n\n" + body + "\n\n".join(blocks) + "\n"


def write_pages(root: Path) -> Path:
    """Write the archive under `root`; returns `root`."""
    root.mkdir(parents=True, exist_ok=True)
    for stem, date, title, teaser, author, contacts in STORIES:
        (root / f"{stem}.txt").write_text(_page(date, title, teaser, author, contacts), "utf-8")
    return root
