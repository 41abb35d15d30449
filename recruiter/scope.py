"""Who may see and do what: the scope check every view goes through, and the
permission rules by name that views and templates share (registered as Jinja
globals, so a page shows exactly the buttons the server allows)."""
from flask import abort, current_app, request
from flask_login import current_user

from . import accounts, campaigns_data
from .db import get_db
from .units import (ASSOCIATION, CAMPAIGN_LEVELS, LEVELS, MUNICIPALITY, NATION, OUTSIDE_TREE,
                    PARTNER, PLAN_LEVELS, ROLE_LABELS, ROLES, TEN_BEST_LEVELS)

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
    if level == NATION:
        return {"level": NATION, "name": LEVELS[NATION].label, "association_id": None,
                "municipality_id": None, "district_id": None}
    if level not in _PATH_SQL:  # a unit outside the tree (a partner organisation)
        return None
    rows = list(db.query(_PATH_SQL[level], [unit_id]))
    if not rows:
        return None
    return {"level": level, "name": rows[0][f"{level}_name"], **rows[0]}


def parent(path):
    """(level, id, name) of the unit above the one at path; None above the nation."""
    level = LEVELS[path["level"]].parent
    if level is None:
        return None
    return level, path.get(f"{level}_id"), path.get(f"{level}_name") or LEVELS[level].label


def covers(role, role_unit_id, path):
    """True when a role held for role_unit_id reaches the unit at path."""
    level = ROLES[role].level
    return level == NATION or path.get(f"{level}_id") == role_unit_id


def scope_label(db, role, unit_id):
    """The "Du ser: …" text naming whose data a role looks at: the unit, and
    the unit above it unless that is the nation."""
    if ROLES[role].level in OUTSIDE_TREE:
        rows = list(db.table(OUTSIDE_TREE[ROLES[role].level]).rows_where("id = ?", [unit_id]))
        return rows[0]["name"] if rows else ""
    level = LEVELS[ROLES[role].level]
    if level.name == NATION:
        return str(level.label)
    path = unit_path(db, level.name, unit_id)
    if path is None:
        return ""
    if level.parent == NATION:
        return path["name"]
    return f"{path['name']}, {parent(path)[2]}"


def _ranks(at_least):
    return ROLES[current_user.role["role"]].rank >= ROLES[at_least].rank


def _reach(level, unit_id, at_least):
    """(the unit's path or None if it does not exist, whether the current role
    ranks at least `at_least` and its scope covers the unit)."""
    path = unit_path(get_db(), level, unit_id)
    if path is None:
        return None, False
    role = current_user.role
    return path, _ranks(at_least) and covers(role["role"], role["unit_id"], path)


def require_unit(level, unit_id, at_least):
    """Return the unit's path if the current role reaches it with enough rights.

    Aborts 404 for a unit that does not exist and 403 when it lies outside the
    current role's scope or the role ranks below `at_least`. Every view that
    takes a unit id from the URL or a form calls this before using it.
    """
    path, allowed = _reach(level, unit_id, at_least)
    if path is None:
        abort(404)
    if not allowed:
        current_app.logger.warning(
            "access refused: member=%s role=%s route=%s %s=%s",
            current_user.member_id, current_user.role["role"], request.endpoint, level, unit_id,
        )
        abort(403)
    return path


def require_overview(level, unit_id):
    """require_unit for the rule may_see_overview."""
    return require_unit(level, unit_id, LEVELS[level].overview_role)


def require_administer(level, unit_id):
    """require_unit for the rule may_administer."""
    return require_unit(level, unit_id, LEVELS[level].admin_role)


def require_rank(at_least):
    """Abort 403 unless the current role ranks at least `at_least`."""
    if not _ranks(at_least):
        abort(403)


def own_unit():
    """(level, unit id) of the unit the current role is held over."""
    return ROLES[current_user.role["role"]].level, current_user.role["unit_id"]


# The rules by name. Each is what the views check (through require_unit or
# directly) and what the templates ask before showing a link or a button.

def may_see_overview(level, unit_id):
    """The unit's numbers: its overview (the team view for an association)."""
    return level in LEVELS and _reach(level, unit_id, LEVELS[level].overview_role)[1]


def may_administer(level, unit_id):
    """Manage a unit: the accounts of an association, the units below anything higher."""
    return level in LEVELS and _reach(level, unit_id, LEVELS[level].admin_role)[1]


def may_add_units(level, unit_id):
    """The admin pages of the tree below a unit (an association has nothing below it)."""
    return level in LEVELS and LEVELS[level].child is not None and may_administer(level, unit_id)


def may_manage_members(association_id):
    """Invite to, and list and switch off the accounts of, an association."""
    return may_administer(ASSOCIATION, association_id)


def may_see_contacts(association_id):
    """Read how to reach the people who signed up for an association: only its chair."""
    return ROLES[current_user.role["role"]].reads_contacts and may_manage_members(association_id)


def may_use_office():
    """The national office's personal-data pages (register extracts, erasure, the log)."""
    return may_administer(NATION, None)


def may_manage(member_id):
    """Switch off, log out or approve an account: every role it holds ranks below the viewer's.

    The caller has checked that the account belongs to an association the viewer
    manages, so a chair cannot switch off the national administrator who
    happens to be a member there.
    """
    own = ROLES[current_user.role["role"]].rank
    return all(ROLES[r["role"]].rank < own for r in accounts.member_roles(get_db(), member_id))


def may_reset(member_id):
    """Create a password-reset link for an account the viewer manages (accounts.may_reset)."""
    return may_manage(member_id) and accounts.may_reset(
        get_db(), current_user.role["role"], member_id,
        current_app.config["SECOND_FACTOR_REQUIRED"])


def own_partner():
    """The id of the partner organisation the current role coordinates, or None."""
    role = current_user.role
    return role["unit_id"] if ROLES[role["role"]].level == PARTNER else None


def may_coordinate(partner_id):
    """A partner organisation's own page: its figures (counts only), its links and
    call lists. Its coordinators, and the national office on its behalf."""
    return may_use_office() or (partner_id is not None and own_partner() == partner_id)


def require_partner(partner_id):
    """The partner organisation if the current role may coordinate it; else 404/403."""
    rows = list(get_db().table(OUTSIDE_TREE[PARTNER]).rows_where("id = ?", [partner_id]))
    if not rows:
        abort(404)
    if not may_coordinate(partner_id):
        current_app.logger.warning(
            "access refused: member=%s role=%s route=%s partner=%s",
            current_user.member_id, current_user.role["role"], request.endpoint, partner_id)
        abort(403)
    return rows[0]


def may_plan_activities():
    """Plan recruiting activities: the administrators of an association (its
    chair) or of a municipality, for their own unit."""
    level, unit_id = own_unit()
    return level in (ASSOCIATION, MUNICIPALITY) and may_administer(level, unit_id)


def may_run_activity(activity):
    """See who signed up (full names), move, cancel, check in and read the
    results of an activity: whoever administers the unit it belongs to."""
    if activity["association_id"]:
        return may_administer(ASSOCIATION, activity["association_id"])
    return may_administer(MUNICIPALITY, activity["municipality_id"])


def may_see_activity(activity):
    """An activity's page: its audience, those signed up, and those who run it."""
    from . import activities_data

    db = get_db()
    if current_user.association_id:
        home = db.table("associations").get(current_user.association_id)
        if activities_data.is_visible(db, activity, home["id"], home["municipality_id"]):
            return True
    return (activities_data.is_signed_up(db, activity["id"], current_user.member_id)
            or may_run_activity(activity))


def may_see_interests(association_id):
    """What the association's members would like to do: its chair only, as its
    sign-ups' contact details."""
    return may_see_contacts(association_id)


def may_review_shifts(association_id):
    """Confirm an association's shifts that look implausible (shift_quality)."""
    return may_administer(ASSOCIATION, association_id)


def may_read_report(level, unit_id):
    """A two-month report (issue 15): the unit's own overview roles, and the national
    report for every administrator of a district or municipal organisation."""
    if level == NATION and ROLES[current_user.role["role"]].level != ASSOCIATION:
        return True
    return level != ASSOCIATION and may_see_overview(level, unit_id)


def may_write_report(level, unit_id):
    """Write a report's analysis and close its period: whoever administers the unit."""
    return level != ASSOCIATION and may_administer(level, unit_id)


# Campaigns (issue 13): administrators run them for their own unit; everyone
# whose unit lies inside a campaign's unit (an association only if it takes
# part) sees its page.

def may_run_campaigns(level, unit_id):
    """Create campaigns for a unit: its administrators and those above."""
    return level in CAMPAIGN_LEVELS and may_administer(level, unit_id)


def may_see_campaign(campaign):
    """A campaign's page: those who run it, and the units taking part."""
    if may_run_campaigns(campaign["level"], campaign["unit_id"]):
        return True
    level, unit_id = own_unit()
    path = unit_path(get_db(), level, unit_id)
    if path is None or not campaigns_data.contains(campaign, path):
        return False
    return level != ASSOCIATION or campaigns_data.takes_part(get_db(), campaign, unit_id)


# Action plans (issue 13): a municipal organisation's or district's own
# administrators (and those above) write it; the level above sees all below.

def may_write_plan(level, unit_id):
    """Write a unit's yearly action plan."""
    return level in PLAN_LEVELS and may_administer(level, unit_id)


def may_see_plans_below(level, unit_id):
    """The plans of the units one level down, and which have none."""
    return level in LEVELS and LEVELS[level].child in PLAN_LEVELS and may_see_overview(level, unit_id)


def may_see_ten_best(level, unit_id):
    """The municipal organisations below a unit ranked by development (best.py)."""
    return level in TEN_BEST_LEVELS and may_see_overview(level, unit_id)


# Every permission rule, for the templates too.
RULES = (may_see_overview, may_administer, may_add_units, may_manage_members, may_see_contacts,
         may_use_office, may_manage, may_reset, may_coordinate, may_plan_activities,
         may_run_activity, may_see_activity, may_see_interests, may_review_shifts, may_read_report,
         may_write_report, may_run_campaigns, may_see_campaign, may_write_plan, may_see_plans_below,
         may_see_ten_best)


def viewer():
    """What every page says about the viewer: whose data it shows ("Du ser: …", one query per
    page) and the roles' names."""
    context = {"role_names": ROLE_LABELS}
    if current_user.is_authenticated:
        role = current_user.role
        context.update(viewing=scope_label(get_db(), role["role"], role["unit_id"]))
    return context


def init_app(app):
    """Make the rules, the levels, the roles and the viewer available to every template."""
    app.context_processor(viewer)
    for rule in RULES:
        app.add_template_global(rule)
    app.add_template_global(own_unit)
    app.add_template_global(own_partner)
    app.add_template_global(parent, "parent_unit")
    app.add_template_global(LEVELS, "levels")
