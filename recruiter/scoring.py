"""Every count the leaderboards, team views and indicators show.

Each function is one named query over a half-open period [since, until) of
UTC ISO text (see periods.py). "Recruited" means a sign-up that came through
a member: source `link` or `on_the_spot`; the rest is own initiative.
A possible duplicate (a repeat sign-up, `duplicate_of` set) never counts:
the earlier sign-up it repeats counts for both.
"""
from datetime import date, timedelta


RECRUITED = "source in ('link', 'on_the_spot')"
INVOICED = "status in ('invoiced', 'paid')"
GOAL_SIGNUPS_PER_YEAR = 10_000
GOAL_RECRUITED_SHARE = 0.5


def share(part, whole):
    """part / whole, or None when there is nothing to divide."""
    return part / whole if whole else None


# A shift that looks implausible counts on the leaderboard once a chair confirms it.
COUNTED_SHIFT = "(quality_flag is null or quality_confirmed_at is not null)"
# Per active member of an association: recruited (and paid) sign-ups and shift work in a
# period. One query for the leaderboard and the team view; its flags say what counts:
# :campaign (or null), :paid_only (recruits who became paying members, for the leaderboard
# once the register reports), :counted_only (leave out shifts a chair has not confirmed).
MEMBER_NUMBERS_SQL = f"""
with recruits as (
  select s.recruiter_id as member_id, count(*) as recruited, max(s.created_at) as reached_at,
         sum(s.status = 'paid') as paid
  from signups s join members m on m.id = s.recruiter_id
  where m.association_id = :association and s.{RECRUITED}
    and s.created_at >= :since and s.created_at < :until and s.duplicate_of is null
    and (:campaign is null or s.campaign_id = :campaign)
    and (not :paid_only or exists (select 1 from signup_statuses h
                                   where h.signup_id = s.id and h.status = 'paid'))
  group by s.recruiter_id),
work as (
  select member_id, count(*) as shifts, sum(conversations) as conversations,
         sum(doors_knocked) as doors
  from shifts where association_id = :association
    and started_at >= :since and started_at < :until
    and (:campaign is null or campaign_id = :campaign)
    and (not :counted_only or {COUNTED_SHIFT})
  group by member_id)
select m.id, m.first_name, m.last_name, m.leaderboard_name,
       coalesce(r.recruited, 0) as recruited, r.reached_at, coalesce(r.paid, 0) as paid,
       coalesce(w.shifts, 0) as shifts, coalesce(w.conversations, 0) as conversations,
       coalesce(w.doors, 0) as doors,
       rank() over (order by coalesce(r.recruited, 0) desc) as place
from members m
left join recruits r on r.member_id = m.id
left join work w on w.member_id = m.id
where m.association_id = :association and m.is_active = 1
order by recruited desc, r.reached_at is null, r.reached_at, m.id
"""


def member_numbers(db, association_id, since, until, campaign_id=None, paid_only=False,
                   counted_only=True):
    """MEMBER_NUMBERS_SQL's rows: the association's active members, most recruited first."""
    return list(db.query(MEMBER_NUMBERS_SQL, {
        "association": association_id, "since": since, "until": until,
        "campaign": campaign_id, "paid_only": int(paid_only), "counted_only": int(counted_only)}))


def recruiter_standings(db, association_id, since, until, campaign_id=None):
    """The association's active members ranked by recruited sign-ups.

    Equal counts share a place (SQL rank()); within a place the earlier
    achiever, whose last counted sign-up came first, is listed first.
    Conversations and doors knocked come from shifts in the same period.
    """
    return member_numbers(db, association_id, since, until, campaign_id)


FIRST_RECRUITS_SQL = f"""
select s.recruiter_id, min(s.created_at) as first_at
from signups s join members m on m.id = s.recruiter_id
where m.association_id = ? and s.{RECRUITED} and s.duplicate_of is null
group by s.recruiter_id"""


def first_recruits(db, association_id):
    """member id -> the time of their first recruited sign-up ever."""
    rows = db.query(FIRST_RECRUITS_SQL, [association_id])
    return {r["recruiter_id"]: r["first_at"] for r in rows}


def shift_weeks(db, association_id, since):
    """member id -> the set of week numbers (Monday weeks, UTC) with a shift."""
    rows = db.query(
        """select distinct member_id,
                  cast((julianday(started_at) - julianday('2000-01-03')) / 7 as integer) as week
           from shifts where association_id = ? and started_at >= ?
             and (quality_flag is null or quality_confirmed_at is not null)""",
        [association_id, since])
    weeks = {}
    for row in rows:
        weeks.setdefault(row["member_id"], set()).add(row["week"])
    return weeks


def week_number(day):
    """The week index shift_weeks uses, for a date."""
    return (day - date(2000, 1, 3)).days // 7


def streak(weeks, current_week):
    """Weeks in a row with a shift, ending this week or, if none yet, last week."""
    week = current_week if current_week in weeks else current_week - 1
    count = 0
    while week in weeks:
        count += 1
        week -= 1
    return count


def streaks(db, association_id, day):
    """member id -> current streak of weeks with a shift (looking back a year)."""
    since = (day - timedelta(days=366)).isoformat()
    current = week_number(day)
    return {member: streak(weeks, current)
            for member, weeks in shift_weeks(db, association_id, since).items()}


ASSOCIATION_TOTALS_SQL = f"""
select count(*) as signups, coalesce(sum({RECRUITED}), 0) as recruited
from signups where association_id = ? and created_at >= ? and created_at < ?
  and duplicate_of is null"""


def association_totals(db, association_id, since, until):
    """Sign-ups that chose the association in the period, and how many were recruited."""
    row = next(db.query(ASSOCIATION_TOTALS_SQL, [association_id, since, until]))
    return {**row, "share": share(row["recruited"], row["signups"])}


def team_table(db, association_id, since, until):
    """Per active member: shifts (every one, flagged or not), doors, conversations, recruited
    and paid; most recruited first, then most shifts, then by name."""
    rows = member_numbers(db, association_id, since, until, counted_only=False)
    return sorted(rows, key=lambda r: (-r["recruited"], -r["shifts"], r["first_name"],
                                       r["last_name"]))


# Credit is confirmed at payment: once the register's statuses have been
# imported, the leaderboard ranks by recruits who paid (in the standings'
# period, by their sign-up date), not by sign-ups.
STATUS_IMPORT_SQL = """select exists (select 1 from register_imports
                       where kind = 'statuses' and applied_at is not null)"""


def ranks_by_paid(db):
    """True once a status import from the member register has been applied."""
    return bool(db.execute(STATUS_IMPORT_SQL).fetchone()[0])


def paid_standings(db, association_id, since, until, campaign_id=None):
    """recruiter_standings, counting only recruits who became paying members."""
    return member_numbers(db, association_id, since, until, campaign_id, paid_only=True)
