"""The roll-ups: every count the overviews, the indicators, campaign and plan goals and the
two-month report show for a unit (the nation, a district, a municipal organisation or an
association). Each is a named query over a half-open period [since, until) of UTC ISO text;
scoring.py says what "recruited" and "invoiced" mean and holds the association's own lists.
"""
import json

from .periods import today
from .scoring import INVOICED, RECRUITED, share
from .units import LEVELS


# Which sign-ups belong to a unit: an association by its choice, a
# municipality or district by the sign-up's municipal organisation (units.py).
UNIT_FILTER = {name: level.signup_filter for name, level in LEVELS.items()}


def per_level(sql):
    """One SQL text per unit level, with that level's sign-up filter filled in."""
    return {level: sql.replace("{unit_filter}", f"({condition})")
            for level, condition in UNIT_FILTER.items()}


INDICATORS_SQL = per_level(f"""
select count(*) as signups,
       coalesce(sum(cast(substr(s.created_at, 1, 4) as integer) - s.birth_year < 45), 0)
         as under_45,
       coalesce(sum(s.{RECRUITED}), 0) as recruited,
       coalesce(sum(s.{INVOICED}), 0) as invoiced,
       coalesce(sum(s.status = 'paid'), 0) as paid
from signups s
where {{unit_filter}} and s.created_at >= :since and s.created_at < :until
  and s.duplicate_of is null""")
SOURCES_SQL = per_level("""
select s.source, count(*) as n from signups s
where {unit_filter} and s.created_at >= :since and s.created_at < :until
  and s.duplicate_of is null
group by s.source""")
CAMPAIGNS_SQL = per_level("""
select c.name, count(*) as signups from signups s join campaigns c on c.id = s.campaign_id
where {unit_filter} and s.created_at >= :since and s.created_at < :until
  and s.duplicate_of is null
group by c.id order by signups desc""")
MONTHS_SQL = per_level(f"""
select substr(s.created_at, 1, 7) as month, count(*) as signups,
       coalesce(sum(s.{INVOICED}), 0) as invoiced
from signups s
where {{unit_filter}} and s.created_at >= :since and s.created_at < :until
  and s.duplicate_of is null
group by month order by month""")
TREND_SQL = per_level(f"""
select case {{buckets}} end as bucket, count(*) as signups, sum(s.{RECRUITED}) as recruited
from signups s
where {{unit_filter}} and s.created_at >= :since and s.created_at < :until
  and s.duplicate_of is null
group by bucket""")


def indicators(db, level, unit_id, since, until):
    """The strategy's indicators from the app's own data for one unit and period.

    signups (1), under_45 (2), recruited and share (5), invoiced (8: an invoice
    has gone out), paid; age is counted by birth year at sign-up.
    """
    row = next(db.query(INDICATORS_SQL[level], {"unit": unit_id, "since": since, "until": until}))
    return {**row, "share": share(row["recruited"], row["signups"])}


# Sign-ups are summed per municipal organisation first, from the covering
# index, and only then joined to the units above.
BY_MUNICIPALITY = f"""
with counted as (
  select municipality_id, count(*) as signups, sum({RECRUITED}) as recruited,
         sum({INVOICED}) as invoiced
  from signups where created_at >= :since and created_at < :until and duplicate_of is null
  group by municipality_id)"""
CHILDREN_SQL = {
    "nation": BY_MUNICIPALITY + """
        select d.id, d.name, coalesce(sum(c.signups), 0) as signups,
               coalesce(sum(c.recruited), 0) as recruited,
               coalesce(sum(c.invoiced), 0) as invoiced
        from districts d
        left join municipalities m on m.district_id = d.id
        left join counted c on c.municipality_id = m.id
        group by d.id order by d.name""",
    "district": f"""select m.id, m.name, count(s.id) as signups,
                          coalesce(sum(s.{RECRUITED}), 0) as recruited,
                          coalesce(sum(s.{INVOICED}), 0) as invoiced
                   from municipalities m
                   left join signups s on s.municipality_id = m.id
                     and s.created_at >= :since and s.created_at < :until
                     and s.duplicate_of is null
                   where m.district_id = :unit group by m.id order by m.name""",
    "municipality": f"""select a.id, a.name, count(s.id) as signups,
                              coalesce(sum(s.{RECRUITED}), 0) as recruited,
                              coalesce(sum(s.{INVOICED}), 0) as invoiced
                       from associations a
                       left join signups s on s.association_id = a.id
                         and s.created_at >= :since and s.created_at < :until
                         and s.duplicate_of is null
                       where a.municipality_id = :unit group by a.id order by a.name""",
}


def children(db, level, unit_id, since, until):
    """The units one level down, side by side, with their sign-ups and recruited share."""
    rows = db.query(CHILDREN_SQL[level], {"unit": unit_id, "since": since, "until": until})
    return [{**r, "share": share(r["recruited"], r["signups"])} for r in rows]


def unplaced(db, municipality_id, since, until):
    """Sign-ups in a municipality that have no association yet (own initiative)."""
    return db.execute(
        """select count(*) from signups where municipality_id = ? and association_id is null
           and created_at >= ? and created_at < ? and duplicate_of is null""",
        [municipality_id, since, until]).fetchone()[0]


def by_source(db, level, unit_id, since, until):
    """source -> number of sign-ups (link, on the spot, own initiative)."""
    rows = db.query(SOURCES_SQL[level], {"unit": unit_id, "since": since, "until": until})
    return {r["source"]: r["n"] for r in rows}


def by_campaign(db, level, unit_id, since, until):
    """Sign-ups per campaign (recruited ones carry their link's campaign)."""
    return list(db.query(CAMPAIGNS_SQL[level], {"unit": unit_id, "since": since, "until": until}))


def trend(db, level, unit_id, periods):
    """Sign-ups and recruited ones for each of the adjoining periods given
    (oldest first), counted in one pass over the whole span."""
    buckets = " ".join(f"when s.created_at < :end{n} then {n}" for n in range(len(periods)))
    params = {"unit": unit_id, "since": periods[0].since, "until": periods[-1].until,
              **{f"end{n}": p.until for n, p in enumerate(periods)}}
    # The CASE lists one bound parameter per period; its text holds no values.
    rows = db.query(TREND_SQL[level].replace("{buckets}", buckets), params)
    counted = {r["bucket"]: r for r in rows}
    return [{"label": p.label, "signups": counted.get(n, {}).get("signups", 0),
             "recruited": counted.get(n, {}).get("recruited", 0)}
            for n, p in enumerate(periods)]


def per_month(db, level, unit_id, since, until):
    """Indicator 8: sign-ups against invoices sent, per calendar month (UTC)."""
    return list(db.query(MONTHS_SQL[level], {"unit": unit_id, "since": since, "until": until}))


def target_groups(db, year, since, until):
    """Sign-ups in the target groups 17–30 and 30–45 (age = year - birth year)."""
    return next(db.query(
        """select coalesce(sum(:year - birth_year between 17 and 29), 0) as age_17_30,
                  coalesce(sum(:year - birth_year between 30 and 44), 0) as age_30_45
           from signups where created_at >= :since and created_at < :until
             and duplicate_of is null""",
        {"year": year, "since": since, "until": until}))


# The member register (issue 11): figures per association and date, and the
# status history of the app's own sign-ups. Figures reach the level filters
# above through an alias `s` that carries the association's ids. A register
# date (a day) falls in a period when it falls in its Swedish days: the
# period's bounds are local midnights in UTC, 12 hours later is that day.
IN_DAYS = ("{day} >= date(:since, '+12 hours') and {day} < date(:until, '+12 hours')")
AS_ASSOCIATION = """join (select id as association_id, municipality_id from associations) s
  on s.association_id = {table}.association_id"""
MEMBERS_SQL = per_level(f"""
with latest as (
  select f.association_id, max(f.on_date) as on_date from register_figures f
  {AS_ASSOCIATION.format(table="f")}
  where {{unit_filter}} and f.on_date < date(:until, '+12 hours') group by f.association_id)
select coalesce(sum(f.members), 0) as members, coalesce(sum(f.members_under_45), 0) as under_45,
       max(f.on_date) as as_of, count(*) as associations
from latest l join register_figures f
  on f.association_id = l.association_id and f.on_date = l.on_date""")
NEW_MEMBERS_SQL = per_level(f"""
select coalesce(sum(f.new_members), 0) as new_members, max(f.on_date) as as_of, count(*) as reports
from register_figures f {AS_ASSOCIATION.format(table="f")}
where {{unit_filter}} and {IN_DAYS.format(day="f.on_date")}""")
PAID_RECRUITS_SQL = per_level(f"""
select count(distinct s.id) as recruited_paid, max(h.on_date) as as_of
from signup_statuses h join signups s on s.id = h.signup_id
where h.status = 'paid' and {IN_DAYS.format(day="h.on_date")} and {{unit_filter}}
  and s.{RECRUITED} and s.duplicate_of is null""")
RESIGNATIONS_SQL = per_level(f"""
select substr(r.on_date, 1, 4) || case when substr(r.on_date, 6, 2) <= '06' then ' H1' else ' H2' end
         as half,
       r.reason, sum(r.count) as n, max(r.on_date) as as_of
from register_resignations r {AS_ASSOCIATION.format(table="r")}
where {{unit_filter}} and r.on_date < date(:until, '+12 hours')
group by half, r.reason order by half, r.reason""")
INVOICES_SQL = per_level(f"""
select substr(h.on_date, 1, 7) as month, count(*) as invoices, max(h.on_date) as as_of
from signup_statuses h join signups s on s.id = h.signup_id
where h.status = 'invoiced' and {IN_DAYS.format(day="h.on_date")} and {{unit_filter}}
  and s.duplicate_of is null
group by month order by month""")


def register_members(db, level, unit_id, since, until):
    """Indicators 3 and 4: members and the share under 45, from each association's
    latest register figures before the period ends; None without any."""
    row = next(db.query(MEMBERS_SQL[level], {"unit": unit_id, "since": since, "until": until}))
    if not row["associations"]:
        return None
    return {**row, "share_under_45": share(row["under_45"], row["members"]), "source": "register"}


def recruited_share_of_new(db, level, unit_id, since, until):
    """Indicator 5: recruited sign-ups paid in the period ÷ all new members the
    register reports for it (every channel); None without register figures."""
    params = {"unit": unit_id, "since": since, "until": until}
    new = next(db.query(NEW_MEMBERS_SQL[level], params))
    if not new["reports"]:
        return None
    paid = next(db.query(PAID_RECRUITS_SQL[level], params))
    return {"recruited_paid": paid["recruited_paid"], "new_members": new["new_members"],
            "share": share(paid["recruited_paid"], new["new_members"]),
            "as_of": max(filter(None, (new["as_of"], paid["as_of"]))), "source": "register"}


def resignations_by_half(db, level, unit_id, since, until, halves=4):
    """Indicators 6 and 9: resignations per half-year, in total and per reason
    category, the latest `halves` half-years up to the period's end."""
    rows = list(db.query(RESIGNATIONS_SQL[level], {"unit": unit_id, "since": since,
                                                   "until": until}))
    by_half = {}
    for r in rows:
        entry = by_half.setdefault(r["half"], {"half": r["half"], "total": 0, "reasons": {}})
        entry["total"] += r["n"]
        entry["reasons"][r["reason"]] = r["n"]
    return {"halves": list(by_half.values())[-halves:], "source": "register",
            "as_of": max((r["as_of"] for r in rows), default=None)}


def signups_and_invoices(db, level, unit_id, since, until):
    """Indicator 8: sign-ups (the app) against invoices sent (the register's
    status dates) per calendar month."""
    params = {"unit": unit_id, "since": since, "until": until}
    months = {r["month"]: {"month": r["month"], "signups": r["signups"], "invoices": 0}
              for r in db.query(MONTHS_SQL[level], params)}
    as_of = None
    for r in db.query(INVOICES_SQL[level], params):
        months.setdefault(r["month"], {"month": r["month"], "signups": 0, "invoices": 0})
        months[r["month"]]["invoices"] = r["invoices"]
        as_of = max(filter(None, (as_of, r["as_of"])))
    return {"months": [months[k] for k in sorted(months)], "as_of": as_of,
            "source": "register" if as_of else "app"}


def register_indicators(db, level, unit_id, since, until):
    """Everything the register adds to a unit's indicators (3, 4, 5, 6, 8, 9)."""
    return {"members": register_members(db, level, unit_id, since, until),
            "new_members": recruited_share_of_new(db, level, unit_id, since, until),
            "resignations": resignations_by_half(db, level, unit_id, since, until),
            "invoices": signups_and_invoices(db, level, unit_id, since, until)}


def new_registrations(db, level, unit_id, since, until):
    """Indicator 1 from the register: new members (paid, every channel) that the
    associations in scope reported for the period's days, beside the app's
    sign-ups. None without register figures. The figures hold no age, so
    indicator 2 (under 45) stays the app's count of sign-ups."""
    params = {"unit": unit_id, "since": since, "until": until}
    new = next(db.query(NEW_MEMBERS_SQL[level], params))
    if not new["reports"]:
        return None
    app = next(db.query(INDICATORS_SQL[level], params))
    return {"new_members": new["new_members"], "as_of": new["as_of"], "source": "register",
            "app_signups": app["signups"], "app_under_45": app["under_45"]}


# The funnel: the period's sign-ups (by sign-up date), how many of them the
# register has invoiced and how many paid, whenever that happened. A payment
# without an invoice on record counts as invoiced too. Days are whole days
# between the sign-up's UTC date and the register's dates.
FUNNEL_SQL = per_level("""
with cohort as (
  select s.id, date(s.created_at) as signed_up_on,
         (select min(h.on_date) from signup_statuses h
          where h.signup_id = s.id and h.status = 'invoiced') as invoiced_on,
         (select min(h.on_date) from signup_statuses h
          where h.signup_id = s.id and h.status = 'paid') as paid_on
  from signups s
  where {unit_filter} and s.created_at >= :since and s.created_at < :until
    and s.duplicate_of is null)
select coalesce(invoiced_on, paid_on) is not null as invoiced, paid_on is not null as paid,
       cast(julianday(invoiced_on) - julianday(signed_up_on) as integer) as days_to_invoice,
       cast(julianday(paid_on) - julianday(invoiced_on) as integer) as days_to_pay,
       count(*) as n, max(coalesce(paid_on, invoiced_on)) as as_of
from cohort group by 1, 2, 3, 4""")


def median_of_counts(counts):
    """The median of values given as {value: how many}; None when empty."""
    total = sum(counts.values())
    if not total:
        return None
    values = sorted(counts)
    picks = []
    for middle in sorted({(total - 1) // 2, total // 2}):
        seen = 0
        for value in values:
            seen += counts[value]
            if seen > middle:
                picks.append(value)
                break
    return sum(picks) / len(picks)


def funnel(db, level, unit_id, since, until):
    """Sign-ups → invoiced → paid for a unit's sign-ups of the period, with each
    step's count, its drop-off from the step before and the median days it took."""
    rows = list(db.query(FUNNEL_SQL[level], {"unit": unit_id, "since": since, "until": until}))
    counts = {"signups": 0, "invoiced": 0, "paid": 0}
    days = {"invoiced": {}, "paid": {}}
    for r in rows:
        counts["signups"] += r["n"]
        counts["invoiced"] += r["n"] * r["invoiced"]
        counts["paid"] += r["n"] * r["paid"]
        for step, key in (("invoiced", "days_to_invoice"), ("paid", "days_to_pay")):
            if r[key] is not None:
                days[step][r[key]] = days[step].get(r[key], 0) + r["n"]
    steps, before = [], None
    for step in ("signups", "invoiced", "paid"):
        steps.append({"step": step, "count": counts[step],
                      "share_of_previous": None if before is None else share(counts[step], before),
                      "dropped": None if before is None else before - counts[step],
                      "median_days": median_of_counts(days.get(step, {}))})
        before = counts[step]
    as_of = max((r["as_of"] for r in rows if r["as_of"]), default=None)
    return {"steps": steps, "as_of": as_of, "source": "register" if as_of else "app"}


# Measures (issue 13): the named queries a goal counts, for a unit and a
# period, optionally only for some of its associations (a campaign's
# participants, as a JSON list) and, for shifts, those tied to a campaign.
# Each query counts at several ends at once (a CASE over the ends, as in
# trend()): bucket n holds what happened before end n and not before an
# earlier one; a measure's value at end n sums buckets 0..n.
# Shares are percentages (0–100); None means nothing to count yet.
TAKING_PART = ("(:associations is null or s.association_id in "
               "(select value from json_each(:associations)))")
_SIGNUPS_MEASURE_SQL = per_level(f"""
select {{bucket:s.created_at|END}} as bucket, count(*) as a, coalesce(sum(s.{RECRUITED}), 0) as b
from signups s
where {{unit_filter}} and {TAKING_PART} and s.created_at >= :since and s.created_at < :until
  and s.duplicate_of is null
group by 1""")
# Shifts in the unit and period, and any tied to the campaign (by the same ends).
_SHIFTS_MEASURE_SQL = per_level(f"""
select {{bucket:started_at|END}} as bucket, count(*) as a, coalesce(sum(doors_knocked), 0) as b
from shifts where id in (
  select sh.id from shifts sh {AS_ASSOCIATION.format(table="sh")}
  where {{unit_filter}} and {TAKING_PART} and sh.started_at >= :since and sh.started_at < :until
  union select id from shifts where campaign_id = :campaign)
group by 1""")
_NEW_MEMBERS_MEASURE_SQL = per_level(f"""
select {{bucket:f.on_date|date(END, '+12 hours')}} as bucket, coalesce(sum(f.new_members), 0) as a,
       count(*) as b
from register_figures f {AS_ASSOCIATION.format(table="f")}
where {{unit_filter}} and {TAKING_PART} and {IN_DAYS.format(day="f.on_date")}
group by 1""")
# Welcomes due in the period (and already due): reached on or before the due day.
_WELCOME_MEASURE_SQL = per_level(f"""
select {{bucket:t.due_on|date(END, '+12 hours')}} as bucket,
       coalesce(sum(t.state = 'reached' and t.done_on <= t.due_on), 0) as a, count(*) as b
from call_targets t join call_lists l on l.id = t.list_id
join signups x on x.id = t.signup_id {AS_ASSOCIATION.format(table="l")}
where l.kind = 'welcome' and t.state not in ('handed_over', 'closed')
  and x.erased_at is null and x.status != 'cancelled' and x.duplicate_of is null
  and {{unit_filter}} and {TAKING_PART} and {IN_DAYS.format(day="t.due_on")}
  and t.due_on < :today
group by 1""")


def _count(a, b):
    return a


def _percent(a, b):
    value = share(a, b)
    return None if value is None else 100 * value


def _reported(a, b):
    return a if b else None


def _recruited_percent(a, b):
    return _percent(b, a)


def _doors(a, b):
    return b


# name -> (query, how a value comes from the summed columns a and b)
MEASURES = {
    "signups": (_SIGNUPS_MEASURE_SQL, _count),
    "paid_new_members": (_NEW_MEMBERS_MEASURE_SQL, _reported),
    "recruited_share": (_SIGNUPS_MEASURE_SQL, _recruited_percent),
    "shifts": (_SHIFTS_MEASURE_SQL, _count),
    "doors": (_SHIFTS_MEASURE_SQL, _doors),
    "welcome_in_time": (_WELCOME_MEASURE_SQL, _percent),
}
SHARE_MEASURES = {"recruited_share", "welcome_in_time"}  # per cent, not a count


def _bucketed(sql, ends):
    """The query with its {bucket:<column>|<bound of END>} turned into a CASE over
    the ends; the text holds parameter names only, never values."""
    start = sql.index("{bucket:")
    stop = sql.index("}", start)
    column, bound = sql[start + 8:stop].split("|")
    case = " ".join(f"when {column} < {bound.replace('END', f':end{n}')} then {n}"
                    for n in range(len(ends)))
    return sql[:start] + f"case {case} end" + sql[stop + 1:]


def measure_series(db, name, level, unit_id, since, ends, associations=None, campaign_id=None):
    """The measure `name` (MEASURES) for a unit from `since` to each of `ends`
    (UTC ISO, ascending): [value at end 0, value at end 1, …]."""
    sql, value = MEASURES[name]
    params = {"unit": unit_id, "since": since, "until": ends[-1], "campaign": campaign_id,
              "today": today().isoformat(),
              "associations": None if associations is None else json.dumps(list(associations)),
              **{f"end{n}": end for n, end in enumerate(ends)}}
    rows = {r["bucket"]: r for r in db.query(_bucketed(sql[level], ends), params)}
    values, a, b = [], 0, 0
    for n in range(len(ends)):
        a += rows.get(n, {}).get("a", 0) or 0
        b += rows.get(n, {}).get("b", 0) or 0
        values.append(value(a, b))
    return values


def measure(db, name, level, unit_id, since, until, associations=None, campaign_id=None):
    """The value of the measure `name` for a unit and a period [since, until)."""
    return measure_series(db, name, level, unit_id, since, [until], associations,
                          campaign_id)[0]
