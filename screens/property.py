"""物业结构: the administrator's screen for communities, their buildings and rooms (issue 14):
add and edit communities, and edit a room's areas, type, state, delivery and contacts; the
community's parking spaces (车位) instead of the rooms (v), added (n) and edited (e/enter)."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Label

from data import property as prop
from data.i18n import N_, _
from data.vocab import PARKING_KINDS, ROOM_STATES, ROOM_TYPES, label
from widgets.app_header import AppHeader
from widgets.desk import DeskScreen
from widgets.form import FormField, FormModal
from widgets.tables import fill_table

#: Roles that may open this screen (data.access "property.manage").
PROPERTY_ROLES = ("admin",)


def _area(value) -> str:
    return f"{value:.2f}" if value is not None else "-"


def community_form(view: prop.CommunityView | None) -> FormModal:
    """Add (view None) or edit a community; dismisses with its id."""
    fields = [
        FormField("name", _("Name"), view.name if view else "", placeholder="锦绣花园"),
        FormField("code", _("Code"), view.code if view else "",
                  help=_("empty: the name's pinyin initials (锦绣花园 → JXHY)")),
        FormField("address", _("Address"), view.address if view else ""),
        FormField("phone", _("Phone"), view.phone if view else "", placeholder="021-55551234"),
        FormField("developer", _("Developer"), view.developer if view else "",
                  help=_("建设单位: holds the unsold or undelivered rooms")),
    ]

    def save(values: dict[str, str]) -> int:
        data = prop.CommunityInput(values["name"], values["code"], values["address"], values["phone"],
                                   values["developer"])
        if view is None:
            return prop.add_community(data)
        prop.update_community(view.id, data)
        return view.id

    title = _("Edit community {name}").format(name=view.name) if view else _("Add a community")
    return FormModal(title, fields, save)


def room_form(view: prop.RoomView) -> FormModal:
    """Edit a room's facts and contact people; dismisses with the saved RoomView."""
    fields = [
        FormField("area", _("Floor area m²"), _area(view.area_m2).replace("-", ""), placeholder="89.50"),
        FormField("inner_area", _("Inner area m²"), _area(view.inner_area_m2).replace("-", "")),
        FormField("room_type", _("Type"), view.room_type, kind="select",
                  options=[(label(ROOM_TYPES, c), c) for c in ROOM_TYPES]),
        FormField("state", _("State"), view.state, kind="select",
                  options=[(label(ROOM_STATES, c), c) for c in ROOM_STATES]),
        FormField("delivery_date", _("Delivered"), view.delivery_date.isoformat() if view.delivery_date else "",
                  placeholder="2019-06-30"),
        FormField("developer_held", _("Developer holds it"), "yes" if view.developer_held else "no",
                  kind="select", options=[(_("no"), "no"), (_("yes"), "yes")]),
        FormField("contact", _("Contact person"), prop.shown_person(view.contact),
                  help=_("a phone number or #id; empty: none")),
        FormField("emergency", _("Emergency"), prop.shown_person(view.emergency)),
    ]

    def save(values: dict[str, str]) -> prop.RoomView:
        return prop.update_room(view.id, prop.RoomInput(
            area=values["area"], inner_area=values["inner_area"], room_type=values["room_type"],
            state=values["state"], delivery_date=values["delivery_date"],
            developer_held=values["developer_held"] == "yes",
            contact=values["contact"], emergency=values["emergency"]))

    return FormModal(_("Room {code}").format(code=view.code), fields, save)


def parking_form(community_id: int, view: prop.ParkingSpaceView | None) -> FormModal:
    """Add (view None) or edit a parking space of a community; dismisses with its id."""
    fields = [
        FormField("code", _("Code"), view.code if view else "", placeholder="B2-034"),
        FormField("kind", _("Kind"), view.kind if view else "rented", kind="select",
                  options=[(label(PARKING_KINDS, c), c) for c in PARKING_KINDS]),
        FormField("area", _("Area m²"), _area(view.area_m2).replace("-", "") if view else "",
                  help=_("only a titled (产权) space has an area of its own")),
        FormField("holder", _("Holder"), prop.shown_person(view.holder) if view else "",
                  help=_("owner or tenant: a name, a phone number or #id; empty: none")),
        FormField("plate", _("Plate"), view.plate if view else "", placeholder="沪A·12345"),
        FormField("note", _("Note"), view.note if view else ""),
    ]

    def save(values: dict[str, str]) -> int:
        data = prop.ParkingSpaceInput(values["code"], values["kind"] or "rented", values["area"],
                                      values["holder"], values["plate"], values["note"])
        if view is None:
            return prop.add_parking_space(community_id, data)
        return prop.update_parking_space(view.id, data).id

    title = _("Parking space {code}").format(code=view.code) if view else _("Add a parking space")
    return FormModal(title, fields, save)


class PropertyScreen(DeskScreen):
    """Communities (top), the chosen community's buildings, the chosen building's rooms
    (enter chooses). a adds a community; e edits the community under the cursor, or the
    room when the room list has the focus. v shows the community's parking spaces instead
    of the rooms; n adds one, e or enter edits the one under the cursor."""

    CSS_PATH = Path(__file__).parent / "property.tcss"
    BINDINGS = [
        Binding("a", "add_community", N_("Add community")),
        Binding("e", "edit", N_("Edit")),
        Binding("v", "toggle_parking", N_("Parking/rooms")),
        Binding("n", "add_parking", N_("Add parking space")),
        Binding("escape", "app.back", N_("Back")),
    ]

    class Loaded(Message):
        def __init__(self, communities, buildings, rooms, spaces=()) -> None:
            super().__init__()
            self.communities, self.buildings, self.rooms = communities, buildings, rooms
            self.spaces = list(spaces)

    def __init__(self) -> None:
        super().__init__()
        self.communities: list[prop.CommunityRow] = []
        self.building_rows: list[prop.BuildingRow] = []
        self.room_rows: list[prop.RoomRow] = []
        self.parking_rows: list[prop.ParkingSpaceView] = []
        self.show_parking = False
        self.community_id: int | None = None
        self.building_id: int | None = None

    @property
    def screen_title(self) -> str:
        return _("Property structure")

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Label(_("Communities"), classes="property-title")
        yield DataTable(id="property-communities", cursor_type="row")
        yield Label(_("Buildings"), classes="property-title")
        yield DataTable(id="property-buildings", cursor_type="row")
        yield Label(_("Rooms"), classes="property-title", id="property-lower-title")
        yield DataTable(id="property-rooms", cursor_type="row", zebra_stripes=True)
        yield DataTable(id="property-parking", cursor_type="row", zebra_stripes=True)
        yield self.footer()

    def on_mount(self) -> None:
        self.query_one("#property-communities").focus()
        self.query_one("#property-parking").display = False
        self.load()

    def refresh_data(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="property", exit_on_error=False)
    def load(self) -> None:
        communities = prop.list_communities()
        ids = [c.id for c in communities]
        community_id = self.community_id if self.community_id in ids else (ids[0] if ids else None)
        buildings = prop.buildings(community_id) if community_id else []
        bids = [b.id for b in buildings]
        building_id = self.building_id if self.building_id in bids else (bids[0] if bids else None)
        rooms = prop.rooms(building_id) if building_id else []
        spaces = prop.parking_spaces(community_id) if community_id and self.show_parking else []
        self.community_id, self.building_id = community_id, building_id
        self.post_message(self.Loaded(communities, buildings, rooms, spaces))

    def on_property_screen_loaded(self, message: Loaded) -> None:
        self.communities, self.building_rows, self.room_rows = (
            message.communities, message.buildings, message.rooms)
        self.parking_rows = message.spaces
        fill_table(self.query_one("#property-parking", DataTable),
                   (_("Parking space"), _("Kind"), _("Area m²"), _("Holder"), _("Plate")),
                   [(Text(p.code), Text(label(PARKING_KINDS, p.kind)), Text(_area(p.area_m2)),
                     Text(p.holder.name if p.holder else "-"), Text(p.plate or "-"))
                    for p in self.parking_rows])
        fill_table(self.query_one("#property-communities", DataTable),
                   (_("Name"), _("Code"), _("Buildings"), _("Rooms"), _("Phone")),
                   [(Text(c.name), Text(c.code), Text(str(c.buildings)), Text(str(c.rooms)), Text(c.phone))
                    for c in self.communities])
        fill_table(self.query_one("#property-buildings", DataTable),
                   (_("Building"), _("Kind"), _("Rooms")),
                   [(Text(b.shown), Text(label(ROOM_TYPES, b.kind)), Text(str(b.rooms)))
                    for b in self.building_rows])
        fill_table(self.query_one("#property-rooms", DataTable),
                   (_("Room"), _("Area m²"), _("Inner m²"), _("Type"), _("State")),
                   [(Text(r.code), Text(_area(r.area_m2)), Text(_area(r.inner_area_m2)),
                     Text(label(ROOM_TYPES, r.room_type)), Text(label(ROOM_STATES, r.state)))
                    for r in self.room_rows])
        self._move_to("#property-communities", [c.id for c in self.communities], self.community_id)
        self._move_to("#property-buildings", [b.id for b in self.building_rows], self.building_id)

    def _move_to(self, selector: str, ids: list[int], wanted: int | None) -> None:
        if wanted in ids:
            self.query_one(selector, DataTable).move_cursor(row=ids.index(wanted))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a community shows its buildings, on a building its rooms; on a room it
        edits the room."""
        event.stop()
        table_id, row = event.data_table.id, event.cursor_row
        if table_id == "property-communities" and row < len(self.communities):
            self.community_id, self.building_id = self.communities[row].id, None
            self.load()
        elif table_id == "property-buildings" and row < len(self.building_rows):
            self.building_id = self.building_rows[row].id
            self.load()
        elif table_id in ("property-rooms", "property-parking"):
            self.action_edit()

    def action_toggle_parking(self) -> None:
        """The lower list: the chosen building's rooms, or the community's parking spaces."""
        self.show_parking = not self.show_parking
        rooms, parking = self.query_one("#property-rooms"), self.query_one("#property-parking")
        rooms.display, parking.display = not self.show_parking, self.show_parking
        title = self.query_one("#property-lower-title", Label)
        title.update(_("Parking spaces") if self.show_parking else _("Rooms"))
        (parking if self.show_parking else rooms).focus()
        self.load()

    def action_add_parking(self) -> None:
        if self.community_id is None:
            self.notify(_("Add a community first (a)."), severity="warning", markup=False)
            return
        if not self.show_parking:
            self.action_toggle_parking()
        self.app.push_screen(parking_form(self.community_id, None), self._saved_parking)

    def _saved_parking(self, space_id: int | None) -> None:
        if space_id:
            self.notify(_("Parking space saved."), markup=False)
            self.load()

    def action_add_community(self) -> None:
        self.app.push_screen(community_form(None), self._saved_community)

    def _saved_community(self, community_id: int | None) -> None:
        if community_id:
            self.community_id, self.building_id = community_id, None
            self.notify(_("Community saved."), markup=False)
            self.load()

    def action_edit(self) -> None:
        focused = self.focused
        if isinstance(focused, DataTable) and focused.id == "property-parking":
            row = focused.cursor_row
            if 0 <= row < len(self.parking_rows) and self.community_id is not None:
                self.app.push_screen(parking_form(self.community_id, self.parking_rows[row]),
                                     self._saved_parking)
            return
        if isinstance(focused, DataTable) and focused.id == "property-rooms":
            row = focused.cursor_row
            if 0 <= row < len(self.room_rows):
                self.app.push_screen(room_form(prop.room_view(self.room_rows[row].id)), self._saved_room)
            return
        table = self.query_one("#property-communities", DataTable)
        row = table.cursor_row
        if 0 <= row < len(self.communities):
            self.app.push_screen(community_form(prop.community_view(self.communities[row].id)),
                                 self._saved_community)

    def _saved_room(self, view: prop.RoomView | None) -> None:
        if view is not None:
            self.notify(_("Room {code} saved.").format(code=view.code), markup=False)
            self.load()

    def action_cursor_down(self) -> None:
        if isinstance(self.focused, DataTable):
            self.focused.action_cursor_down()

    def action_cursor_up(self) -> None:
        if isinstance(self.focused, DataTable):
            self.focused.action_cursor_up()
