"""Who may see which unit: the one scope check every view goes through."""
from flask import abort, current_app, request
from flask_babel import gettext as _
from flask_login import current_user

from .db import get_db

# The organisational level each role works at, and how much each role may do.
ROLE_LEVEL = {
    "member": "association",
    "chair": "association",
    "municipal_admin": "municipality",
    "district_admin": "district",
    "national_admin": "nation",
}
ROLE_RANK = {role: rank for rank, role in enumerate(ROLE_LEVEL)}

_PATH_SQL = {
    "association": """
        select a.id as association_id, a.name as association_name,
               m.id as municipality_id, m.name as municipality_name,
               d.id as district_id, d.name as district_name
        from associations a join municipalities m on m.id = a.municipality_id
        join districts d on d.id = m.district_id where a.id = ?""",
    "municipality": """
        select null as association_id, m.id as municipality_id,
               m.name as municipality_name, d.id as district_id,
               d.name as district_name
        from municipalities m join districts d on d.id = m.district_id
        where m.id = ?""",
    "district": """
        select null as association_id, null as municipality_id,
               d.id as district_id, d.name as district_name
        from districts d where d.id = ?""",
}


def unit_path(db, level, unit_id):
    """The unit and its ancestors' ids and names, or None if it does not exist."""
    if level == "nation":
        return {"level": "nation", "association_id": None,
                "municipality_id": None, "district_id": None}
    rows = list(db.query(_PATH_SQL[level], [unit_id]))
    if not rows:
        return None
    return {"level": level, **rows[0]}


def covers(role, role_unit_id, path):
    """True when a role held for role_unit_id reaches the unit at path."""
    level = ROLE_LEVEL[role]
    if level == "nation":
        return True
    return path.get(f"{level}_id") == role_unit_id


def scope_label(db, role, unit_id):
    """The "Du ser: …" text naming whose data a role looks at."""
    level = ROLE_LEVEL[role]
    path = unit_path(db, level, unit_id)
    if level == "nation":
        return _("Hela partiet")
    if path is None:
        return ""
    if level == "association":
        return f"{path['association_name']}, {path['municipality_name']}"
    if level == "municipality":
        return f"{path['municipality_name']}, {path['district_name']}"
    return path["district_name"]


def require_unit(level, unit_id, at_least):
    """Return the unit's path if the current role reaches it with enough rights.

    Aborts 404 for a unit that does not exist and 403 when it lies outside the
    current role's scope or the role ranks below `at_least`. Every view that
    takes a unit id from the URL or a form calls this before using it.
    """
    path = unit_path(get_db(), level, unit_id)
    if path is None:
        abort(404)
    role = current_user.role
    if ROLE_RANK[role["role"]] < ROLE_RANK[at_least] or not covers(
        role["role"], role["unit_id"], path
    ):
        current_app.logger.warning(
            "access refused: member=%s role=%s route=%s %s=%s",
            current_user.member_id, role["role"], request.endpoint, level, unit_id,
        )
        abort(403)
    return path


def require_rank(at_least):
    """Abort 403 unless the current role ranks at least `at_least`."""
    if ROLE_RANK[current_user.role["role"]] < ROLE_RANK[at_least]:
        abort(403)
