"""交接班 tab of the registers screen: the handover waiting to be taken over first, then
this shift's draft, a line per section (how many items, the first of them). `o` (or `n`,
or enter on a section) opens the whole shift handover screen — notes, F10 to hand over,
the history —; enter on a handover waiting opens it to read and acknowledge. The screen
is screens.handover's, not a copy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding

from data import access
from data import handover as ho
from data.i18n import N_, _
from screens.registers.tab import RegisterTab

#: The tab's shorter titles of the sections whose titles do not fit its column in English
#: (the Chinese are the titles' own); the handover screen keeps the full titles.
SECTION_SHORT = {
    "work_orders": N_("Orders late or due next shift"),
    "renovation_inspections": N_("Reno inspections due or open"),
    "renovation_hours": N_("Renovating outside hours today"),
}


def section_title(name: str, title: str) -> str:
    """A section's title as the tab shows it (`title`: the translated full one)."""
    return _(SECTION_SHORT[name]) if name in SECTION_SHORT else title


@dataclass(frozen=True)
class HandoverLine:
    """A line of the tab: a handover waiting to be taken over, or a section of the draft
    (its items narrowed to the filter)."""

    kind: str  # "pending" | "section"
    key: str
    title: str
    count: int
    first: str
    handover_id: int | None = None


class HandoverTab(RegisterTab):
    """This shift's handover in brief; the full screen a key away."""

    NAME = "handover"
    TITLE = N_("Handover")
    ORDER = 90
    ACTION = "handover.read"
    NEW_ACTION = "handover.write"
    COLUMNS = ((N_("Section"), 24), (N_("Items"), 5), (N_("First item"), 30))
    FLEXIBLE = 2
    MIN_FLEX = 12
    NEW_LABEL = N_("Hand over")
    FILTER_HINT = N_("Filter: text in the items (a room, a name, a number) …")
    BINDINGS = [
        Binding("o", "open_handover", N_("Full handover"),
                tooltip=N_("The shift handover screen: notes, F10 hands over, the history")),
        Binding("a", "take_over", N_("Take over"), show=False,
                tooltip=N_("Read and acknowledge the previous shift's handover")),
    ]
    TYPED_KEYS = RegisterTab.TYPED_KEYS | {"open_handover", "take_over"}

    def __init__(self) -> None:
        super().__init__()
        self.pending: list[ho.HandoverRow] = []

    def row_key(self, row: Any) -> Any:
        return row.key

    def column_width(self, index: int) -> int:
        if index == 0:  # the longest section title in this language, 16 to 30 cells
            titles = [cell_len(section_title(s.name, _(s.title))) for s in ho.SECTIONS.values()]
            return max(16, min(30, max(titles, default=16)))
        return super().column_width(index)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "take_over" and not access.can("handover.write"):
            return False
        return super().check_action(action, parameters)

    def read_page(self, query: str, after: Any) -> tuple[list, Any, str]:
        me = self.app.staff.id
        pending = ho.pending_handovers(me)
        draft = ho.draft_handover(me) if access.can("handover.write", me) else None
        words = query.casefold()
        lines: list[HandoverLine] = []
        for row in pending:
            text = " ".join(p for p in (row.shift_label, f"{row.created_at:%m-%d %H:%M}",
                                        " ".join(row.notes.split())) if p)
            if words and words not in f"{row.staff_name} {text}".casefold():
                continue
            lines.append(HandoverLine("pending", f"pending-{row.id}",
                                      _("To take over: #{id} {name}").format(id=row.id, name=row.staff_name),
                                      row.item_count, text, row.id))
        status = _("No shift handover to draft for your role.")
        if draft is not None:
            for section in draft.sections:
                items = [i for i in section.items if not words or words in f"{i.text} {i.ref}".casefold()]
                if words and not items:
                    continue
                first = items[0].text if items else ""
                lines.append(HandoverLine("section", section.name, section_title(section.name, section.title),
                                          len(items), first))
            where = "、".join(draft.communities) or _("the whole company")
            status = _("{shift} · {where} · {count} items · drafted {at}").format(
                shift=draft.shift_label, where=where, count=draft.item_count, at=f"{draft.at:%H:%M}")
        self.pending = pending
        return lines, None, status

    def cells(self, row: Any) -> list[Text | str]:
        line: HandoverLine = row
        if line.kind == "pending":
            return [Text(line.title, style="bold yellow"), str(line.count), line.first]
        count = Text(str(line.count), style="bold" if line.count else "dim")
        first = Text(line.first) if line.first else Text(_("nothing"), style="dim")
        return [line.title, count, first]

    def palette_commands(self):
        yield (N_("Shift handover"), _("The whole handover: notes, F10, history (Registers, o)"),
               self.action_open_handover)

    # --- keys ------------------------------------------------------------------------------------

    def action_open_handover(self) -> None:
        from screens.handover import HandoverScreen

        self.app.push_screen(HandoverScreen())

    def new_record(self) -> None:
        self.action_open_handover()

    def action_take_over(self) -> None:
        from screens.handover import HandoverScreen

        if not self.pending:
            self.notify(_("No handover waits for you to take over."), markup=False)
            return
        row = self.selected  # the waiting handover under the cursor, else the newest
        target = row.handover_id if isinstance(row, HandoverLine) and row.handover_id is not None \
            else self.pending[0].id
        self.app.push_screen(HandoverScreen(take_over=target))

    def open_record(self, row: Any) -> None:
        from screens.handover import HandoverScreen

        line: HandoverLine = row
        if line.kind == "pending" and line.handover_id is not None and access.can("handover.write"):
            self.app.push_screen(HandoverScreen(take_over=line.handover_id))
        else:
            self.app.push_screen(HandoverScreen())


__all__ = ["HandoverLine", "HandoverTab"]
