"""Render a synthetic story as an E-News page of the period: table layout, <font>, nav, banner."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from benchmarks.generate import SynthStory

_HEAD = """<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html>
<head>
<title>Tufts E-News -- {title}</title>
<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">
<link rel="stylesheet" href="/enews/css/enews.css" type="text/css">
<script language="JavaScript" src="/enews/js/rollover.js"></script>
</head>
<body bgcolor="#FFFFFF" leftmargin="0" topmargin="0" marginwidth="0" marginheight="0">
<div class="inactive"><font face="Verdana, Arial, Helvetica" size="1">The E-News site has been \
inactive since February 2011 and may contain outdated information and/or broken links. For \
current and up-to-date Tufts news and information, please visit Tufts Now at \
<a href="http://now.tufts.edu/">now.tufts.edu</a></font></div>
<table width="760" border="0" cellspacing="0" cellpadding="0" align="center">
<tr>
<td width="200"><a href="http://www.tufts.edu/"><img src="/enews/images/logo.gif" width="200" \
height="60" border="0" alt="Tufts University Logo"></a></td>
<td width="360"><a href="/enews/"><img src="/enews/images/enews.gif" width="360" height="60" \
border="0" alt="Tufts University e-news"></a></td>
<td width="200" valign="bottom"><form action="/enews/search.php" method="get">
<font face="Verdana" size="1">Search</font> <input type="text" name="q" size="12">
<input type="image" src="/enews/images/go.gif" alt="GO &gt;" border="0"><br>
<input type="radio" name="where" value="site" checked><font size="1">this site</font>
<input type="radio" name="where" value="people"><font size="1">people</font>
</form></td>
</tr>
<tr><td colspan="3" bgcolor="#3172B5"><img src="/enews/images/bottom.gif" width="200" \
height="8" alt="Bottom"><img src="/enews/images/search_bottom.gif" width="200" height="8" \
alt="Search Bottom"></td></tr>
</table>
<table width="760" border="0" cellspacing="0" cellpadding="0" align="center">
<tr>
<td width="150" valign="top" bgcolor="#E5ECF5">
<img src="/enews/images/left_photo.jpg" width="150" height="180" alt="left side photo"><br>
<font face="Verdana, Arial" size="1">
<a href="/enews/">E-News Home</a><br>
<a href="/enews/archives/">Archives</a><br>
<a href="/enews/features/">Features</a><br>
<a href="/enews/research/">Research</a><br>
<a href="/enews/subscribe/">Subscribe</a><br>
<a href="/enews/contact/">Contact Us</a><br>
</font></td>
<td width="430" valign="top"><font face="Verdana, Arial, Helvetica, sans-serif" size="2">
"""

_TAIL = """</font></td>
<td width="180" valign="top" bgcolor="#F2F2F2"><font face="Verdana, Arial" size="1">
<p><b>Related Stories</b></p>
<p><b>Related Links</b></p>
<p><b>Featured Profile</b></p>
{contacts}</font></td>
</tr>
</table>
</body>
</html>
"""


def render_page(story: SynthStory) -> str:
    """The whole HTML page of `story` (ASCII; it declares iso-8859-1 as the site did)."""
    title = escape(story.title)
    parts = [_HEAD.format(title=title)]
    parts.append(f'<p><font size="4" color="#003366"><b>{title}</b></font></p>\n')
    if story.glued_teaser:  # the seed's caption glue: `One Less StatisticRobin Smalley ...`
        parts.append(
            f'<p><img src="/enews/images/stories/{story.index}.jpg" width="120" height="90" '
            f'align="left" alt=""><font size="1"><span class="caption">{title}</span>'
            f"{escape(story.teaser)}</font></p>\n"
        )
    else:
        parts.append(f'<p><font size="2"><i>{escape(story.teaser)}</i></font></p>\n')
    space = " " if story.index % 7 else ""  # the site sometimes left out the space
    first = True
    for heading, paragraphs in story.sections:
        if heading is not None:
            if story.heading_tag == "h3":
                parts.append(f"<h3>{escape(heading)}</h3>\n")
            else:
                parts.append(f"<p><b>{escape(heading)}</b></p>\n")
        for paragraph in paragraphs:
            text = escape(paragraph)
            if first:
                text = f"{escape(story.dateline)} {story.date_text}{space}{text}"
                first = False
            parts.append(f"<p>{text}</p>\n")
    parts.append(
        f"<p><i>{escape(story.byline_kind)} {escape(story.author)}, "
        f"{escape(story.organization)}</i></p>\n"
    )
    contacts: list[str] = []
    for label, entries in story.contacts:
        contacts.append(f"<p><b>{escape(label)}</b></p>\n")
        for c in entries:
            lines = [escape(c.name), f"T: {c.phone}"]
            if c.fax:
                lines.append(f"F: {c.fax}")
            if c.email:
                lines.append(f'E: <a href="mailto:{escape(c.email)}">{escape(c.email)}</a>')
            contacts.append("<p>" + "<br>\n".join(lines) + "</p>\n")
    parts.append(_TAIL.format(contacts="".join(contacts)))
    return "".join(parts)
