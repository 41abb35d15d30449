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
