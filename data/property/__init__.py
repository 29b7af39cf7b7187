"""The property structure (SPEC §6, issue 14): communities, buildings, entrances and rooms
with their areas, types and states, parking spaces, and whom to call first about a room.

Communities and the building/room structure are an administrator's (`property.manage`);
parking spaces and contact people are front-desk work. Every write is one function
owning its transaction; screens and the CLI get plain dataclasses back. The values and
parsers are in `values`, the writes and reads in `communities`, `rooms`, `parking` and
`contacts`.
"""

from data.property.communities import (
    add_community,
    buildings,
    community_view,
    ensure_building,
    ensure_entrance,
    find_community,
    list_communities,
    update_community,
)
from data.property.contacts import (
    call_numbers,
    first_phones,
    room_contacts,
)
from data.property.parking import (
    add_parking_space,
    find_parking_space,
    parking_of_people,
    parking_spaces,
    set_parking_holder,
    update_parking_space,
)
from data.property.rooms import (
    find_room,
    person_contacts,
    room_view,
    rooms,
    save_room,
    set_person_contacts,
    set_room_contacts,
    update_room,
)
from data.property.values import (
    MAX_AREA,
    PARKING_PAGE,
    ROOM_PAGE,
    BuildingRow,
    CommunityInput,
    CommunityRow,
    CommunityView,
    ContactRow,
    ParkingSpaceInput,
    ParkingSpaceView,
    PersonRef,
    RoomInput,
    RoomRow,
    RoomView,
    parse_area,
    parse_parking_code,
    parse_parking_kind,
    parse_room_state,
    parse_room_type,
    person_ref,
    shown_person,
)

__all__ = [
    "BuildingRow",
    "CommunityInput",
    "CommunityRow",
    "CommunityView",
    "ContactRow",
    "MAX_AREA",
    "PARKING_PAGE",
    "ParkingSpaceInput",
    "ParkingSpaceView",
    "PersonRef",
    "ROOM_PAGE",
    "RoomInput",
    "RoomRow",
    "RoomView",
    "add_community",
    "add_parking_space",
    "buildings",
    "call_numbers",
    "community_view",
    "ensure_building",
    "ensure_entrance",
    "find_community",
    "find_parking_space",
    "find_room",
    "first_phones",
    "list_communities",
    "parking_of_people",
    "parking_spaces",
    "parse_area",
    "parse_parking_code",
    "parse_parking_kind",
    "parse_room_state",
    "parse_room_type",
    "person_contacts",
    "person_ref",
    "room_contacts",
    "room_view",
    "rooms",
    "save_room",
    "set_parking_holder",
    "set_person_contacts",
    "set_room_contacts",
    "shown_person",
    "update_community",
    "update_parking_space",
    "update_room",
]
