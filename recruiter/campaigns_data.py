"""Campaigns and their goals in the database: who runs one, who takes part,
and what a goal has reached (the measures are rollups.MEASURES)."""
import json

from flask import abort

from . import rollups, scoring
from .db import now
from .periods import campaign_period
from .units import LEVELS, NATION

# A campaign covers the associations below its unit; with rows in
# campaign_associations only those take part.
COVERS_ASSOCIATION = """
(c.level = 'nation'
 or (c.level = 'district' and c.unit_id = (select district_id from municipalities
                                          where id = a.municipality_id))
 or (c.level = 'municipality' and c.unit_id = a.municipality_id))
and (not exists (select 1 from campaign_associations ca where ca.campaign_id = c.id)
     or exists (select 1 from campaign_associations ca
                where ca.campaign_id = c.id and ca.association_id = a.id))"""
RUNNING_FOR_ASSOCIATION_SQL = f"""
select c.* from campaigns c, associations a
where a.id = :association and c.starts_on <= :day and c.ends_on >= :day and {COVERS_ASSOCIATION}
order by c.ends_on, c.id"""
TAKES_PART_SQL = f"""select 1 from campaigns c, associations a
where c.id = :campaign and a.id = :association and {COVERS_ASSOCIATION}"""
ASSOCIATIONS_BELOW_SQL = {
    NATION: "select id from associations where :unit is null or 1 order by id",
    "district": """select a.id from associations a join municipalities m on m.id = a.municipality_id
                   where m.district_id = :unit order by a.id""",
    "municipality": "select id from associations where municipality_id = :unit order by id",
}
UNIT_CAMPAIGNS_SQL = """select * from campaigns where level = :level and unit_id is :unit
                        order by ends_on < date('now'), starts_on desc, id desc"""


def get_campaign(db, campaign_id):
    """The campaign, or 404."""
    rows = list(db.table("campaigns").rows_where("id = ?", [campaign_id]))
    if not rows:
        abort(404)
    return rows[0]


def contains(campaign, path):
    """True when the unit at `path` (scope.unit_path) lies inside the campaign's unit."""
    return campaign["level"] == NATION or path.get(f"{campaign['level']}_id") == campaign["unit_id"]


def chosen_associations(db, campaign_id):
    """The ids of the associations picked to take part, [] when all below do."""
    return [r["association_id"] for r in db.query(
        "select association_id from campaign_associations where campaign_id = ? "
        "order by association_id", [campaign_id])]


def associations_below(db, level, unit_id):
    """The ids of every association below a unit."""
    return [r["id"] for r in db.query(ASSOCIATIONS_BELOW_SQL[level], {"unit": unit_id})]


def participants(db, campaign):
    """The ids of the associations taking part in the campaign."""
    return chosen_associations(db, campaign["id"]) or associations_below(
        db, campaign["level"], campaign["unit_id"])


def takes_part(db, campaign, association_id):
    """True when the association takes part in the campaign."""
    rows = db.query(TAKES_PART_SQL, {"campaign": campaign["id"], "association": association_id})
    return bool(list(rows))


ENDED_FOR_ASSOCIATION_SQL = f"""
select c.* from campaigns c, associations a
where a.id = :association and c.ends_on < :day and {COVERS_ASSOCIATION}
order by c.ends_on desc, c.id desc limit :limit"""


def ended_for_association(db, association_id, day, limit=10):
    """The latest campaigns the association took part in that have ended: still readable."""
    return list(db.query(ENDED_FOR_ASSOCIATION_SQL, {"association": association_id,
                                                     "day": day.isoformat(), "limit": limit}))


def running_for_association(db, association_id, day):
    """The campaigns running on `day` that the association takes part in."""
    return list(db.query(RUNNING_FOR_ASSOCIATION_SQL,
                         {"association": association_id, "day": day.isoformat()}))


def unit_campaigns(db, level, unit_id):
    """The campaigns a unit runs, running and coming ones first."""
    return list(db.query(UNIT_CAMPAIGNS_SQL, {"level": level, "unit": unit_id}))


CAMPAIGNS_BELOW_SQL = {
    NATION: """select * from campaigns where level != 'nation'
               order by ends_on desc, id desc limit :limit""",
    "district": """select * from campaigns where level = 'municipality' and unit_id in
                   (select id from municipalities where district_id = :unit)
                   order by ends_on desc, id desc limit :limit""",
}


def campaigns_below(db, level, unit_id, limit=50):
    """The latest campaigns of the units below a nation or district."""
    if level not in CAMPAIGNS_BELOW_SQL:
        return []
    return list(db.query(CAMPAIGNS_BELOW_SQL[level], {"unit": unit_id, "limit": limit}))


def enclosing_campaigns(db, path, day):
    """Campaigns of the units above `path` not yet ended: what a new one may run inside."""
    found = []
    for level in LEVELS:  # top down, stopping at the unit's own level
        if level == path["level"]:
            break
        unit_id = None if level == NATION else path.get(f"{level}_id")
        found += [c for c in unit_campaigns(db, level, unit_id) if c["ends_on"] >= day.isoformat()]
    return found


def add_campaign(db, fields, goals, association_ids):
    """Store a campaign with its goals and chosen associations; returns its id.

    fields: name, level, unit_id, starts_on, ends_on, description,
    parent_campaign_id, created_by. goals: [(measure, target)].
    """
    with db.atomic():
        campaign_id = db.table("campaigns").insert({**fields, "created_at": now()}).last_pk
        db.table("campaign_associations").insert_all(
            [{"campaign_id": campaign_id, "association_id": a} for a in association_ids])
        for measure, target in goals:
            add_goal(db, measure, target, fields["level"], fields["unit_id"],
                     fields["starts_on"], fields["ends_on"], campaign_id=campaign_id)
    return campaign_id


def update_campaign(db, campaign, fields, goals, association_ids):
    """Change a running or coming campaign: its text, period, parent, taking-part
    associations and goals (replaced, with the new period)."""
    with db.atomic():
        db.table("campaigns").update(campaign["id"], fields)
        db.execute("delete from campaign_associations where campaign_id = ?", [campaign["id"]])
        db.table("campaign_associations").insert_all(
            [{"campaign_id": campaign["id"], "association_id": a} for a in association_ids])
        db.execute("delete from goals where campaign_id = ?", [campaign["id"]])
        for measure, target in goals:
            add_goal(db, measure, target, campaign["level"], campaign["unit_id"],
                     fields["starts_on"], fields["ends_on"], campaign_id=campaign["id"])


def add_goal(db, measure, target, level, unit_id, starts_on, ends_on, campaign_id=None,
             plan_id=None):
    """One goal: a measure with a target, for a unit and a period (days, both included)."""
    if measure not in rollups.MEASURES:
        raise ValueError(measure)
    return db.table("goals").insert({
        "measure": measure, "target": target, "level": level, "unit_id": unit_id,
        "starts_on": starts_on, "ends_on": ends_on, "campaign_id": campaign_id,
        "plan_id": plan_id, "created_at": now()}).last_pk


def campaign_goals(db, campaign_id):
    """A campaign's goals, in the order they were set."""
    return list(db.table("goals").rows_where("campaign_id = ?", [campaign_id], order_by="id"))


def goal_value(db, goal, until=None, associations=None, campaign_id=None):
    """What the goal's measure has reached in its period (or up to `until`, UTC ISO)."""
    period = campaign_period({"id": 0, "name": "", "starts_on": goal["starts_on"],
                              "ends_on": goal["ends_on"]})
    end = min(until, period.until) if until else period.until
    return rollups.measure(db, goal["measure"], goal["level"], goal["unit_id"], period.since,
                           end, associations, campaign_id)


def campaign_value(db, campaign, goal, until=None):
    """goal_value for a campaign's goal: its taking-part associations, its tied shifts."""
    chosen = chosen_associations(db, campaign["id"])
    return goal_value(db, goal, until, chosen or None, campaign["id"])


def campaign_series(db, campaign, goal, ends):
    """A campaign goal's values from its start to each of `ends` (UTC ISO, ascending,
    none after the goal's period), in one query."""
    period = campaign_period({"id": 0, "name": "", "starts_on": goal["starts_on"],
                              "ends_on": goal["ends_on"]})
    chosen = chosen_associations(db, campaign["id"])
    return rollups.measure_series(db, goal["measure"], goal["level"], goal["unit_id"],
                                  period.since, ends, chosen or None, campaign["id"])


def progress(value, target):
    """How far a value has come toward a target, 0..1 (None when nothing is counted)."""
    if value is None or not target:
        return None
    return min(value / target, 1.0)


def to_json(value):
    """Stable JSON text for a snapshot."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


RECRUITED_BY_SQL = f"""select count(*) from signups s where s.recruiter_id = ? and s.{scoring.RECRUITED}
  and s.created_at >= ? and s.created_at < ? and s.duplicate_of is null"""


def recruited_by(db, member_id, since, until):
    """The sign-ups a member recruited in a period."""
    return db.execute(RECRUITED_BY_SQL, [member_id, since, until]).fetchone()[0]


def member_cards(db, member_id, association_id, day):
    """The campaigns running for a member's association, each with its first goal's
    progress and the member's own part of the association's sign-ups."""
    cards = []
    for campaign in running_for_association(db, association_id, day):
        period = campaign_period(campaign)
        goals = campaign_goals(db, campaign["id"])
        goal = goals[0] if goals else None
        value = campaign_value(db, campaign, goal) if goal else None
        cards.append({
            "campaign": campaign, "goal": goal, "value": value,
            "progress": progress(value, goal["target"]) if goal else None,
            "mine": recruited_by(db, member_id, period.since, period.until),
            "association": rollups.measure(db, "signups", "association", association_id,
                                           period.since, period.until)})
    return cards


OPEN_FOR_ASSOCIATION_SQL = f"""
select c.* from campaigns c, associations a
where a.id = :association and c.ends_on >= date('now') and {COVERS_ASSOCIATION}
order by c.starts_on, c.id"""


def open_campaigns(db, association_id):
    """Campaigns not yet ended that a member of the association can tie a link or a
    shift to: those it takes part in (every one for an account outside associations)."""
    if association_id is None:
        return list(db.table("campaigns").rows_where("ends_on >= date('now')",
                                                     order_by="starts_on"))
    return list(db.query(OPEN_FOR_ASSOCIATION_SQL, {"association": association_id}))
