"""The statistics of the calls screen (t): a period's figures, calls per day, by category
and by outcome, as charts; [ and ] move the period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Static

from data import access
from data import calls as call_data
from data.clock import now as clock_now
from data.errors import FrontDeskError
from data.i18n import N_, _
from data.vocab import CALL_CATEGORIES, CALL_OUTCOMES, label
from screens.call_forms import minutes
from screens.calls.pane import CallsPane
from widgets.safe import safe_text
from widgets.wide_plot import WidePlot

#: Days in the statistics period; [ and ] move it by as many.
STATS_DAYS = 30


class CallStatsPane(CallsPane, can_focus=True):
    """The figures and charts of a period. It takes the focus itself (it has nothing
    else to focus), so that its keys are the footer's."""

    BINDINGS = [
        Binding("left_square_bracket", "shift_period(-1)", N_("Earlier"), key_display="["),
        Binding("right_square_bracket", "shift_period(1)", N_("Later"), key_display="]"),
    ]
    TYPED_KEYS = CallsPane.TYPED_KEYS | {"shift_period"}

    class StatsLoaded(Message):
        def __init__(self, stats: Any) -> None:
            super().__init__()
            self.stats = stats

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.until: dt.date | None = None
        self.stats: Any = None

    def compose(self) -> ComposeResult:
        yield Static("", id="stats-figures", markup=False)
        yield WidePlot(id="stats-days")
        with Horizontal(id="stats-lower"):
            yield WidePlot(id="stats-category")
            yield WidePlot(id="stats-outcome")

    def load(self) -> None:
        self.load_stats()

    def focus_pane(self) -> None:
        self.focus()

    def _period(self) -> tuple[dt.date, dt.date]:
        until = self.until or clock_now().date()
        return until - dt.timedelta(days=STATS_DAYS - 1), until

    @work(thread=True, exclusive=True, group="call-stats", exit_on_error=False)
    def load_stats(self) -> None:
        since, until = self._period()
        try:
            # Everyone's numbers are a supervisor's report; a clerk sees their own.
            mine = None if access.can("reports") else self.app.staff.id
            stats = call_data.call_stats(since, until, staff_id=mine)
        except FrontDeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False)
            return
        self.post_message(self.StatsLoaded(stats))

    def on_call_stats_pane_stats_loaded(self, message: StatsLoaded) -> None:
        self.show_loaded(self._show_stats, message.stats)

    def action_shift_period(self, step: int) -> None:
        _since, until = self._period()
        self.until = until + dt.timedelta(days=STATS_DAYS * step)
        self.load_stats()

    def _show_stats(self, stats: Any) -> None:
        self.stats = stats
        text = Text()
        text.append(f"{stats.since:%Y-%m-%d} – {stats.until:%Y-%m-%d}", style="bold")
        text.append("  " + _("{total} calls: {inbound} in, {outbound} out").format(
            total=stats.total, inbound=stats.inbound, outbound=stats.outbound))
        text.append("  " + _("[ ] {days} days earlier / later").format(days=STATS_DAYS), style="dim")
        text.append("\n")
        text.append(_("Answered {rate}").format(rate=_percent(stats.answered_rate)), style="bold")
        text.append(" · " + _("average {duration}").format(duration=minutes(round(stats.avg_duration_s))))
        text.append(" · " + _("callbacks on time {kept}/{due} ({rate})").format(
            kept=stats.callbacks_on_time, due=stats.callbacks_due, rate=_percent(stats.callbacks_on_time_rate)))
        if stats.by_staff:
            text.append("\n")
            text.append(" · ".join(f"{name} {n} ({minutes(round(avg))})" for name, n, avg in stats.by_staff[:4]),
                        style="dim")
        self.query_one("#stats-figures", Static).update(safe_text(text))
        self._plot_days(stats)
        self._plot_counts("#stats-category", _("By category"),
                          [(label(CALL_CATEGORIES, code), n) for code, n in stats.by_category])
        self._plot_counts("#stats-outcome", _("By outcome"),
                          [(label(CALL_OUTCOMES, code) if code else _("(none)"), n) for code, n in stats.by_outcome])

    def _plot_days(self, stats: Any) -> None:
        chart = self.query_one("#stats-days", WidePlot)
        chart.stand_ins.clear()
        plt = chart.plt
        plt.clear_data()
        plt.clear_figure()
        days = [day.strftime("%m-%d") for day, _i, _o in stats.by_day]
        if days:
            # textual-plotext 1.0.1's stub names the keyword label=; plotext 5.3.2 takes labels=.
            plt.stacked_bar(days, [[i for _d, i, _o in stats.by_day], [o for _d, _i, o in stats.by_day]],
                            labels=[chart.safe(_("in")), chart.safe(_("out"))])  # type: ignore[call-arg]
            top = max(i + o for _d, i, o in stats.by_day)
            ticks = sorted({0, top // 2, top})
            plt.yticks(ticks, [str(t) for t in ticks])
        plt.title(chart.safe(_("Calls per day")))
        chart.refresh()

    def _plot_counts(self, selector: str, title: str, counts: list[tuple[str, int]]) -> None:
        chart = self.query_one(selector, WidePlot)
        chart.stand_ins.clear()
        plt = chart.plt
        plt.clear_data()
        plt.clear_figure()
        counts = [(name, n) for name, n in counts if n][:8]
        if counts:
            # The count in the label, no x axis: one row a bar fits 7 categories in 10 rows.
            width = max(cell_len(name) for name, _n in counts)
            names = [chart.safe(f"{name}{' ' * (width - cell_len(name))} {n}") for name, n in counts]
            plt.bar(names[::-1], [n for _name, n in counts][::-1], orientation="horizontal", width=0.1)
            plt.xlim(0, max(n for _name, n in counts))
            plt.xticks([])
            plt.xaxes(False, False)
            plt.yaxes(True, False)
        plt.title(chart.safe(title))
        chart.refresh()


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.0f}%"
