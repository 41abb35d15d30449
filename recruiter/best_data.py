"""Learning from the ten best: the municipal organisations ranked by their
development over a period, side by side with how they work in the app.

The measure (`rate`): new members per 1 000 members.
- New members: what the member register's figures report for the period's
  days. Without any register report in the period the app's own sign-ups
  (duplicates left out) stand in; the row says which (`source`).
- Members (the base): per association, the register's figures on the last
  date on or before the period's first day, else its first date inside the
  period; summed. Without register figures: the municipality's active
  accounts in the app. No base: no rate, ranked after every rate.
Per 1 000 members, so a large municipal organisation does not win by size
and a small one with three new members is not buried. App accounts are far
fewer than members, so a rate from the app's sign-ups is not comparable
with one from the register: every row from the register ranks before every
row from the app.

Ties: equal rates from the same source share a place (1, 1, 3); within it
the larger number of new members comes first, then the name in alphabetical
order.
"""
from .campaigns_data import COVERS_ASSOCIATION
from .periods import today
from .scoring import RECRUITED, share

TOP = 10
IN_PERIOD_DAYS = "{day} >= date(:since, '+12 hours') and {day} < date(:until, '+12 hours')"
MUNICIPALITIES_SQL = """select id, name, district_id from municipalities
                        where :district is null or district_id = :district order by name"""
REGISTER_NEW_SQL = f"""
select a.municipality_id as id, sum(f.new_members) as n from register_figures f
join associations a on a.id = f.association_id
where {IN_PERIOD_DAYS.format(day="f.on_date")} group by 1"""
REGISTER_BASE_SQL = """
with pick as (
  select association_id,
         coalesce(max(case when on_date <= date(:since, '+12 hours') then on_date end),
                  min(on_date)) as on_date
  from register_figures where on_date < date(:until, '+12 hours') group by association_id)
select a.municipality_id as id, sum(f.members) as n from pick p
join register_figures f on f.association_id = p.association_id and f.on_date = p.on_date
join associations a on a.id = f.association_id group by 1"""
SIGNUPS_SQL = """
select municipality_id as id, count(*) as n, sum(source = 'link') as link,
       sum(source = 'on_the_spot') as on_the_spot, sum(source = 'own_initiative') as own_initiative
from signups where created_at >= :since and created_at < :until and duplicate_of is null
group by 1"""
ACTIVE_SQL = """select a.municipality_id as id, count(*) as n from members mb
                join associations a on a.id = mb.association_id where mb.is_active = 1 group by 1"""
# The unary + keeps the planner on the recruiter index (covering: 47 ms for a
# national year in bench/campaigns.py's database) rather than the created_at
# one, which needs a row lookup per sign-up for its recruiter (1.1 s).
RECRUITERS_SQL = f"""
with r as (select s.recruiter_id from signups s
           where s.recruiter_id is not null and s.{RECRUITED} and +s.created_at >= :since
             and +s.created_at < :until and s.duplicate_of is null group by s.recruiter_id)
select a.municipality_id as id, count(*) as n from r
join members mb on mb.id = r.recruiter_id join associations a on a.id = mb.association_id
where mb.is_active = 1 group by 1"""
SHIFTS_SQL = """select a.municipality_id as id, count(*) as n from shifts sh
                join associations a on a.id = sh.association_id
                where sh.started_at >= :since and sh.started_at < :until group by 1"""
WELCOME_SQL = f"""
select a.municipality_id as id, count(*) as n,
       sum(t.state = 'reached' and t.done_on <= t.due_on) as in_time
from call_targets t join call_lists l on l.id = t.list_id
join signups x on x.id = t.signup_id join associations a on a.id = l.association_id
where l.kind = 'welcome' and t.state not in ('handed_over', 'closed')
  and x.erased_at is null and x.status != 'cancelled' and x.duplicate_of is null
  and {IN_PERIOD_DAYS.format(day="t.due_on")} and t.due_on < :today group by 1"""
CAMPAIGNS_SQL = f"""
select a.municipality_id as id, count(distinct c.id) as n from campaigns c, associations a
where c.starts_on < date(:until, '+12 hours') and c.ends_on >= date(:since, '+12 hours')
  and {COVERS_ASSOCIATION} group by 1"""


def _by_id(db, sql, params):
    return {r["id"]: r for r in db.query(sql, params)}


def rate(new, base):
    """New members per 1 000 members; None without a base."""
    return 1000 * new / base if base else None


def _row(m, counts):
    signups, register_new = counts["signups"].get(m["id"]), counts["register_new"].get(m["id"])
    active = counts["active"].get(m["id"], {}).get("n", 0)
    base_row = counts["base"].get(m["id"])
    new = register_new["n"] if register_new else (signups["n"] if signups else 0)
    base = base_row["n"] if base_row else active
    welcome = counts["welcome"].get(m["id"])
    shifts = counts["shifts"].get(m["id"], {}).get("n", 0)
    all_signups = signups["n"] if signups else 0
    return {
        "id": m["id"], "name": m["name"], "district_id": m["district_id"],
        "source": "register" if register_new else "app", "new": new, "members": base,
        "rate": rate(new, base), "active": active, "shifts": shifts,
        "shifts_per_active": share(shifts, active),
        "recruiter_share": share(counts["recruiters"].get(m["id"], {}).get("n", 0), active),
        "signups": all_signups,
        **{k: share(signups[k], all_signups) if signups else None
           for k in ("link", "on_the_spot", "own_initiative")},
        "welcome_in_time": share(welcome["in_time"], welcome["n"]) if welcome else None,
        "campaigns": counts["campaigns"].get(m["id"], {}).get("n", 0)}


def sort_key(row):
    """Best first: register rates before app rates before none, then the rate,
    then more new members, then the name."""
    return (row["rate"] is None, row["source"] == "app", -(row["rate"] or 0), -row["new"],
            row["name"])


def ranking(db, district_id, since, until):
    """Every municipal organisation in the nation (district_id None) or a district,
    best development first, with its working profile and its place (ties share one)."""
    params = {"district": district_id, "since": since, "until": until,
              "today": today().isoformat()}
    counts = {name: _by_id(db, sql, params) for name, sql in (
        ("register_new", REGISTER_NEW_SQL), ("base", REGISTER_BASE_SQL),
        ("signups", SIGNUPS_SQL), ("active", ACTIVE_SQL), ("recruiters", RECRUITERS_SQL),
        ("shifts", SHIFTS_SQL), ("welcome", WELCOME_SQL), ("campaigns", CAMPAIGNS_SQL))}
    rows = sorted((_row(m, counts) for m in db.query(MUNICIPALITIES_SQL, params)), key=sort_key)
    for n, row in enumerate(rows):
        before = rows[n - 1] if n else None
        same = before and row["rate"] is not None and (row["rate"], row["source"]) == (
            before["rate"], before["source"])
        row["place"] = rows[n - 1]["place"] if same else n + 1
    return rows


def ten_best(db, district_id, since, until):
    """The first TOP of `ranking` that have a rate (for the two-month report too)."""
    return [r for r in ranking(db, district_id, since, until) if r["rate"] is not None][:TOP]
