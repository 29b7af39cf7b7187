"""满意度: the satisfaction surveys (`SurveysScreen`: community, sample, answered, index,
status; `n` a new one from the standard questionnaire) and one survey's results
(`SurveyResultsScreen`: the index against the last survey, a bar per section and per
building, the free-text answers, `o`/`s` one made a complaint or suggestion). Everything
through data.surveys."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from data import surveys as sv
from data.errors import FrontDeskError, ValidationError
from data.i18n import N_, _
from data.property.communities import list_communities
from data.vocab import label
from widgets.desk import DeskScreen
from widgets.form import FormField, FormModal
from widgets.safe import plain

STATUS_WORDS = {"open": N_("Survey open"), "closed": N_("Survey closed")}
BAR_WIDTH = 20


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
        FormField("name", _("Name"), placeholder=_("(default: Satisfaction survey and the date)")),
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
    ]

    @property
    def screen_title(self) -> str:
        return _("Satisfaction surveys")

    def compose(self) -> ComposeResult:
        yield self.header()
        yield DataTable(id="surveys", cursor_type="row", zebra_stripes=True)
        yield self.footer()

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
        table.clear()
        for r in rows:
            table.add_row(f"{r.created_at:%Y-%m-%d}", plain(r.community[:10]), Text(label(sv.SAMPLES, r.sample)),
                          f"{r.answered}/{r.households}", sv.index_text(indexes[r.id]),
                          Text(label(STATUS_WORDS, r.status)), key=str(r.id))

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


def results_text(res: sv.SurveyResults) -> Text:
    """The index line, the change against the last survey, a bar per section and the buildings."""
    text = plain(f"{res.survey.name} · {res.survey.community}  ")
    text.append(_("{answered} of {total} answered").format(answered=res.answered, total=res.households))
    text.append("\n" + _("Satisfaction index {index}").format(index=sv.index_text(res.index)), style="bold")
    if res.previous_name:
        text.append("  " + _("last survey: {index}").format(index=sv.index_text(res.previous_index)))
        if res.index is not None and res.previous_index is not None:
            change = res.index - res.previous_index
            text.append(f"  {change:+.1f}", style="green" if change >= 0 else "red")
    for s in res.sections:
        text.append(f"\n{label(sv.SECTIONS, s.code)[:6]:　<6}{sv.bar(s.index, BAR_WIDTH)} {sv.index_text(s.index)}")
    if res.buildings:
        text.append("\n" + _("Buildings") + ": ")
        text.append_text(plain("  ".join(f"{b.code}栋 {sv.index_text(b.index)}" for b in res.buildings)))
    return text


class SurveyResultsScreen(DeskScreen):
    """One survey's results; the free-text answers below, `o`/`s` making one a work order."""

    BINDING_SCOPE = "survey_results"
    DEFAULT_CSS = """
    SurveyResultsScreen #results { height: auto; max-height: 11; }
    SurveyResultsScreen #texts { height: 1fr; }
    """
    BINDINGS = [
        Binding("o", "order('complaint')", N_("Complaint")),
        Binding("s", "order('suggestion')", N_("Suggestion")),
        Binding("escape", "back", N_("Back")),
    ]

    def __init__(self, survey_id: int) -> None:
        super().__init__()
        self.survey_id = survey_id

    @property
    def screen_title(self) -> str:
        return _("Satisfaction surveys")

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Static(id="results")
        yield DataTable(id="texts", cursor_type="row", zebra_stripes=True)
        yield self.footer()

    def on_mount(self) -> None:
        table = self.query_one("#texts", DataTable)
        table.add_columns(_("Room"), _("Free-text answer"), _("Work order"))
        self.refresh_data()
        table.focus()

    def refresh_data(self) -> None:
        try:
            res = sv.results(self.survey_id)
        except FrontDeskError as exc:
            self.notify(exc.message, severity="error", markup=False)
            return
        self.query_one("#results", Static).update(results_text(res))
        table = self.query_one("#texts", DataTable)
        table.clear()
        for t in res.texts:
            table.add_row(plain(t.room), plain(t.text.replace("\n", " ")[:46]), plain(t.work_order_number or "—"),
                          key=str(t.id))

    def action_order(self, kind: str) -> None:
        """o / s: the free-text answer under the cursor becomes a complaint / suggestion."""
        table = self.query_one("#texts", DataTable)
        if not table.row_count:
            return
        answer_id = int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or 0)
        try:
            number = sv.answer_to_order(answer_id, kind, _staff_id(self))
        except FrontDeskError as exc:
            self.notify(exc.message, severity="error", markup=False)
            return
        what = _("Complaint") if kind == "complaint" else _("Suggestion")
        self.notify(_("{kind} work order {number} opened.").format(kind=what, number=number), markup=False)
        self.refresh_data()

    def action_back(self) -> None:
        self.app.pop_screen()
