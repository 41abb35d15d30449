"""The organisation's levels and the roles held over them: the one table every module reads.

Adding a level or a role is a change here plus a migration (a table for the
level's units; the roles table's allowed values). The nation is the one unit
without a row: inside the app its id is None, as in `roles.unit_id`; only its
URLs carry 0, converted in `nation_from_url` and `nation_to_url`.

Partner organisations (sidoorganisationer) have a table and a code but are
not a level: no parent, no child, no overview, and no sign-up belongs to one
(a sign-up is credited to one, beside its recruiter: signups.partner_id).
They are listed in OUTSIDE_TREE. One role is held over a partner
organisation, its coordinator's: it reaches no unit of the tree (scope.covers
finds no partner id on a tree unit's path) and sees counts only, so it needs
no second factor (sees_personal_data False).
"""
from dataclasses import dataclass

from flask import abort
from flask_babel import lazy_gettext as _l

NATION, DISTRICT, MUNICIPALITY, ASSOCIATION = "nation", "district", "municipality", "association"
PARTNER = "partner"
NATION_URL_ID = 0


@dataclass(frozen=True)
class Level:
    """One level of the tree, from the nation down to the association."""

    name: str
    label: object  # a heading for units of this level ("Partidistrikt"); the nation's name
    add_label: object  # the button that adds one below its parent
    table: str | None  # None for the nation, which has no row
    parent: str | None
    parent_column: str | None  # the column of `table` that holds the parent's id
    child: str | None
    admin_role: str  # the least role that administers a unit of this level
    overview_role: str  # the least role that may see a unit's overview
    signup_filter: str  # SQL: the sign-ups `s` that belong to the unit `:unit`


@dataclass(frozen=True)
class Role:
    """A role a member holds over one unit."""

    name: str
    level: str  # the level of the unit the role is held over
    rank: int  # a role may do what every role of lower rank may
    label: object
    sees_personal_data: bool  # other people's, so the second factor is required
    reads_contacts: bool  # the contact details of its association's sign-ups


_LEVELS = (
    Level(NATION, _l("Hela partiet"), None, None, None, None, DISTRICT,
          "national_admin", "national_admin", ":unit is null or 1"),
    Level(DISTRICT, _l("Partidistrikt"), _l("Lägg till partidistrikt"), "districts", NATION,
          None, MUNICIPALITY, "district_admin", "district_admin",
          "s.municipality_id in (select id from municipalities where district_id = :unit)"),
    Level(MUNICIPALITY, _l("Arbetarekommuner"), _l("Lägg till arbetarekommun"),
          "municipalities", DISTRICT, "district_id", ASSOCIATION, "municipal_admin",
          "municipal_admin", "s.municipality_id = :unit"),
    Level(ASSOCIATION, _l("Föreningar"), _l("Lägg till förening"), "associations",
          MUNICIPALITY, "municipality_id", None, "chair", "chair",
          "s.association_id = :unit"),
)
_ROLES = (
    Role("member", ASSOCIATION, 0, _l("Medlem"), False, False),
    Role("chair", ASSOCIATION, 1, _l("Ordförande"), True, True),
    Role("municipal_admin", MUNICIPALITY, 2, _l("Administratör, arbetarekommun"), True, False),
    Role("district_admin", DISTRICT, 3, _l("Administratör, partidistrikt"), True, False),
    Role("national_admin", NATION, 4, _l("Administratör, partistyrelsens kansli"), True, False),
    Role("partner_coordinator", PARTNER, 0, _l("Samordnare, samarbetsorganisation"), False,
         False),
)

LEVELS = {level.name: level for level in _LEVELS}  # top down
ROLES = {role.name: role for role in _ROLES}  # lowest rank first
OUTSIDE_TREE = {PARTNER: "partner_organisations"}  # unit kind -> table
# unit kind -> its table: what the organisation CSV and the admin pages add to
UNIT_TABLES = {**{lv.name: lv.table for lv in _LEVELS if lv.table}, **OUTSIDE_TREE}
ROLE_LABELS = {role.name: role.label for role in _ROLES}
PARTNER_ROLES = tuple(role.name for role in _ROLES if role.level == PARTNER)
PARENT_LEVELS = tuple(lv.name for lv in _LEVELS if lv.child)  # levels with units below them


def url_levels(levels):
    """The route pattern that accepts these level names, e.g. any(nation,district)."""
    return f"any({','.join(levels)})"


def nation_from_url(endpoint, values):
    """A blueprint's url_value_preprocessor: the nation's URL id 0 becomes None."""
    if values and values.get("level") == NATION:
        if values.get("unit_id") != NATION_URL_ID:
            abort(404)
        values["unit_id"] = None


def nation_to_url(endpoint, values):
    """A blueprint's url_defaults: the nation (id None) is written as 0 in URLs."""
    if values.get("level") == NATION and values.get("unit_id") is None:
        values["unit_id"] = NATION_URL_ID
# Levels whose administrators run campaigns for everything below (issue 13),
# and those that write a yearly action plan (handlingsplan).
CAMPAIGN_LEVELS = PARENT_LEVELS
PLAN_LEVELS = (DISTRICT, MUNICIPALITY)
# Levels that see the ten best municipal organisations below them.
TEN_BEST_LEVELS = (NATION, DISTRICT)
