"""Every route that takes an id, called by every role from outside its scope.

The object ids all belong to association A (its municipality and district);
the actors belong elsewhere, or are members of A without rights. A new route
with an id in its URL is covered automatically; its owner must make it pass.
"""
import json

import pytest

from tests.factories import (make_association, make_campaign, make_link, make_member,
                             make_shift, make_signup)

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
    ids = {"association_id": a["id"], "member_id": owner["id"], "link_id": link["id"],
           "shift_id": shift["id"], "signup_id": signup["id"], "invitation_id": invitation["id"],
           "session_id": session_id, "municipality": municipality["id"],
           "district": municipality["district_id"]}
    actors = {
        "member of A": login_as(make_member(db, association=a)),
        "chair of elsewhere": login_as(make_member(db, association=elsewhere, role="chair"),
                                       role="chair"),
        "municipal admin elsewhere": login_as(make_member(
            db, association=None, role="municipal_admin", unit=other_municipality)),
        "district admin elsewhere": login_as(make_member(
            db, association=None, role="district_admin",
            unit={"id": other_municipality["district_id"]})),
    }
    assert owner_session and invitation_token and make_campaign
    return ids, actors


def object_urls(app, ids):
    """(method, url) for every rule with an object id in it, filled with A's objects."""
    for rule in app.url_map.iter_rules():
        arguments = set(rule.arguments)
        if not arguments & {"association_id", "member_id", "link_id", "shift_id", "signup_id",
                            "invitation_id", "session_id", "unit_id"}:
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


def test_nobody_reaches_objects_outside_their_scope(app, db, scene):
    ids, actors = scene
    checked = 0
    for method, url, endpoint in object_urls(app, ids):
        if endpoint in PUBLIC_BY_DESIGN:
            continue
        for name, client in actors.items():
            if name == "member of A" and endpoint in {"leaderboard.index"}:
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
