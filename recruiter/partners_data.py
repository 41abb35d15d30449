"""Partner organisations: their coordinators, the members' own statements of
belonging to one, and the share of sign-ups recruited together with each.

Everything shown outside the national office is a count. A count of members
who stated a partner membership is shown only from MIN_SHOWN up, so a small
association cannot be read person by person.
"""
from .db import immediate, now
from .rollups import per_level
from .scoring import RECRUITED, share
from .units import PARTNER_ROLES

COORDINATOR = PARTNER_ROLES[0]
MIN_SHOWN = 5  # fewer stated memberships than this are shown as "fewer than 5"


def partner(db, partner_id):
    """One partner organisation, or None."""
    rows = list(db.table("partner_organisations").rows_where("id = ?", [partner_id]))
    return rows[0] if rows else None


def partners_overview(db):
    """Every partner organisation with its number of coordinators (the office's list)."""
    return list(db.query(
        """select p.*, (select count(*) from roles r join members m on m.id = r.member_id
                        where r.role = :role and r.unit_id = p.id and m.is_active = 1)
                       as coordinators
           from partner_organisations p order by p.name""", {"role": COORDINATOR}))


def coordinators(db, partner_id):
    """The accounts holding the coordinator role for an organisation (the office's page)."""
    return list(db.query(
        """select m.id, m.first_name, m.last_name, m.email, m.is_active from roles r
           join members m on m.id = r.member_id
           where r.role = ? and r.unit_id = ? order by m.is_active desc, m.last_name""",
        [COORDINATOR, partner_id]))


# The members' own statements.

def memberships(db, member_id):
    """The ids of the partner organisations a member says they belong to."""
    return [r["partner_id"] for r in db.table("partner_memberships").rows_where(
        "member_id = ?", [member_id], order_by="partner_id")]


def set_memberships(db, member_id, partner_ids):
    """Replace a member's statements with `partner_ids`."""
    with immediate(db):
        db.execute("delete from partner_memberships where member_id = ?", [member_id])
        db.table("partner_memberships").insert_all(
            {"member_id": member_id, "partner_id": p, "created_at": now()}
            for p in sorted(set(partner_ids)))


def stated_count(db, partner_id):
    """How many active members say they belong to the organisation; None below MIN_SHOWN."""
    n = db.execute(
        """select count(*) from partner_memberships pm join members m on m.id = pm.member_id
           where pm.partner_id = ? and m.is_active = 1""", [partner_id]).fetchone()[0]
    return n if n >= MIN_SHOWN else None


# Shares: sign-ups recruited together with a partner organisation.

SHARES_SQL = per_level(f"""
select p.id, p.name, count(s.id) as signups, coalesce(sum(s.status = 'paid'), 0) as paid
from signups s join partner_organisations p on p.id = s.partner_id
where {{unit_filter}} and s.created_at >= :since and s.created_at < :until
  and s.duplicate_of is null and s.{RECRUITED}
group by p.id order by signups desc, p.name""")
TOTAL_SQL = per_level("""
select count(*) from signups s
where {unit_filter} and s.created_at >= :since and s.created_at < :until
  and s.duplicate_of is null""")


def shares(db, level, unit_id, since, until):
    """The unit's sign-ups in the period recruited together with each partner
    organisation: per organisation the count, the paid ones and the share of all
    the unit's sign-ups; `total` the share with any of them."""
    params = {"unit": unit_id, "since": since, "until": until}
    whole = db.execute(TOTAL_SQL[level], params).fetchone()[0]
    rows = [{**r, "share": share(r["signups"], whole)}
            for r in db.query(SHARES_SQL[level], params)]
    together = sum(r["signups"] for r in rows)
    return {"partners": rows, "signups": whole, "together": together,
            "share": share(together, whole)}


FIGURES_SQL = """
select count(*) as signups, coalesce(sum(s.status = 'paid'), 0) as paid,
       coalesce(sum(s.status in ('invoiced', 'paid')), 0) as invoiced,
       count(distinct s.recruiter_id) as recruiters, count(distinct s.municipality_id) as places
from signups s
where s.partner_id = :partner and s.created_at >= :since and s.created_at < :until
  and s.duplicate_of is null"""
DISTRICTS_SQL = """
select d.name, count(*) as signups from signups s
join municipalities m on m.id = s.municipality_id join districts d on d.id = m.district_id
where s.partner_id = :partner and s.created_at >= :since and s.created_at < :until
  and s.duplicate_of is null
group by d.id order by signups desc, d.name"""


def figures(db, partner_id, since, until):
    """The coordinator's page: counts only, never a person, and none under MIN_SHOWN (None):
    a link made for one person would otherwise tell whether that person joined the party."""
    params = {"partner": partner_id, "since": since, "until": until}
    links = db.execute("select count(*) from links where partner_id = ? and revoked_at is null",
                       [partner_id]).fetchone()[0]
    counts = {k: at_least_shown(v) for k, v in next(db.query(FIGURES_SQL, params)).items()}
    return {**counts, "links": links,
            "districts": small_together(list(db.query(DISTRICTS_SQL, params))),
            "stated": stated_count(db, partner_id)}


def at_least_shown(n):
    """A count as a coordinator may see it: None (shown as "fewer than 5") under MIN_SHOWN."""
    return n if n >= MIN_SHOWN else None


def small_together(rows):
    """Rows counting fewer than MIN_SHOWN sign-ups summed into one without a name."""
    shown = [r for r in rows if r["signups"] >= MIN_SHOWN]
    rest = sum(r["signups"] for r in rows if r["signups"] < MIN_SHOWN)
    return shown + ([{"name": None, "signups": rest}] if rest else [])
