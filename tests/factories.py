"""Test data builders: each inserts a row and returns it, with unique defaults."""
import itertools

from recruiter import accounts
from recruiter.db import now
from argon2 import PasswordHasher

_counter = itertools.count(1)
PASSWORD = "ett-bra-testlösen"
# The same fast parameters as the test app's ARGON2_PARAMS.
_hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def _n():
    return next(_counter)


def make_district(db, **overrides):
    n = _n()
    row = {"name": f"Distrikt {n}", "code": f"D{n}", "created_at": now(), **overrides}
    return db.table("districts").get(db.table("districts").insert(row).last_pk)


def make_municipality(db, district=None, **overrides):
    district = district or make_district(db)
    n = _n()
    row = {"name": f"Kommun {n}", "code": f"K{n}", "district_id": district["id"],
           "created_at": now(), **overrides}
    return db.table("municipalities").get(db.table("municipalities").insert(row).last_pk)


def make_association(db, municipality=None, **overrides):
    municipality = municipality or make_municipality(db)
    n = _n()
    row = {"name": f"S-föreningen {n}", "code": f"A{n}",
           "municipality_id": municipality["id"], "created_at": now(), **overrides}
    return db.table("associations").get(db.table("associations").insert(row).last_pk)


def make_member(db, association=None, role="member", unit=None, password=PASSWORD,
                **overrides):
    """A member with the member role in their association, plus `role` over `unit`
    (default: their association). Admin roles need no association."""
    if association is None and role in ("member", "chair"):
        association = make_association(db)
    n = _n()
    association_id = association["id"] if association else None
    roles = [("member", association_id)] if association else []
    unit_id = unit["id"] if unit else association_id
    roles.append((role, unit_id))
    member_id = accounts.create_member(
        db, overrides.get("email", f"person{n}@example.org"),
        overrides.get("first_name", f"Förnamn{n}"), overrides.get("last_name", f"Efternamn{n}"),
        _hasher.hash(password), association_id, roles)
    return db.table("members").get(member_id)


def make_campaign(db, **overrides):
    n = _n()
    row = {"name": f"Kampanj {n}", "starts_on": "2026-01-01", "ends_on": "2099-12-31",
           "created_at": now(), **overrides}
    return db.table("campaigns").get(db.table("campaigns").insert(row).last_pk)


def personal_link(db, member):
    return next(db.table("links").rows_where(
        "member_id = ? and is_personal = 1 and revoked_at is null", [member["id"]]))


def make_link(db, member, **overrides):
    from recruiter.links import create_link

    link = create_link(db, member["id"], overrides.pop("label", "Extra"), **overrides)
    return link


def make_signup(db, recruiter=None, association=None, created_at=None, **overrides):
    """A sign-up; recruited (source link) when a recruiter is given, else own initiative."""
    n = _n()
    association = association or (
        db.table("associations").get(recruiter["association_id"]) if recruiter else None)
    stamp = created_at or now()
    row = {
        "submission_id": f"s{n}", "source": "link" if recruiter else "own_initiative",
        "recruiter_id": recruiter["id"] if recruiter else None,
        "association_id": association["id"] if association else None,
        "municipality_id": association["municipality_id"] if association else None,
        "first_name": f"Ny{n}", "last_name": f"Person{n}", "email": f"ny{n}@example.org",
        "birth_year": 1990, "postcode": "211 45", "consent_id": 1, "consent_at": stamp,
        "status": "registered", "status_at": stamp, "created_at": stamp, **overrides}
    return db.table("signups").get(db.table("signups").insert(row).last_pk)


def make_shift(db, member, started_at, minutes=60, **overrides):
    """A shift of `member` starting at an ISO time."""
    from datetime import datetime, timedelta

    start = datetime.fromisoformat(started_at)
    row = {
        "client_uuid": f"00000000-0000-4000-8000-{_n():012d}", "member_id": member["id"],
        "association_id": member["association_id"], "kind": "door_knocking", "place": "Centrum",
        "doors_knocked": 10, "doors_opened": 5, "conversations": 3, "paper_signups": 0,
        "interested": 0, "started_at": start.isoformat(timespec="seconds"),
        "ended_at": (start + timedelta(minutes=minutes)).isoformat(timespec="seconds"),
        "created_at": now(), "updated_at": now(), **overrides}
    return db.table("shifts").get(db.table("shifts").insert(row).last_pk)
