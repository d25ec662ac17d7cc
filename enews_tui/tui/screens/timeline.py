"""The timeline: stories per year and per month across the archive, as bars; choosing a year or
a month narrows the story list to it with a `date:` clause in the search bar."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Sparkline, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from enews_tui.model import StorySummary
from enews_tui.text import one_line

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_EIGHTHS = " ▏▎▍▌▋▊▉"
_DATE_CLAUSE = re.compile(r"(?<![\w.])date:(?:\[[^\]]*\]|\{[^}]*\}|[^\s()]+)", re.I)


def with_date(query: str, clause: str) -> str:
    """`query` with its date clauses replaced by `clause` (none when it is empty): the words stay,
    so a year chosen on the timeline combines with what was typed."""
    rest = " ".join(_DATE_CLAUSE.sub(" ", query).split())
    return " ".join(x for x in (rest, clause) if x)


def bar(value: int, top: int, width: int) -> str:
    """A horizontal bar of `width` cells at most, in eighths of a cell; one sliver for any value
    above zero, so a month with one story shows."""
    if value <= 0 or top <= 0 or width <= 0:
        return ""
    eighths = max(1, round(value / top * width * 8))
    full, part = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[part] if part else "")


@dataclass(frozen=True)
class Counts:
    """Stories per year and per (year, month), the years in order, and how many are undated."""

    years: tuple[int, ...]
    per_year: dict[int, int]
    per_month: dict[tuple[int, int], int]
    undated: int

    @classmethod
    def of(cls, summaries: Sequence[StorySummary]) -> Counts:
        """Count the stories by their dates (every year between the first and last, even empty)."""
        per_month: Counter[tuple[int, int]] = Counter()
        undated = 0
        for s in summaries:
            if s.date is None:
                undated += 1
            else:
                per_month[(s.date.year, s.date.month)] += 1
        per_year: Counter[int] = Counter()
        for (year, _month), n in per_month.items():
            per_year[year] += n
        years = tuple(range(min(per_year), max(per_year) + 1)) if per_year else ()
        return cls(years, dict(per_year), dict(per_month), undated)

    def series(self) -> list[float]:
        """Stories per month from the first year's January to the last year's December."""
        return [float(self.per_month.get((y, m), 0)) for y in self.years for m in range(1, 13)]


def _row(label: str, value: int, top: int, width: int) -> Content:
    """`2008 ██████▌ 340`: the label, the bar and the count."""
    count = f"{value:,}"
    room = max(1, width - len(label) - len(count) - 3)
    return Content.assemble(
        (label, "bold"), " ", (bar(value, top, room), "$accent"), " ", (count, "$text-muted")
    )


class TimelineScreen(Screen[str | None]):
    """Years and months as bars; dismissed with a date clause to search for (`""`: any date),
    or None to change nothing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", key_display="esc"),
        Binding("tab,right,l", "months", "Months", show=False),
        Binding("shift+tab,left,h", "years", "Years", show=False),
        Binding("x", "any_date", "Any date"),
    ]

    @dataclass
    class Loaded(Message):
        """The stories' dates were read from the index."""

        counts: Counts

    @dataclass
    class Failed(Message):
        """Reading the list failed."""

        reason: str

    def __init__(self, index: Any, *, current: str = "") -> None:
        """The timeline of the archive behind `index`; `current` is the query in the search bar."""
        super().__init__(id="timeline")
        self.index = index
        self.current = current
        self.counts = Counts((), {}, {}, 0)

    def compose(self) -> ComposeResult:
        """The summary line, a sparkline of every month, then years and months side by side."""
        yield Header()
        yield Static(Content("Counting the stories…"), id="timeline-summary")
        yield Sparkline([], id="timeline-spark")
        with Horizontal(id="timeline-panes"):
            yield OptionList(id="years", markup=False)
            yield OptionList(id="months", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        """Borders, then the counts from a worker."""
        self.query_one("#years", OptionList).border_title = "Stories per year"
        self.query_one("#months", OptionList).border_title = "Months"
        self.query_one("#years", OptionList).focus()
        self.load()

    @work(thread=True, exclusive=True, group="timeline")
    def load(self) -> None:
        """Count the stories per year and month (every summary is read: fast, not free)."""
        try:
            counts = Counts.of(self.index.summaries())
        except Exception as exc:  # noqa: BLE001 - a broken index must not take the app down
            self.post_message(self.Failed(one_line(exc)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(counts))

    def on_timeline_screen_loaded(self, message: Loaded) -> None:
        """Draw the bars."""
        self.counts = counts = message.counts
        dated = sum(counts.per_year.values())
        if counts.years:
            span = f"{counts.years[0]}–{counts.years[-1]}"
            text = f"{dated:,} dated stories, {span}"
        else:
            text = "No dated stories."
        if counts.undated:
            text += f" ({counts.undated:,} undated)"
        text += ". Above: a bar per month. Enter: the list shows that year or month."
        self.query_one("#timeline-summary", Static).update(Content(text))
        self.query_one(Sparkline).data = counts.series()
        self._draw_years()
        years = self.query_one("#years", OptionList)
        chosen = re.search(r"date:(\d{4})", self.current)
        if chosen and int(chosen[1]) in counts.years:
            years.highlighted = counts.years.index(int(chosen[1]))
        elif counts.years:
            busiest = max(counts.years, key=lambda y: (counts.per_year.get(y, 0), y))
            years.highlighted = counts.years.index(busiest)
        self._draw_months()

    def on_timeline_screen_failed(self, message: Failed) -> None:
        """Say why there is no timeline."""
        self.query_one("#timeline-summary", Static).update(
            Content(f"Cannot read the stories: {message.reason}")
        )

    def on_resize(self, event: events.Resize) -> None:
        """The bars follow the width."""
        if self.counts.years:
            self.call_after_refresh(self._redraw)

    def _redraw(self) -> None:
        self._draw_years()
        self._draw_months()

    def _width(self, widget: OptionList) -> int:
        return max(10, widget.scrollable_content_region.width - 2)

    def _draw_years(self) -> None:
        years = self.query_one("#years", OptionList)
        keep = years.highlighted
        top = max(self.counts.per_year.values(), default=0)
        width = self._width(years)
        years.clear_options()
        years.add_options(
            [
                Option(_row(str(y), self.counts.per_year.get(y, 0), top, width), id=f"y{y}")
                for y in self.counts.years
            ]
        )
        if self.counts.years:
            years.highlighted = keep if keep is not None else 0

    @property
    def year(self) -> int | None:
        """The highlighted year."""
        highlighted = self.query_one("#years", OptionList).highlighted
        if highlighted is None or not 0 <= highlighted < len(self.counts.years):
            return None
        return self.counts.years[highlighted]

    def _draw_months(self) -> None:
        months = self.query_one("#months", OptionList)
        keep = months.highlighted
        year = self.year
        months.clear_options()
        if year is None:
            return
        months.border_title = f"Months of {year}"
        values = [self.counts.per_month.get((year, m), 0) for m in range(1, 13)]
        top = max(values)
        width = self._width(months)
        months.add_options(
            [
                Option(_row(MONTHS[m - 1], values[m - 1], top, width), id=f"m{m}")
                for m in range(1, 13)
            ]
        )
        months.highlighted = keep if keep is not None else 0

    @on(OptionList.OptionHighlighted, "#years")
    def _year_moved(self, event: OptionList.OptionHighlighted) -> None:
        self._draw_months()

    @on(OptionList.OptionSelected, "#years")
    def _year_chosen(self, event: OptionList.OptionSelected) -> None:
        """Enter or a click on a year: the list shows that year."""
        if (year := self.year) is not None:
            self.dismiss(f"date:{year}")

    @on(OptionList.OptionSelected, "#months")
    def _month_chosen(self, event: OptionList.OptionSelected) -> None:
        """Enter or a click on a month: the list shows that month."""
        month = self.query_one("#months", OptionList).highlighted
        if (year := self.year) is not None and month is not None:
            self.dismiss(f"date:{year}-{month + 1:02d}")

    def action_months(self) -> None:
        """To the months of the highlighted year."""
        self.query_one("#months", OptionList).focus()

    def action_years(self) -> None:
        """Back to the years."""
        self.query_one("#years", OptionList).focus()

    def action_any_date(self) -> None:
        """Take the date out of the search."""
        self.dismiss("")

    def action_back(self) -> None:
        """Back to the reader, the search unchanged."""
        self.dismiss(None)
