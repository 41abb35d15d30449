"""Every route that takes an id, called by every role from outside its scope.

The object ids all belong to association A (its municipality and district);
the actors belong elsewhere, or are members of A without rights. A new route
with an id in its URL is covered automatically; its owner must make it pass.
"""
import json
import re
from datetime import date

import pytest

from recruiter import calls_data, partners_lists
from recruiter.units import ROLES
from tests.factories import (make_association, make_campaign, make_link, make_member, make_shift,
                             make_signup)

MARKERS = ("victim-marker@example.org", "Offerfornamn", "+46700000123")


@pytest.fixture
def scene(app, db, login_as):
    a = make_association(db)
    municipality = db.table("municipalities").get(a["municipality_id"])
    elsewhere = make_association(db)
    other_municipality = db.table("municipalities").get(elsewhere["municipality_id"])
    owner = make_member(db, association=a, first_name="Offerfornamn",
                        email="victim-marker@example.org")
    make_member(db, association=a, role="chair")
    link = make_link(db, owner)
    shift = make_shift(db, owner, "2026-11-20T10:00:00+00:00")
    signup = make_signup(db, recruiter=owner, phone="+46700000123")
    with app.test_request_context():
        from recruiter import accounts
        invitation_token = accounts.create_invitation(db, a["id"], owner["id"],
                                                      app.config["INVITATION_LIFETIME"])
    invitation = next(db.table("invitations").rows_where())
    owner_session = login_as(owner)
    session_id = next(db.table("sessions").rows_where("member_id = ?", [owner["id"]]))["id"]
    calls_data.sync_welcome(db, a["id"])  # the sign-up on A's welcome list
    target = next(db.table("call_targets").rows_where())
    chair_of_a = next(db.table("members").rows_where("association_id = ? and id != ?",
                                                       [a["id"], owner["id"]]))
    activity_id = db.table("activities").insert({
        "kind": "door_knocking", "audience": "association", "association_id": a["id"],
        "municipality_id": a["municipality_id"], "starts_at": "2099-01-01T10:00:00+00:00",
        "ends_at": "2099-01-01T12:00:00+00:00", "place": "Torget", "capacity": 5,
        "organiser_id": chair_of_a["id"], "created_at": "2026-01-01T00:00:00+00:00",
        "updated_at": "2026-01-01T00:00:00+00:00"}).last_pk
    db.table("activity_signups").insert({"activity_id": activity_id, "member_id": owner["id"],
                                         "created_at": "2026-01-01T00:00:00+00:00"})
    ids = {"association_id": a["id"], "member_id": owner["id"], "link_id": link["id"],
           "shift_id": shift["id"], "signup_id": signup["id"], "invitation_id": invitation["id"],
           "session_id": session_id, "municipality": municipality["id"],
           "district": municipality["district_id"], "target_id": target["id"],
           "municipality_id": municipality["id"], "activity_id": activity_id,
           "partner_id": make_partner_organisation(db)["id"],
           "campaign_id": make_campaign(db, level="municipality", unit_id=municipality["id"])["id"],
           "year": 2026, "key": "2026-03"}  # key: a two-month report's period (reports.py)
    ids["list_id"] = partners_lists.create_list(
        db, ids["partner_id"], owner["id"], "Lista", "Manus", date(2099, 1, 1),
        [(2, {"first_name": "Offerfornamn", "last_name": "X", "mobile": "+46700000123",
              "email": None, "municipality_id": municipality["id"], "association_id": None})])
    actors = {
        "member of A": login_as(make_member(db, association=a)),
        "chair of elsewhere": login_as(make_member(db, association=elsewhere, role="chair"),
                                       role="chair"),
        "municipal admin elsewhere": login_as(make_member(
            db, association=None, role="municipal_admin", unit=other_municipality)),
        "district admin elsewhere": login_as(make_member(
            db, association=None, role="district_admin",
            unit={"id": other_municipality["district_id"]})),
        "coordinator of another partner": login_as(make_member(
            db, association=None, role="partner_coordinator",
            unit=make_partner_organisation(db))),
    }
    assert owner_session and invitation_token and make_campaign
    return ids, actors


def object_urls(app, ids):
    """(method, url) for every rule with an object id in it, filled with A's objects."""
    for rule in app.url_map.iter_rules():
        arguments = set(rule.arguments)
        if not arguments & {"association_id", "member_id", "link_id", "shift_id", "signup_id",
                            "invitation_id", "session_id", "unit_id", "target_id",
                            "municipality_id", "partner_id", "list_id", "activity_id",
                            "campaign_id"}:
            continue
        values = {k: ids[k] for k in arguments if k in ids}
        if "level" in arguments:
            for level, key in (("association", "association_id"),
                               ("municipality", "municipality"), ("district", "district")):
                yield from _methods(rule, {**values, "level": level, "unit_id": ids[key]})
            continue
        if "action" in arguments:
            values["action"] = "inaktivera"
        yield from _methods(rule, values)


def _methods(rule, values):
    try:
        url = rule.build(values)[1]
    except Exception:  # a level this rule does not accept
        return
    for method in ("GET", "POST"):
        if method in rule.methods:
            yield method, url, rule.endpoint


PUBLIC_BY_DESIGN = {"auth.invitation", "auth.reset", "join.via_link"}
# A's activity is for A's members: they see it and may join it, not run it.
AUDIENCE_OF_A = {"activities.show", "activities.sign_up", "activities.cancel_signup",
                 "calendar.activity"}


def test_nobody_reaches_objects_outside_their_scope(app, db, scene):
    ids, actors = scene
    checked = 0
    for method, url, endpoint in object_urls(app, ids):
        if endpoint in PUBLIC_BY_DESIGN:
            continue
        for name, client in actors.items():
            if name == "member of A" and endpoint in {"leaderboard.index", "campaigns.show",
                                                      *AUDIENCE_OF_A}:
                continue
            response = client.open(url, method=method, data=json.dumps({}) if "/api/" in url else {},
                                   content_type="application/json" if "/api/" in url else None)
            body = response.get_data(as_text=True)
            assert response.status_code in (403, 404), (name, method, url, response.status_code)
            assert not any(marker in body for marker in MARKERS), (name, method, url)
            checked += 1
    assert checked > 60
    assert db.table("members").get(ids["member_id"])["is_active"] == 1
    assert db.table("password_resets").count == 0
    assert db.table("links").get(ids["link_id"])["revoked_at"] is None


# Reset links: whoever holds one logs in as its owner, so a role may create one only
# for an account that sees nothing its own role may not (README: roles, resets).
RESETTERS = ("chair", "municipal_admin", "district_admin", "national_admin")
TARGETS = ("member", "chair", "municipal_admin", "district_admin")
MAY_RESET = {("chair", "member"), ("municipal_admin", "member"),
             ("district_admin", "member"), ("district_admin", "municipal_admin"),
             ("national_admin", "member"), ("national_admin", "chair"),
             ("national_admin", "municipal_admin"), ("national_admin", "district_admin")}
PAGES_WITHOUT_IDS = ("/kansli/personer", "/kansli/logg", "/oversikt", "/admin/")
# The one documented exception: the national office resets chairs (someone must), and
# the chair's list of sign-ups holds people the office can already find, export and
# erase through /kansli/personer; the reset is audited and the chair told.
# The members' interests (issue 14: what they would like to do and when, no contact
# details) come with it: only the chair sees them, and whoever resets a chair could.
OFFICE_RESETS_A_CHAIR = {("national_admin", "chair"): {"anmalningar", "intressen"}}


@pytest.fixture
def reset_scene(db):
    return reset_scene_for(db)


def reset_scene_for(db):
    """Association A with a sign-up, and a maker of A's members holding a role (with an app)."""
    a = make_association(db)
    municipality = {"id": a["municipality_id"]}
    district = {"id": db.table("municipalities").get(a["municipality_id"])["district_id"]}
    units = {"member": None, "chair": None, "municipal_admin": municipality,
             "district_admin": district, "national_admin": None,
             "partner_coordinator": make_partner_organisation(db)}

    def person(role):
        member = make_member(db, association=a, role=role, unit=units[role])
        db.execute("update members set totp_secret = 'JBSWY3DPEHPK3PXP' where id = ?",
                   [member["id"]])  # the second-factor rule has a test of its own
        return member

    make_signup(db, association=a, email="victim-marker@example.org")
    return a, person


def reachable(app, client, ids):
    """The GET pages about association A's units (and the id-less ones) a client reaches."""
    urls = [url for method, url, endpoint in object_urls(app, ids)
            if method == "GET" and endpoint not in PUBLIC_BY_DESIGN
            and not {"link_id", "shift_id", "signup_id", "session_id", "member_id",
                     "invitation_id"} & set(app.url_map._rules_by_endpoint[endpoint][0].arguments)]
    return {url for url in [*urls, *PAGES_WITHOUT_IDS] if client.get(url).status_code == 200}


@pytest.mark.parametrize("resetter_role", RESETTERS)
@pytest.mark.parametrize("target_role", TARGETS)
def test_no_role_reads_through_a_reset_what_it_may_not(app, db, login_as, reset_scene,
                                                         resetter_role, target_role):
    a, person = reset_scene
    resetter, target = person(resetter_role), person(target_role)
    client = login_as(resetter, role=resetter_role)
    response = client.post(f"/forening/{a['id']}/medlem/{target['id']}/aterstallning")
    allowed = (resetter_role, target_role) in MAY_RESET
    assert response.status_code == (200 if allowed else 403)
    assert db.table("password_resets").count == (1 if allowed else 0)
    if not allowed:
        return
    ids = {"association_id": a["id"], "municipality": a["municipality_id"],
           "district": db.table("municipalities").get(a["municipality_id"])["district_id"]}
    own = reachable(app, client, ids)
    for role in {r["role"] for r in db.table("roles").rows_where("member_id = ?", [target["id"]])}:
        gained = reachable(app, login_as(target, role=role), ids) - own
        excused = OFFICE_RESETS_A_CHAIR.get((resetter_role, target_role), set())
        gained = {url for url in gained if url.rsplit("/", 1)[-1] not in excused}
        assert not gained, (resetter_role, target_role, role, gained)


# The pages show exactly what the server allows (scope.py's rules by name): every
# card, back link and button shown is answered, every one left off is refused.
CARD = re.compile(r'<a class="card"[^>]*?href="([^"]+)"')
BACK = re.compile(r'<a class="tap" href="([^"?]+)[^"]*">←')


def in_scope_of(db, a, role):
    """A member holding `role` over association A or the unit above it at the role's level."""
    municipality = db.table("municipalities").get(a["municipality_id"])
    unit = {"association": None, "municipality": municipality,
            "district": {"id": municipality["district_id"]}, "nation": None,
            "partner": make_partner_organisation(db)}[ROLES[role].level]
    association = a if ROLES[role].level == "association" else None
    return make_member(db, association=association, role=role, unit=unit)


def make_partner_organisation(db):
    n = db.table("partner_organisations").count + 1
    row = {"name": f"Partner {n}", "code": f"P{n}", "kind": "union", "created_at": "2026-01-01"}
    return db.table("partner_organisations").get(
        db.table("partner_organisations").insert(row).last_pk)


def answered(client, url):
    """(status after redirects, the path that answered)."""
    response = client.get(url, follow_redirects=True)
    return response.status_code, response.request.path


@pytest.mark.parametrize("role", list(ROLES))
def test_the_start_page_links_to_exactly_what_the_role_may_open(db, login_as, role):
    a = make_association(db)
    make_signup(db, association=a)
    client = login_as(in_scope_of(db, a, role), role=role)
    cards = set(CARD.findall(client.get("/").get_data(as_text=True)))
    assert cards
    for url in cards:
        assert answered(client, url)[0] == 200, (role, url)
    own = f"/forening/{a['id']}"
    for url in ("/oversikt", "/admin/", "/kansli/personer", f"{own}/team", f"{own}/medlemmar",
                f"{own}/anmalningar"):
        status, final = answered(client, url)
        shown = url in cards or final in cards
        if ROLES[role].level != "association" and url.startswith(own):
            continue  # reachable from the overview, not from the start page
        assert (status == 200) == shown, (role, url, status, final)


@pytest.mark.parametrize("role", ["municipal_admin", "district_admin", "national_admin"])
@pytest.mark.parametrize("area", ["oversikt", "admin"])
def test_back_links_are_shown_exactly_where_they_open(db, login_as, role, area):
    a = make_association(db)
    municipality = db.table("municipalities").get(a["municipality_id"])
    client = login_as(in_scope_of(db, a, role), role=role)
    for level, unit_id, parent in (("municipality", municipality["id"],
                                    f"/{area}/district/{municipality['district_id']}"),
                                   ("district", municipality["district_id"],
                                    f"/{area}/nation/0")):
        page = client.get(f"/{area}/{level}/{unit_id}")
        if page.status_code != 200:
            continue
        shown = BACK.findall(page.get_data(as_text=True))
        assert shown in ([], [parent]), shown
        assert (client.get(parent).status_code == 200) == bool(shown), (role, level)


ACTIONS = ("aterstallning", "logga-ut", "inaktivera")  # in an order that keeps the target active


@pytest.mark.parametrize("role", ["chair", "municipal_admin", "district_admin", "national_admin"])
def test_the_members_page_shows_exactly_the_buttons_the_server_allows(app, db, login_as, role):
    app.config["SECOND_FACTOR_REQUIRED"] = True
    a, person = reset_scene_for(db)
    targets = [person(r) for r in ROLES]
    without_app = person("municipal_admin")
    db.execute("update members set totp_secret = null where id = ?", [without_app["id"]])
    targets.append(without_app)
    client = login_as(in_scope_of(db, a, role), role=role)
    page = client.get(f"/forening/{a['id']}/medlemmar").get_data(as_text=True)
    checked = set()
    for target in targets:
        for action in ACTIONS:
            url = f"/forening/{a['id']}/medlem/{target['id']}/{action}"
            shown = f'action="{url}"' in page
            status = client.post(url).status_code
            assert status != 403 if shown else status == 403, (role, target["email"], action)
            checked.add(shown)
    assert checked == {True, False}  # the page showed some buttons and left some off
