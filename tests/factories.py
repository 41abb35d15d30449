"""Test data builders: each inserts a row and returns it, with unique defaults; and the
request bodies and requests the tests send as a phone or a browser would."""
import io
import itertools
import json
import re
import threading
import uuid
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher

from recruiter import accounts, calls_data
from recruiter.db import connect, now
from recruiter.links_data import create_link
from recruiter.sessions import start_session

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
    start = datetime.fromisoformat(started_at)
    row = {
        "client_uuid": f"00000000-0000-4000-8000-{_n():012d}", "member_id": member["id"],
        "association_id": member["association_id"], "kind": "door_knocking", "place": "Centrum",
        "doors_knocked": 10, "doors_opened": 5, "conversations": 3, "paper_signups": 0,
        "interested": 0, "started_at": start.isoformat(timespec="seconds"),
        "ended_at": (start + timedelta(minutes=minutes)).isoformat(timespec="seconds"),
        "created_at": now(), "updated_at": now(), **overrides}
    return db.table("shifts").get(db.table("shifts").insert(row).last_pk)


# What the join form sends, and what it leaves behind.

def person(**overrides):
    """The join form filled in as a newcomer would."""
    return {"first_name": "Nora", "last_name": "Nyman", "email": "nora@example.org",
            "phone": "", "birth_year": "1995", "postcode": "211 45", "consent": "y",
            **overrides}


def signups(db):
    return list(db.table("signups").rows_where(order_by="id"))


def withdrawal_token(page):
    return re.search(r'href="/angra/([\w-]+)"', page).group(1)


# What the phone's shift outbox sends.

def shift_body(**overrides):
    """A door-knocking shift that ended five minutes ago, as the phone posts it."""
    now_ = datetime.now(timezone.utc)
    body = {"client_uuid": str(uuid.uuid4()), "kind": "door_knocking", "place": "Rosengård",
            "started_at": (now_ - timedelta(hours=2)).isoformat(),
            "ended_at": (now_ - timedelta(minutes=5)).isoformat(),
            "doors_knocked": 40, "doors_opened": 18, "conversations": 12, "paper_signups": 2,
            "interested": 3, "note": None}
    body.update(overrides)
    return body


def post_shift(client, body):
    """POST a shift as the phone does: with the logged-in member's id unless given."""
    if "member_id" not in body:
        body = {**body, "member_id": client.member_id}
    return client.post("/api/shifts", data=json.dumps(body), content_type="application/json",
                       headers={"Accept": "application/json"})


# The register exchange's upload and apply steps.

def post_register_file(client, text, kind="statuses", encoding="utf-8"):
    data = {"kind": kind, "file": (io.BytesIO(text.encode(encoding)), "register.csv")}
    return client.post("/register/import", data=data, content_type="multipart/form-data")


def register_preview(client, text, kind="statuses", encoding="utf-8"):
    """Upload a file; returns the import id of its preview."""
    response = post_register_file(client, text, kind, encoding)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def register_apply(client, db, import_id, token=None):
    record = db.table("register_imports").get(import_id)
    with client.session_transaction() as session:
        token = token or session["register_tokens"][str(import_id)]
    return client.post(f"/register/import/{import_id}/apply",
                       data={"sha256": record["sha256"], "token": token})


def login_with_token(app, member):
    """A client logged in through a session row, on an app with CSRF switched on."""
    db = connect(app.config["DATABASE"])
    role = accounts.member_roles(db, member["id"])[0]
    with app.test_request_context():
        token = start_session(db, member["id"], role["id"], False)
    db.close()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = token
    client.member_id = member["id"]
    return client


def make_partner(db, code="LO", name="LO-förbunden", kind="union"):
    row = {"name": name, "code": code, "kind": kind, "created_at": "2026-01-01T00:00:00+00:00"}
    return db.table("partner_organisations").get(
        db.table("partner_organisations").insert(row).last_pk)


def make_coordinator(db, partner, **overrides):
    return make_member(db, association=None, role="partner_coordinator", unit=partner,
                       **overrides)


# Activities (issue 14) and the leaderboard's table.

def utc_in(hours):
    """An ISO time `hours` from now (negative: ago)."""
    return (datetime.now(timezone.utc) + timedelta(hours=hours)).isoformat(timespec="seconds")


def make_activity(db, organiser, association=None, municipality_id=None, **overrides):
    """An activity of an association (or a municipality when association is None)."""
    row = {"kind": "door_knocking", "audience": "association" if association else "municipality",
           "association_id": association["id"] if association else None,
           "municipality_id": association["municipality_id"] if association else municipality_id,
           "starts_at": utc_in(24), "ends_at": utc_in(26), "place": "Möllevångstorget",
           "capacity": 5, "organiser_id": organiser["id"], "created_at": now(),
           "updated_at": now(), **overrides}
    return db.table("activities").get(db.table("activities").insert(row).last_pk)


def activity_shift_body(member, activity_id, **overrides):
    """A shift logged at an activity that ended an hour and a half ago."""
    return {"client_uuid": str(uuid.uuid4()), "member_id": member["id"],
            "kind": "door_knocking", "place": "Möllevångstorget", "started_at": utc_in(-2.5),
            "ended_at": utc_in(-1.5), "doors_knocked": 40, "doors_opened": 20, "conversations": 9,
            "paper_signups": 1, "interested": 2, "activity_id": activity_id, **overrides}


def leaderboard_table(client):
    page = client.get("/topplista/?period=all").get_data(as_text=True)
    return page.split('data-testid="board"')[1].split("</table>")[0]


def row_names(html):
    return re.findall(r'<th scope="row">([^<]+?)\s*(?:<span|</th>)', html)


def take_next_at_once(database, list_id, callers, at=None):
    """Every caller asks for the next person on a list at the same moment, each on a
    connection of their own. Returns (target ids they got, errors raised)."""
    start, got, errors = threading.Barrier(len(callers)), [], []

    def ask(caller):
        connection = connect(database)
        try:
            start.wait()
            got.append(calls_data.next_target(connection, list_id, caller["id"], at))
        except Exception as error:  # noqa: BLE001 (reported to the caller)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(c,)) for c in callers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return got, errors
