"""Action plans (handlingsplaner för medlemsutveckling): one per municipal
organisation or district and year, a few lines of text and goals (the goal
model campaigns use, for the unit and the whole year)."""
from . import organisation
from .campaigns_data import add_goal, goal_value, progress
from .db import now
from .units import LEVELS, NATION

PLAN_SQL = "select * from plans where level = ? and unit_id = ? and year = ?"


def get_plan(db, level, unit_id, year):
    """The unit's plan for the year, or None."""
    rows = list(db.query(PLAN_SQL, [level, unit_id, year]))
    return rows[0] if rows else None


def plan_goals(db, plan_id):
    return list(db.table("goals").rows_where("plan_id = ?", [plan_id], order_by="id"))


def save_plan(db, level, unit_id, year, body, goals, member_id):
    """Write the plan's text and replace its goals, in one transaction; returns its id."""
    stamp = now()
    with db.atomic():
        plan = get_plan(db, level, unit_id, year)
        if plan is None:
            plan_id = db.table("plans").insert({
                "level": level, "unit_id": unit_id, "year": year, "body": body,
                "created_by": member_id, "created_at": stamp, "updated_at": stamp}).last_pk
        else:
            plan_id = plan["id"]
            db.table("plans").update(plan_id, {"body": body, "updated_at": stamp})
            db.execute("delete from goals where plan_id = ?", [plan_id])
        for measure, target in goals:
            add_goal(db, measure, target, level, unit_id, f"{year}-01-01", f"{year}-12-31",
                     plan_id=plan_id)
    return plan_id


def goal_progress(db, plan_id):
    """The plan's goals, each with what it has reached so far and its progress."""
    rows = []
    for goal in plan_goals(db, plan_id):
        value = goal_value(db, goal)
        rows.append({**goal, "value": value, "progress": progress(value, goal["target"])})
    return rows


CHILDREN = {NATION: organisation.districts, "district": organisation.municipalities}


def plans_below(db, level, unit_id, year):
    """Every unit one level down with its plan for the year (None: no plan yet) and
    its goals' progress; units without a plan first."""
    rows = []
    for child in CHILDREN[level](db, unit_id):
        plan = get_plan(db, LEVELS[level].child, child["id"], year)
        rows.append({"id": child["id"], "name": child["name"], "plan": plan,
                     "goals": goal_progress(db, plan["id"]) if plan else []})
    return sorted(rows, key=lambda r: (r["plan"] is not None, r["name"]))
