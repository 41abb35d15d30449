"""What a campaign's page shows: each goal's progress over time, the
associations side by side, recruiters per association and the channels.
Once the campaign has ended this is written once as a snapshot and read from
there ever after, so later sign-ups, erasures and imports change nothing."""
import json
from datetime import date, timedelta

from flask import current_app

from . import cache, rollups
from .campaigns_data import (campaign_goals, campaign_series, chosen_associations, progress,
                             to_json)
from .db import now
from .periods import campaign_period, today, utc
from .scoring import RECRUITED

MAX_POINTS = 8
_TAKING_PART = rollups.TAKING_PART.replace("s.association_id", "a.id")
# rollups.per_level fills in each level's sign-up filter, in parentheses.
ASSOCIATIONS_SQL = rollups.per_level(f"""
select a.id, a.name, count(x.id) as signups, coalesce(sum(x.{RECRUITED}), 0) as recruited
from associations a
left join signups x on x.association_id = a.id and x.created_at >= :since
  and x.created_at < :until and x.duplicate_of is null
where a.id in (select s.association_id from (select id as association_id, municipality_id
               from associations) s where {{unit_filter}}) and {_TAKING_PART}
group by a.id order by signups desc, recruited desc, a.name""")
RECRUITERS_SQL = rollups.per_level(f"""
select s.recruiter_id as member_id, m.association_id, count(*) as recruited,
       max(s.created_at) as reached_at
from signups s join members m on m.id = s.recruiter_id
where {{unit_filter}} and {rollups.TAKING_PART} and s.{RECRUITED} and s.recruiter_id is not null
  and s.created_at >= :since and s.created_at < :until and s.duplicate_of is null
group by s.recruiter_id, m.association_id""")
CHANNELS_SQL = rollups.per_level(f"""
select s.source, s.campaign_id = :campaign as campaign_link, count(*) as n from signups s
where {{unit_filter}} and {rollups.TAKING_PART} and s.created_at >= :since
  and s.created_at < :until and s.duplicate_of is null
group by 1, 2""")
PHONE_SQL = rollups.per_level(f"""
select count(*) as shifts, coalesce(sum(conversations), 0) as conversations from shifts
where kind = 'phone' and id in (
  select sh.id from shifts sh {rollups.AS_ASSOCIATION.format(table="sh")}
  where {{unit_filter}} and {rollups.TAKING_PART} and sh.started_at >= :since
    and sh.started_at < :until
  union select id from shifts where campaign_id = :campaign)""")


def points(starts_on, ends_on, last_day):
    """Up to MAX_POINTS days from the start to last_day (the end or today), evenly spread;
    each point counts up to and including its day."""
    start, end = date.fromisoformat(starts_on), min(date.fromisoformat(ends_on), last_day)
    if end < start:
        return []
    days = (end - start).days + 1
    step = max(1, -(-days // MAX_POINTS))
    marks = [start + timedelta(days=step * n - 1) for n in range(1, MAX_POINTS + 1)
             if step * n - 1 < days]
    return marks if marks and marks[-1] == end else [*marks, end]


def goal_rows(db, campaign, last_day):
    """Each goal with its value now, its progress and its value at each point in time."""
    rows = []
    days = points(campaign["starts_on"], campaign["ends_on"], last_day)
    ends = [utc(day + timedelta(days=1)) for day in days]
    for goal in campaign_goals(db, campaign["id"]):
        values = campaign_series(db, campaign, goal, ends) if ends else []
        series = [{"day": day.isoformat(), "value": value} for day, value in zip(days, values, strict=True)]
        value = series[-1]["value"] if series else None
        rows.append({"measure": goal["measure"], "target": goal["target"], "value": value,
                     "progress": progress(value, goal["target"]), "series": series})
    return rows


def _params(db, campaign):
    period = campaign_period(campaign)
    chosen = chosen_associations(db, campaign["id"])
    return {"unit": campaign["unit_id"], "since": period.since, "until": period.until,
            "campaign": campaign["id"], "associations": json.dumps(chosen) if chosen else None}


def channels(db, campaign, params):
    """Sign-ups per channel (campaign links apart) and the phone shifts' calls."""
    counted = {"link": 0, "campaign_link": 0, "on_the_spot": 0, "own_initiative": 0}
    for r in db.query(CHANNELS_SQL[campaign["level"]], params):
        counted[r["source"]] += r["n"]
        if r["source"] == "link" and r["campaign_link"]:
            counted["campaign_link"] += r["n"]
    return {**counted, **next(db.query(PHONE_SQL[campaign["level"]], params))}


def recruiters(db, campaign, params):
    """association id (as text, for JSON) -> [{member_id, recruited, place}], best first;
    only members who recruited someone. Equal counts share a place, the earlier
    achiever listed first."""
    rows = sorted(db.query(RECRUITERS_SQL[campaign["level"]], params),
                  key=lambda r: (-r["recruited"], r["reached_at"], r["member_id"]))
    boards = {}
    for r in rows:
        board = boards.setdefault(str(r["association_id"]), [])
        same = board and board[-1]["recruited"] == r["recruited"]
        board.append({"member_id": r["member_id"], "recruited": r["recruited"],
                      "place": board[-1]["place"] if same else len(board) + 1})
    return boards


def compute(db, campaign, last_day):
    """Everything the page shows, counted now up to last_day."""
    params = _params(db, campaign)
    return {"goals": goal_rows(db, campaign, last_day),
            "associations": list(db.query(ASSOCIATIONS_SQL[campaign["level"]], params)),
            "recruiters": recruiters(db, campaign, params),
            "channels": channels(db, campaign, params)}


def has_ended(campaign, day=None):
    return campaign["ends_on"] < (day or today()).isoformat()


def snapshot(db, campaign):
    """The ended campaign's frozen page, written now if it is the first look."""
    rows = list(db.table("campaign_snapshots").rows_where("campaign_id = ?", [campaign["id"]]))
    if not rows:
        body = compute(db, campaign, date.fromisoformat(campaign["ends_on"]))
        db.execute("insert or ignore into campaign_snapshots (campaign_id, taken_at, body) "
                   "values (?, ?, ?)", [campaign["id"], now(), to_json(body)])
        rows = list(db.table("campaign_snapshots").rows_where("campaign_id = ?",
                                                              [campaign["id"]]))
    return {**json.loads(rows[0]["body"]), "taken_at": rows[0]["taken_at"]}


def page_data(db, campaign):
    """The snapshot of an ended campaign, live numbers for a running one (kept
    like the overviews' roll-ups, cache.py)."""
    if has_ended(campaign):
        return snapshot(db, campaign)
    key = (current_app.config["DATABASE"], "campaign", campaign["id"], today())
    return cache.remember(db, key, lambda: {**compute(db, campaign, today()), "taken_at": None},
                          current_app.config["ROLLUP_CACHE_SECONDS"])


def snapshot_ended(db, day=None):
    """Write the snapshot of every ended campaign that has none; returns how many."""
    missing = list(db.query(
        """select c.* from campaigns c where c.ends_on < ? and not exists
           (select 1 from campaign_snapshots x where x.campaign_id = c.id)""",
        [(day or today()).isoformat()]))
    for campaign in missing:
        snapshot(db, campaign)
    return len(missing)
