"""满意度: the satisfaction surveys (`SurveysScreen`: community, sample, answered, index,
status 进行中/已结束; `n` a new one from the standard questionnaire on any sample, `c`
closes one) and one survey's results (`SurveyResultsScreen`: the index against the last
survey, a bar per section, each question's options or ratings with count, share and bar,
each building's answers and index — scrolled by Up/Down/PageUp/PageDown — and the
free-text answers below, `o`/`s` one made a complaint or suggestion; `c` closes the
survey). Everything through data.surveys."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from data import surveys as sv
from data.errors import FrontDeskError, ValidationError
from data.i18n import N_, _
from data.property.communities import list_communities
from data.vocab import label
from widgets.confirm import ConfirmModal
from widgets.desk import DeskScreen
from widgets.form import FormField, FormModal
from widgets.safe import plain

STATUS_WORDS = sv.STATUS_WORDS
BAR_WIDTH = 20
#: The width (in cells) of an option's or a building's name before its bar.
NAME_CELLS = 12


def _staff_id(screen: Any) -> int | None:
    return getattr(getattr(screen.app, "staff", None), "id", None)


def survey_form(staff_id: int | None) -> FormModal:
    """A new survey from the standard questionnaire: community, sample kind, N or building."""
    communities = [(c.name, str(c.id)) for c in list_communities()]
    fields = [
        FormField("community", _("Community"), communities[0][1] if communities else "", kind="select",
                  options=communities),
        FormField("sample", _("Sample"), "all", kind="select",
                  options=[(_(text), code) for code, text in sv.SAMPLES.items()]),
        FormField("size", _("Households"), placeholder="20", shown_when=("sample", "random"),
                  help=_("how many households are drawn")),
        FormField("building", _("Building"), placeholder="1", shown_when=("sample", "building")),
        FormField("name", _("Survey name"), placeholder=_("(default: Satisfaction survey and the date)")),
    ]

    def save(values: dict[str, str]) -> int:
        community = int(values["community"] or 0)
        size = None
        if values["sample"] == "random":
            raw = values["size"].strip()
            if not raw.isdigit() or int(raw) < 1:
                raise ValidationError("size", _("Give how many households, a whole number."))
            size = int(raw)
        building = (sv.building_id(community, values["building"])
                    if values["sample"] == "building" else None)
        return sv.new_survey(community, staff_id, sample=values["sample"] or "all", name=values["name"],
                             building_id=building, size=size)

    return FormModal(_("New satisfaction survey"), fields, save)


class SurveysScreen(DeskScreen):
    """The surveys, newest first, with each one's index."""

    BINDING_SCOPE = "surveys"
    BINDINGS = [
        Binding("enter", "open", N_("Results")),
        Binding("n", "new", N_("New survey")),
        Binding("c", "close_survey", N_("Close survey")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.status: dict[int, str] = {}  # survey id → open | closed

    @property
    def screen_title(self) -> str:
        return _("Satisfaction surveys")

    def compose(self) -> ComposeResult:
        yield self.header()
        yield DataTable(id="surveys", cursor_type="row", zebra_stripes=True)
        yield self.footer()

    def _current(self) -> int | None:
        table = self.query_one("#surveys", DataTable)
        if not table.row_count:
            return None
        return int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or 0)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "close_survey" and self.is_mounted:
            current = self._current()
            return current is not None and self.status.get(current) == "open"
        return True

    @on(DataTable.RowHighlighted, "#surveys")
    def _highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()

    def action_close_survey(self) -> None:
        """c: close the survey under the cursor (asked first)."""
        current = self._current()
        if current is not None:
            ask_to_close(self, current)

    def on_mount(self) -> None:
        table = self.query_one("#surveys", DataTable)
        table.add_columns(_("Date"), _("Community"), _("Sample"), _("Answered"), _("Index"), _("Status"))
        self.refresh_data()
        table.focus()

    def refresh_data(self) -> None:
        try:
            rows = sv.surveys()
            indexes = {r.id: sv.satisfaction_index(r.id) for r in rows}
        except FrontDeskError as exc:
            self.notify(exc.message, severity="error", markup=False)
            return
        table = self.query_one("#surveys", DataTable)
        at = table.cursor_row
        table.clear()
        self.status = {r.id: r.status for r in rows}
        for r in rows:
            table.add_row(f"{r.created_at:%Y-%m-%d}", plain(r.community[:10]), Text(label(sv.SAMPLES, r.sample)),
                          f"{r.answered}/{r.households}", sv.index_text(indexes[r.id]),
                          Text(label(STATUS_WORDS, r.status)), key=str(r.id))
        if rows:
            table.move_cursor(row=min(max(at, 0), len(rows) - 1))
        self.refresh_bindings()

    @on(DataTable.RowSelected, "#surveys")
    def row_chosen(self, _event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        table = self.query_one("#surveys", DataTable)
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            self.app.push_screen(SurveyResultsScreen(int(key or 0)))

    def action_new(self) -> None:
        def done(survey_id: Any) -> None:
            if survey_id:
                self.refresh_data()
                self.app.push_screen(SurveyResultsScreen(int(survey_id)))

        self.app.push_screen(survey_form(_staff_id(self)), done)


def ask_to_close(screen: Any, survey_id: int) -> None:
    """Ask, then close a survey: no more answers by phone or import, its call list closed."""
    try:
        row = sv.survey(survey_id)
    except FrontDeskError as exc:
        screen.notify(exc.message, severity="error", markup=False)
        return

    def answered(yes: bool | None) -> None:
        if not yes:
            return
        staff_id = _staff_id(screen)

        def closed(done: Any) -> None:
            screen.notify(_("Survey “{name}” closed: {answered} of {total} answered; it takes no more answers.").format(
                name=done.name, answered=done.answered, total=done.households), markup=False)
            screen.refresh_data()

        # In a worker (DeskScreen.run_write: behind another desk it says so, leaving gives it up).
        screen.run_write(lambda: sv.close_survey(survey_id, staff_id), done=closed)

    screen.app.push_screen(ConfirmModal(_(
        "Close survey “{name}” ({answered} of {total} answered)?\nNo more answers by phone or import;\n"
        "its call list is closed too.").format(name=row.name, answered=row.answered, total=row.households),
        enter_confirms=False), answered)


def _padded(text: str, cells: int = NAME_CELLS) -> Text:
    """`text` cut or padded to `cells` terminal cells (a Chinese character takes two)."""
    out = ""
    for ch in text:
        if cell_len(out + ch) > cells:
            break
        out += ch
    return plain(out + " " * (cells - cell_len(out)))


def _share_bar(count: int, share: float) -> Text:
    line = Text(sv.bar(share, BAR_WIDTH), style="cyan")
    line.append(f" {count:>4} {share:5.1f}%")
    return line


def question_text(q: sv.QuestionResult) -> Text:
    """One question's block: its heading (answered, index) and a line per option or rating."""
    text = Text()
    text.append(f"{q.position}. ", style="bold")
    text.append_text(plain(q.text))
    text.append(f"  【{label(sv.SECTIONS, q.section)}】", style="dim")
    text.append("\n   " + _("{n} answered").format(n=q.answered))
    if q.index is not None:
        text.append("  " + _("index {index}").format(index=sv.index_text(q.index)), style="bold")
    if q.kind == "text":
        text.append("  " + _("(the free-text answers are listed below)"), style="dim")
    for (option, count), share in zip(q.counts, q.shares, strict=True):
        name = _("{n} points").format(n=option) if q.kind == "rating" else option
        text.append("\n   ")
        text.append_text(_padded(name))
        text.append(" ")
        text.append_text(_share_bar(count, share))
    return text


def results_text(res: sv.SurveyResults) -> Text:
    """The index line, the change against the last survey, a bar per section, each question,
    each building."""
    text = plain(f"{res.survey.name} · {res.survey.community}  ")
    text.append(_("{answered} of {total} answered").format(answered=res.answered, total=res.households))
    text.append(f"  [{label(STATUS_WORDS, res.survey.status)}]", style="dim" if res.survey.status == "closed" else "green")
    text.append("\n" + _("Satisfaction index {index}").format(index=sv.index_text(res.index)), style="bold")
    if res.previous_name:
        text.append("  ")
        text.append_text(plain(_("last survey ({name}, {date}): {index}").format(
            name=res.previous_name, date=f"{res.previous_on:%Y-%m-%d}" if res.previous_on else "—",
            index=sv.index_text(res.previous_index))))
        if res.index is not None and res.previous_index is not None:
            change = res.index - res.previous_index
            text.append(f"  {change:+.1f}", style="green" if change >= 0 else "red")
    for s in res.sections:
        text.append(f"\n{label(sv.SECTIONS, s.code)[:6]:　<6}{sv.bar(s.index, BAR_WIDTH)} {sv.index_text(s.index)}")
    if res.buildings:
        text.append("\n\n" + _("Per building") + "\n", style="bold")
        for b in res.buildings:
            text.append_text(_padded(_("Building {code}").format(code=b.code)))
            text.append(" " + sv.bar(b.index, BAR_WIDTH), style="cyan")
            text.append(" " + _("index {index}").format(index=sv.index_text(b.index)) + " · "
                        + _("{n} households answered").format(n=b.answered) + "\n")
    text.append("\n" + _("Per question") + "\n", style="bold")
    for q in res.questions:
        text.append_text(question_text(q))
        text.append("\n")
    return text


class SurveyResultsScreen(DeskScreen):
    """One survey's results, scrolled by keys; the free-text answers below, `o`/`s` making
    one a work order, `c` closing the survey."""

    BINDING_SCOPE = "survey_results"
    DEFAULT_CSS = """
    SurveyResultsScreen #results-scroll { height: 1fr; padding: 0 1; }
    SurveyResultsScreen #results-scroll:focus { background-tint: $foreground 3%; }
    SurveyResultsScreen #texts { height: auto; max-height: 6; }
    """
    BINDINGS = [
        Binding("o", "order('complaint')", N_("Complaint")),
        Binding("s", "order('suggestion')", N_("Suggestion")),
        Binding("c", "close_survey", N_("Close survey")),
        Binding("escape", "back", N_("Back")),
    ]

    def __init__(self, survey_id: int) -> None:
        super().__init__()
        self.survey_id = survey_id
        self.status = "open"
        self.has_texts = False

    @property
    def screen_title(self) -> str:
        return _("Satisfaction surveys")

    def compose(self) -> ComposeResult:
        yield self.header()
        with VerticalScroll(id="results-scroll"):
            yield Static(id="results")
        yield DataTable(id="texts", cursor_type="row", zebra_stripes=True)
        yield self.footer()

    def on_mount(self) -> None:
        table = self.query_one("#texts", DataTable)
        table.add_columns(_("Room"), _("Free-text answer"), _("Work order"))
        self.refresh_data()
        self.query_one("#results-scroll").focus()  # Up/Down/PageUp/PageDown scroll the results

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "close_survey":
            return self.status == "open"
        if action == "order":
            return self.has_texts
        return True

    def refresh_data(self) -> None:
        try:
            res = sv.results(self.survey_id)
        except FrontDeskError as exc:
            self.notify(exc.message, severity="error", markup=False)
            return
        self.status = res.survey.status
        self.has_texts = bool(res.texts)
        self.query_one("#results", Static).update(results_text(res))
        table = self.query_one("#texts", DataTable)
        at = table.cursor_row
        table.clear()
        for t in res.texts:
            table.add_row(plain(t.room), plain(t.text.replace("\n", " ")[:46]), plain(t.work_order_number or "—"),
                          key=str(t.id))
        if res.texts:
            table.move_cursor(row=min(max(at, 0), len(res.texts) - 1))
        table.display = bool(res.texts)
        self.refresh_bindings()

    def action_close_survey(self) -> None:
        """c: close this survey (asked first)."""
        ask_to_close(self, self.survey_id)

    def action_order(self, kind: str) -> None:
        """o / s: the free-text answer under the cursor becomes a complaint / suggestion."""
        table = self.query_one("#texts", DataTable)
        if not table.row_count:
            return
        answer_id = int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or 0)
        staff_id = _staff_id(self)

        def opened(number: str) -> None:
            what = _("Complaint") if kind == "complaint" else _("Suggestion")
            self.notify(_("{kind} work order {number} opened.").format(kind=what, number=number), markup=False)
            self.refresh_data()

        self.run_write(lambda: sv.answer_to_order(answer_id, kind, staff_id), done=opened)

    def action_back(self) -> None:
        self.app.pop_screen()
