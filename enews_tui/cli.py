"""The command line: arguments, JSON and plain-text output, and launching the TUI."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from enews_tui import __version__, libsearch
from enews_tui.archive import ENV_ARCHIVE, PAGE_SUFFIXES, Archive
from enews_tui.export import FORMATS, export
from enews_tui.library import Library, open_or_memory
from enews_tui.model import ArchiveError, LibraryError, QueryError, SearchFault, Story
from enews_tui.render import render_story, story_count
from enews_tui.serialize import (
    directory_entry_to_dict,
    marks_to_dict,
    result_to_dict,
    story_to_dict,
    summary_to_dict,
)
from enews_tui.text import one_line, sanitize, sanitize_line

EXIT_OK, EXIT_NOT_FOUND, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
#: The index could not be written (a full disk): nothing was found to do the work with.
EXIT_FAILED = EXIT_NOT_FOUND


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line on stderr and exit 2."""

    def error(self, message: str) -> Any:  # noqa: D102 - argparse hook
        self.exit(EXIT_USAGE, f"enews-tui: {message} (see 'enews-tui --help')\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for `enews-tui` and its subcommands."""
    common = _Parser(add_help=False)
    common.add_argument(
        "--archive",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help=(
            "archive to read: a folder of saved pages and web-archive files, or one .warc, "
            f".warc.gz, .arc.gz or .wacz file (default: ${ENV_ARCHIVE}, else the fetched "
            "E-News archive if there is one, else the bundled archive)"
        ),
    )
    parser = _Parser(
        prog="enews-tui",
        parents=[common],
        description="A terminal reader for archived news. Without a command, opens the reader.",
    )
    parser.add_argument("--version", action="version", version=f"enews-tui {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("list", parents=[common], help="list the stories, newest first")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("show", parents=[common], help="print one story")
    p.add_argument("id", help="story id, as `list` prints it")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("search", parents=[common], help="search every story")
    p.add_argument("query", help='words, "phrases", AND/OR/NOT, field:value, word*, word~, date:')
    p.add_argument("--limit", type=_positive_int, default=20, metavar="N", help="at most N hits")
    p.add_argument("--sort", choices=("relevance", "date"), default="relevance")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("contacts", parents=[common], help="the contacts directory of the archive")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--json", action="store_true", help="print JSON")
    how.add_argument("--vcard", action="store_true", help="print vCards (3.0), one per entry")

    p = sub.add_parser(
        "export", parents=[common], help="a story (or every starred one) with its citation"
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("id", nargs="?", help="story id, as `list` prints it")
    which.add_argument("--starred", action="store_true", help="every starred story")
    p.add_argument("--format", choices=FORMATS, default="markdown", help="default: markdown")
    p.add_argument(
        "--output", "-o", metavar="FILE", help="write to FILE (default: standard output)"
    )

    p = sub.add_parser("index", parents=[common], help="refresh the search index and report")
    p.add_argument("--rebuild", action="store_true", help="rebuild it from scratch")

    p = sub.add_parser(
        "fetch",
        help="fetch a whole site from the Wayback Machine (or a pywb collection) into WARC files",
        description=(
            "List a site's captures through the server's CDX API, download the latest HTML "
            "capture of each URL raw, and append them to WARC files in the data folder "
            "(archives/<host>/); then refresh its index. Run it again to get what is missing."
        ),
    )
    p.add_argument(
        "--from",
        dest="server",
        metavar="SERVER",
        help="a Wayback-compatible server (default: the Wayback Machine) or a pywb collection "
        "(http://127.0.0.1:8080/my-coll)",
    )
    p.add_argument("--prefix", default="enews.tufts.edu/", metavar="URL-PREFIX",
                   help="the URLs to fetch (default: enews.tufts.edu/)")  # fmt: skip
    p.add_argument("--since", metavar="YYYY[-MM]", help="captures from this date on")
    p.add_argument("--until", metavar="YYYY[-MM]", help="captures up to this date")
    p.add_argument("--limit", type=_positive_int, metavar="N", help="fetch at most N pages")
    p.add_argument("--rate", type=_positive_float, metavar="N",
                   help="at most N pages a second (default and most: 8; CDX requests slow "
                   "down in proportion from 24 a minute)")  # fmt: skip
    p.add_argument("--dry-run", action="store_true", help="say what would be fetched, fetch none")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run `enews-tui` with `argv` (default: the process arguments); returns the exit code."""
    args = build_parser().parse_args(argv)
    archive = Archive.choose(getattr(args, "archive", None))
    try:
        if args.command is None:
            return _launch(archive)
        return int(_COMMANDS[args.command](archive, args, sys.stdout))
    except ArchiveError as exc:
        if getattr(args, "archive", None) is None and os.environ.get(ENV_ARCHIVE):
            _err(f"{exc} (from ${ENV_ARCHIVE})")  # say where the path came from
        else:
            _err(str(exc))
        return EXIT_USAGE
    except QueryError as exc:
        _err(f"bad query: {exc}")
        return EXIT_USAGE
    except LibraryError as exc:
        _err(str(exc))
        return EXIT_FAILED
    except SearchFault as exc:
        _err(str(exc))
        return EXIT_INTERNAL
    except BrokenPipeError:
        sys.stderr.close()  # `enews-tui list | head`: the reader left, nothing more to say
        return EXIT_OK


def _err(message: str) -> None:
    print(f"enews-tui: {sanitize_line(message)}", file=sys.stderr)


def _open(archive: Archive, *, quiet: bool = True) -> Any:
    """The archive's index, refreshed; notices (a rebuilt index, a temporary one) go to stderr,
    and so does a progress bar when the refresh has pages to parse and stderr is a terminal."""
    from enews_tui.index import open_index
    from enews_tui.progress import ProgressBar

    archive.check()
    index = open_index(archive)
    try:
        with ProgressBar(sys.stderr) as bar:
            report = index.refresh(progress=bar.update)
    except ArchiveError:
        index.close()
        raise
    except Exception as exc:  # noqa: BLE001 - a disk that fills must not hide what is indexed
        for notice in index.notices:
            _err(notice)
        _err(f"could not update the index ({one_line(exc)}); showing what it holds")
        return index
    for notice in (*index.notices, *report.notices):
        _err(notice)
    if not index.count():
        _err(f"no stories in this archive: {archive.root} ({len(report.skipped)} pages skipped)")
    return index


def _library(archive: Archive) -> Library:
    """The reader's library for `archive` (one in memory, with a message, when the file cannot
    be opened: the command still answers, with nothing marked)."""
    library, notice = open_or_memory(archive)
    if notice:
        _err(notice)
    return library


def _row(date: dt.date | None, title: str, story_id: str) -> str:
    """One listing line: `2008-07-23  One Less Statistic  [000_3d400be652883c92]`."""
    when = date.isoformat() if date else "----------"
    return f"{when}  {sanitize_line(title)}  [{sanitize_line(story_id)}]\n"


def _print_json(data: Any, out: TextIO) -> None:
    json.dump(data, out, ensure_ascii=False, indent=2)
    out.write("\n")


def cmd_list(archive: Archive, args: argparse.Namespace, out: TextIO) -> int:
    """`enews-tui list`."""
    with _open(archive) as index:
        summaries = index.summaries()
    if args.json:
        with _library(archive) as library:
            marks = library.marks()
        _print_json([summary_to_dict(s) | marks_to_dict(marks.get(s.id)) for s in summaries], out)
        return EXIT_OK
    for s in summaries:
        out.write(_row(s.date, s.title, s.id))
    return EXIT_OK


def cmd_show(archive: Archive, args: argparse.Namespace, out: TextIO) -> int:
    """`enews-tui show ID`."""
    with _open(archive) as index:
        story: Story | None = index.story(args.id)
        stem, extension = os.path.splitext(args.id)
        if story is None and extension.lower() in PAGE_SUFFIXES:
            story = index.story(stem)  # `show 000_3d400be652883c92.txt`: the file's name
        if story is None:
            _err(f"no story with id {args.id!r} (see 'enews-tui list')")
            return EXIT_NOT_FOUND
        related = index.related(story.id)
    with _library(archive) as library:
        mark = library.mark(story.id)
    if args.json:
        _print_json(story_to_dict(story, related) | marks_to_dict(mark), out)
    else:
        out.write(sanitize(render_story(story, related)))
        if story.archived is not None:
            when = story.archived.captured.strftime("%Y-%m-%d %H:%M:%S UTC")
            out.write(f"Captured: {when}\n")
            out.write(f"Archived copy: {sanitize_line(story.archived.replay_url)}\n")
        if mark.note:
            out.write(f"\nNote:\n{sanitize(mark.note)}\n")
    return EXIT_OK


def cmd_search(archive: Archive, args: argparse.Namespace, out: TextIO) -> int:
    """`enews-tui search QUERY`."""
    with _open(archive) as index, _library(archive) as library:
        result = libsearch.search(index, library, args.query, limit=args.limit, sort=args.sort)
    if args.json:
        _print_json(result_to_dict(result), out)
        return EXIT_OK
    shown = len(result.hits)
    out.write(f"{story_count(result.total)} {'matches' if result.total == 1 else 'match'}")
    out.write(f" (showing {shown})\n" if shown < result.total else "\n")
    if result.suggestion:
        out.write(f"Did you mean: {sanitize_line(result.suggestion)}\n")
    for hit in result.hits:
        out.write("\n" + _row(hit.date, hit.title, hit.id))
        if hit.snippet:
            out.write(f"    {sanitize_line(hit.snippet)}\n")
    return EXIT_OK


def cmd_contacts(archive: Archive, args: argparse.Namespace, out: TextIO) -> int:
    """`enews-tui contacts`."""
    with _open(archive) as index:
        entries = index.contacts()
        titles = {s.id: s.title for s in index.summaries()} if args.vcard else {}
    if args.vcard:
        from enews_tui.vcard import to_vcards

        out.write(to_vcards(entries, titles))
        return EXIT_OK
    if args.json:
        _print_json([directory_entry_to_dict(e) for e in entries], out)
        return EXIT_OK
    for e in entries:
        parts = [sanitize_line(e.name)]
        if e.organization:
            parts.append(f"({sanitize_line(e.organization)})")
        for label, value in (("T:", e.phone), ("F:", e.fax), ("E:", e.email)):
            if value:
                parts.append(f"{label} {sanitize_line(value)}")
        out.write(" ".join(parts) + f"  [{story_count(len(e.stories))}]\n")
    return EXIT_OK


def cmd_export(archive: Archive, args: argparse.Namespace, out: TextIO) -> int:
    """`enews-tui export ID | --starred [--format F] [--output FILE]`."""
    with _open(archive) as index, _library(archive) as library:
        ids = library.starred() if args.starred else [args.id]
        found = [(index.story(i), library.mark(i)) for i in ids]
    stories = [(story, mark) for story, mark in found if story is not None]
    if not args.starred and not stories:
        _err(f"no story with id {args.id!r} (see 'enews-tui list')")
        return EXIT_NOT_FOUND
    if args.starred and len(stories) < len(ids):
        _err(f"{len(ids) - len(stories)} starred stories are no longer in the archive")
    if args.starred and not stories:
        _err("no starred stories (star one in the reader)")
    text = export(stories, args.format, dt.datetime.now(dt.UTC), many=args.starred)
    if args.output is None or args.output == "-":
        if stories:
            out.write(text)
        return EXIT_OK
    try:
        with open(args.output, "w", encoding="utf-8", newline="") as fh:
            fh.write(text if stories else "")
    except OSError as exc:
        _err(f"cannot write {args.output}: {exc.strerror or exc}")
        return EXIT_FAILED
    _err(f"wrote {story_count(len(stories))} to {args.output}")
    return EXIT_OK


def cmd_index(archive: Archive, args: argparse.Namespace, out: TextIO) -> int:
    """`enews-tui index [--rebuild]`: refresh with progress on stderr, then a summary on stdout."""
    from enews_tui.index import open_index
    from enews_tui.progress import ProgressBar

    archive.check()
    with open_index(archive) as index, ProgressBar(sys.stderr) as bar:
        for notice in index.notices:
            _err(notice)
        try:
            report = index.refresh(rebuild=args.rebuild, progress=bar.update)
        except ArchiveError:
            raise
        except Exception as exc:  # noqa: BLE001 - e.g. a full disk: a message, not a traceback
            _err(f"could not update the index: {one_line(exc)}")
            return EXIT_FAILED
    for notice in report.notices:
        _err(notice)
    out.write(
        f"{report.indexed} indexed, {report.unchanged} unchanged, {report.removed} removed, "
        f"{len(report.skipped)} skipped\n"
    )
    for skip in report.skipped:
        out.write(f"skipped {sanitize_line(skip.source)}: {sanitize_line(skip.reason)}\n")
    return EXIT_OK


def _launch(archive: Archive) -> int:
    """Open the reader on `archive` (the only path that imports Textual)."""
    archive.check()
    from enews_tui.tui.app import run_app

    return run_app(archive)


def cmd_fetch(archive: Archive, args: argparse.Namespace, out: TextIO) -> int:
    """`enews-tui fetch`: download what is missing, then refresh the fetched archive's index."""
    from enews_tui import paths
    from enews_tui.fetch import (
        CdxError,
        FetchBusy,
        FetchOptions,
        Politeness,
        Server,
        fetch,
        host_of,
    )
    from enews_tui.fetch.polite import Failed, politeness_from_env
    from enews_tui.fetch.progress import FetchBar, plan, summary

    try:
        server = Server.parse(args.server)
        politeness = politeness_from_env(Politeness()).lowered(args.rate)
        folder = paths.archives_dir(host_of(args.prefix))
        options = FetchOptions(
            folder=folder,
            server=server,
            prefix=args.prefix,
            since=args.since,
            until=args.until,
            limit=args.limit,
            dry_run=args.dry_run,
            politeness=politeness,
            scan_cache=paths.cache_dir() / "fetch-scans",
        )
        bar = FetchBar(sys.stderr)
        try:
            report = fetch(options, bar.update)
        finally:
            bar.close()
    except ValueError as exc:
        _err(str(exc))
        return EXIT_USAGE
    except (CdxError, Failed) as exc:
        _err(f"cannot list the captures at {args.server or 'the Wayback Machine'}: {one_line(exc)}")
        return EXIT_FAILED
    except FetchBusy as exc:
        _err(str(exc))
        return EXIT_FAILED
    except OSError as exc:
        _err(f"cannot write the archive: {one_line(exc)}")
        return EXIT_FAILED
    for notice in report.notices:
        _err(notice)
    if args.json:
        data: dict[str, Any] = {
            "archive": report.archive,
            "fetched": report.fetched,
            "present": report.present,
            "failed": [{"url": u, "reason": r} for u, r in report.failed],
        }
        if args.dry_run:
            data |= {"to_fetch": report.to_fetch, "seconds": round(report.seconds, 1)}
        _print_json(data, out)
    if args.dry_run:
        if not args.json:
            _err(plan(report, politeness.pages_per_second))
        return EXIT_OK
    if not args.json:
        for line in summary(report):
            _err(line)
    if Archive.holds_web_archives(folder):
        with _open(Archive(folder)):  # the index refreshed now, not at the next launch
            pass
    return EXIT_OK if not report.failed and not report.stopped else EXIT_FAILED


_COMMANDS = {
    "list": cmd_list,
    "show": cmd_show,
    "search": cmd_search,
    "contacts": cmd_contacts,
    "export": cmd_export,
    "index": cmd_index,
    "fetch": cmd_fetch,
}
