"""Partner organisations (issue 13): the coordinator role, invitations, members'
statements, partner links and the share recruited together with each."""
import sqlite3

import pytest

from recruiter import accounts, calls_team, partners_data, partners_invites
from recruiter.units import ROLES
from tests.factories import (PASSWORD, make_association, make_coordinator, make_member,
                             make_municipality, make_partner, make_signup, person)


def office(db):
    return make_member(db, association=None, role="national_admin")


def state(db, member, partner):
    partners_data.set_memberships(db, member["id"], [partner["id"]])


# The role

def test_the_coordinator_role_is_held_over_a_partner_and_needs_no_second_factor(db):
    role = ROLES["partner_coordinator"]
    assert role.level == "partner" and not role.sees_personal_data and not role.reads_contacts
    coordinator = make_coordinator(db, make_partner(db))
    assert [r["role"] for r in accounts.member_roles(db, coordinator["id"])] == \
        ["partner_coordinator"]


def test_a_coordinator_logs_in_without_a_second_factor_where_chairs_need_one(app, db, client):
    app.config["SECOND_FACTOR_REQUIRED"] = True
    coordinator = make_coordinator(db, make_partner(db), email="samordnare@example.org")
    make_member(db, role="chair", email="ordf@example.org")
    chair = app.test_client().post("/logga-in", data={"email": "ordf@example.org",
                                                      "password": PASSWORD})
    assert chair.location.startswith("/logga-in/kod")
    response = client.post("/logga-in", data={"email": "samordnare@example.org",
                                              "password": PASSWORD})
    assert response.status_code == 302 and not response.location.startswith("/logga-in/kod")
    assert client.get("/").status_code == 200
    assert coordinator


def test_the_roles_table_refuses_an_unknown_role(db):
    member = make_member(db)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("insert into roles (member_id, role, unit_id, created_at) "
                   "values (?, 'partner_boss', 1, 'x')", [member["id"]])


# Who sees what

@pytest.fixture
def scene(db, login_as):
    lo, ssu = make_partner(db), make_partner(db, "SSU", "SSU", "youth")
    a = make_association(db)
    recruiter = make_member(db, association=a)
    make_signup(db, recruiter=recruiter, first_name="Hemligfornamn", partner_id=lo["id"])
    return {"lo": lo, "ssu": ssu, "a": a,
            "coordinator": login_as(make_coordinator(db, lo)),
            "office": login_as(office(db)),
            "member": login_as(recruiter),
            "chair": login_as(make_member(db, association=a, role="chair"), role="chair")}


def test_a_coordinator_sees_their_own_figures_and_no_person(scene):
    page = scene["coordinator"].get(f"/samarbete/{scene['lo']['id']}?period=all")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert '<dd data-testid="partner-signups">färre än 5</dd>' in body
    assert "Hemligfornamn" not in body


def test_a_coordinator_sees_counts_from_five_up(db, scene):
    recruiter = make_member(db, association=scene["a"])
    for n in range(4):
        make_signup(db, recruiter=recruiter, partner_id=scene["lo"]["id"],
                    status="paid" if n < 2 else "registered")
    body = scene["coordinator"].get(f"/samarbete/{scene['lo']['id']}?period=all").get_data(
        as_text=True)
    assert '<dd data-testid="partner-signups">5</dd>' in body
    assert '<dd data-testid="partner-paid">färre än 5</dd>' in body


@pytest.mark.parametrize("who", ["coordinator", "member", "chair"])
def test_only_the_office_and_its_own_coordinators_reach_a_partner(scene, who):
    client = scene[who]
    assert client.get(f"/samarbete/{scene['ssu']['id']}").status_code == 403
    assert client.post(f"/samarbete/{scene['ssu']['id']}/inbjudan").status_code == 403
    assert client.post(f"/samarbete/{scene['lo']['id']}/inbjudan").status_code == 403
    assert scene["office"].get(f"/samarbete/{scene['ssu']['id']}").status_code == 200


def test_the_coordinator_reaches_nothing_of_the_tree(db, scene):
    a = scene["a"]
    municipality = db.table("municipalities").get(a["municipality_id"])
    client = scene["coordinator"]
    for url in (f"/forening/{a['id']}/team", f"/forening/{a['id']}/medlemmar",
                f"/forening/{a['id']}/anmalningar", f"/valkomna/{a['id']}",
                f"/oversikt/municipality/{municipality['id']}", "/oversikt",
                f"/oversikt/district/{municipality['district_id']}", "/oversikt/nation/0",
                "/admin/", "/kansli/personer", "/samarbete/mina/../"):
        response = client.get(url)
        assert response.status_code in (403, 404), (url, response.status_code)
    assert client.get("/samarbete/").location.endswith(f"/samarbete/{scene['lo']['id']}")


def test_the_start_page_sends_the_coordinator_to_the_figures(scene):
    body = scene["coordinator"].get("/").get_data(as_text=True)
    assert f'href="/samarbete/{scene["lo"]["id"]}"' in body
    assert "/oversikt" not in body


# Invitations

def test_the_office_invites_a_coordinator_with_a_one_use_link(app, db, scene, client):
    response = scene["office"].post(f"/samarbete/{scene['lo']['id']}/inbjudan")
    assert response.status_code == 200
    link = response.get_data(as_text=True).split('data-testid="link"')[0]
    token = link.rsplit("/samarbete/inbjudan/", 1)[1].split('"')[0]
    form = {"first_name": "Siv", "last_name": "Fack", "email": "siv@example.org",
            "password": "ett-langt-losenord-1", "repeat": "ett-langt-losenord-1"}
    assert client.post(f"/samarbete/inbjudan/{token}", data=form).status_code == 200
    siv = accounts.find_member_by_email(db, "siv@example.org")
    assert siv["is_active"] == 1 and siv["association_id"] is None
    assert [(r["role"], r["unit_id"]) for r in accounts.member_roles(db, siv["id"])] == \
        [("partner_coordinator", scene["lo"]["id"])]
    again = client.post(f"/samarbete/inbjudan/{token}", data={**form, "email": "x@example.org"})
    assert again.status_code == 410
    assert accounts.find_member_by_email(db, "x@example.org") is None


def invitation_for(app, db, scene, inviter):
    with app.test_request_context():
        return partners_invites.create_invitation(db, scene["lo"]["id"], inviter["id"],
                                                  app.config["INVITATION_LIFETIME"])


def test_an_existing_account_gets_the_role_with_its_own_password(app, db, scene, client, outbox):
    member = make_member(db, email="finns@example.org")
    token = invitation_for(app, db, scene, member)
    client.post(f"/samarbete/inbjudan/{token}", data={
        "first_name": "A", "last_name": "B", "email": "finns@example.org",
        "password": PASSWORD, "repeat": PASSWORD})
    roles = {r["role"] for r in accounts.member_roles(db, member["id"])}
    assert roles == {"member", "partner_coordinator"}
    assert db.table("members").get(member["id"])["password_hash"] == member["password_hash"]
    assert [(to, subject) for to, subject, _ in outbox] == [
        ("finns@example.org", "Du är samordnare i Värva")]


def test_an_invitation_cannot_give_someone_elses_account_the_role(app, db, scene, client, outbox):
    chair = make_member(db, email="ordf@example.org", role="chair")
    token = invitation_for(app, db, scene, chair)
    form = {"first_name": "A", "last_name": "B", "email": "ordf@example.org",
            "password": "ett-annat-losenord-2", "repeat": "ett-annat-losenord-2"}
    known = client.post(f"/samarbete/inbjudan/{token}", data=form)
    assert {r["role"] for r in accounts.member_roles(db, chair["id"])} == {"member", "chair"}
    # The same page as for a new address, the link still usable, and the owner told.
    assert known.status_code == 200 and "samordnare" in known.get_data(as_text=True).lower()
    assert partners_invites.usable_invitation(db, token) is not None
    assert [to for to, *_ in outbox] == ["ordf@example.org"]


# Members' statements

def test_a_member_states_their_partner_organisations(db, scene):
    client = scene["member"]
    assert client.get("/samarbete/mina").status_code == 200
    response = client.post("/samarbete/mina", data={"partners": [str(scene["ssu"]["id"])]})
    assert response.status_code == 302
    assert partners_data.memberships(db, client.member_id) == [scene["ssu"]["id"]]
    client.post("/samarbete/mina", data={})
    assert partners_data.memberships(db, client.member_id) == []


def test_statements_are_shown_only_from_the_minimum_count(db, scene):
    url = f"/samarbete/{scene['lo']['id']}"
    members = [make_member(db) for _ in range(partners_data.MIN_SHOWN)]
    for member in members[:-1]:
        state(db, member, scene["lo"])
    assert "färre än 5" in scene["coordinator"].get(url).get_data(as_text=True)
    state(db, members[-1], scene["lo"])
    body = scene["coordinator"].get(url).get_data(as_text=True)
    assert f'<dd data-testid="partner-stated">{partners_data.MIN_SHOWN}</dd>' in body


# Partner links and attribution

def test_a_member_makes_a_link_with_a_partner_they_belong_to_and_a_signup_counts_for_both(
        db, scene, client):
    member = scene["member"]
    assert 'name="partner_id"' not in member.get("/varva").get_data(as_text=True)
    state(db, db.table("members").get(member.member_id), scene["lo"])
    page = member.get("/varva").get_data(as_text=True)
    assert 'name="partner_id"' in page
    member.post("/lankar", data={"label": "Facket", "campaign_id": "0",
                                 "partner_id": str(scene["lo"]["id"])})
    link = next(db.table("links").rows_where("label = 'Facket'"))
    assert link["partner_id"] == scene["lo"]["id"]
    client.post(f"/j/{link['code']}", data=person())
    signup = next(db.table("signups").rows_where("link_id = ?", [link["id"]]))
    assert (signup["recruiter_id"], signup["partner_id"], signup["source"]) == \
        (member.member_id, scene["lo"]["id"], "link")


def test_a_member_cannot_credit_a_partner_they_do_not_belong_to(db, scene):
    member = scene["member"]
    state(db, db.table("members").get(member.member_id), scene["lo"])
    member.post("/lankar", data={"label": "Fel", "campaign_id": "0",
                                 "partner_id": str(scene["ssu"]["id"])})
    assert not list(db.table("links").rows_where("label = 'Fel'"))


def test_a_coordinator_makes_a_link_for_their_organisation(db, scene, client):
    coordinator = scene["coordinator"]
    page = coordinator.get("/varva").get_data(as_text=True)
    assert f'<option selected value="{scene["lo"]["id"]}">' in page
    coordinator.post("/lankar", data={"label": "Klubbmötet", "campaign_id": "0",
                                      "partner_id": str(scene["lo"]["id"])})
    link = next(db.table("links").rows_where("label = 'Klubbmötet'"))
    client.post(f"/j/{link['code']}", data=person(postcode="211 45"))
    signup = next(db.table("signups").rows_where("link_id = ?", [link["id"]]))
    assert (signup["recruiter_id"], signup["partner_id"]) == \
        (coordinator.member_id, scene["lo"]["id"])


def test_clearing_the_credit_after_the_welcome_call_clears_the_partner_too(db, scene):
    signup = next(db.table("signups").rows_where("partner_id is not null"))
    calls_team.settle_credit(db, {"signup_id": signup["id"], "id": -1}, keep=False)
    row = db.table("signups").get(signup["id"])
    assert (row["recruiter_id"], row["partner_id"], row["source"]) == (None, None,
                                                                       "own_initiative")


# The share per unit, by hand

def test_partner_share_per_unit_equals_a_hand_count(db, login_as):
    lo, ssu = make_partner(db), make_partner(db, "SSU", "SSU", "youth")
    m1 = make_municipality(db)
    m2 = make_municipality(db, district=db.table("districts").get(m1["district_id"]))
    a, b, c = make_association(db, m1), make_association(db, m1), make_association(db, m2)
    ra, rb, rc = (make_member(db, association=x) for x in (a, b, c))
    when = "2026-03-10T10:00:00+00:00"
    # A: 4 sign-ups, 2 with LO, 1 with SSU; B: 2, none; C: 3, 1 with LO (plus a duplicate).
    for partner in (lo, lo, ssu, None):
        make_signup(db, recruiter=ra, created_at=when, partner_id=partner and partner["id"])
    make_signup(db, association=a, created_at=when)  # own initiative
    make_signup(db, recruiter=rb, created_at=when)
    make_signup(db, association=b, created_at=when)
    first = make_signup(db, recruiter=rc, created_at=when, partner_id=lo["id"])
    make_signup(db, recruiter=rc, created_at=when, partner_id=lo["id"], duplicate_of=first["id"])
    make_signup(db, association=c, created_at=when)
    make_signup(db, association=c, created_at=when)
    since, until = "2026-01-01T00:00:00+00:00", "2027-01-01T00:00:00+00:00"

    def counted(level, unit):
        result = partners_data.shares(db, level, unit, since, until)
        return (result["signups"], result["together"],
                {p["name"]: p["signups"] for p in result["partners"]})

    assert counted("association", a["id"]) == (5, 3, {"LO-förbunden": 2, "SSU": 1})
    assert counted("association", b["id"]) == (2, 0, {})
    assert counted("municipality", m1["id"]) == (7, 3, {"LO-förbunden": 2, "SSU": 1})
    assert counted("municipality", m2["id"]) == (3, 1, {"LO-förbunden": 1})
    assert counted("district", m1["district_id"]) == (10, 4, {"LO-förbunden": 3, "SSU": 1})
    share = partners_data.shares(db, "district", m1["district_id"], since, until)["share"]
    assert share == pytest.approx(4 / 10)
    admin = login_as(make_member(db, association=None, role="municipal_admin", unit=m1))
    body = admin.get(f"/oversikt/municipality/{m1['id']}?period=all").get_data(as_text=True)
    assert '<dd data-testid="partner-share">43 %' in body  # 3 of 7
    assert "inga uppgifter ännu</dd>\n</dl>" not in body
    chair = login_as(make_member(db, association=a, role="chair"), role="chair")
    team = chair.get(f"/forening/{a['id']}/team?period=all").get_data(as_text=True)
    assert '<dd data-testid="partner-share">60 %' in team  # 3 of 5


def test_the_coordinator_s_menu_and_account_pages_all_answer(db, scene):
    client = scene["coordinator"]
    for url in ("/", "/pass", "/varva", "/konto", "/konto/enheter", "/samarbete/mina"):
        assert client.get(url).status_code == 200, url
    assert "Samordnare, samarbetsorganisation" in client.get("/konto").get_data(as_text=True)


def test_a_member_who_is_also_coordinator_switches_to_the_role_by_its_organisation(db, login_as):
    lo = make_partner(db)
    member = make_member(db)
    accounts.add_role(db, member["id"], "partner_coordinator", lo["id"])
    page = login_as(member, role="member").get("/konto").get_data(as_text=True)
    assert "Samordnare, samarbetsorganisation: LO-förbunden" in page


@pytest.mark.parametrize("credit, expected", [("later", "partner"), ("none", None)])
def test_settling_a_duplicate_moves_the_partner_with_the_credit(db, login_as, credit, expected):
    lo = make_partner(db)
    chair = make_member(db, role="chair")
    association = db.table("associations").get(chair["association_id"])
    recruiter = make_member(db, association=association)
    # Cleared: the earlier one had a partner; moved: only the later one has.
    earlier = make_signup(db, association=association, email="same@example.org",
                          partner_id=lo["id"] if credit == "none" else None)
    later = make_signup(db, recruiter=recruiter, email="same@example.org", partner_id=lo["id"],
                        duplicate_of=earlier["id"])
    login_as(chair, role="chair").post(
        f"/forening/{association['id']}/anmalningar/{later['id']}/dubblett",
        data={"details": "earlier", "credit": credit})
    row = db.table("signups").get(earlier["id"])
    assert row["partner_id"] == (lo["id"] if expected else None)


def test_a_member_s_new_link_is_credited_to_no_partner_unless_they_choose_one(db, scene):
    member = scene["member"]
    state(db, db.table("members").get(member.member_id), scene["lo"])
    page = member.get("/varva").get_data(as_text=True)
    assert '<option selected value="0">' in page
    member.post("/lankar", data={"label": "Torget", "campaign_id": "0", "partner_id": "0"})
    assert next(db.table("links").rows_where("label = 'Torget'"))["partner_id"] is None


def test_the_office_switches_a_coordinator_off_and_only_a_coordinator(db, scene, login_as):
    coordinator = make_coordinator(db, scene["lo"], first_name="Svea")
    session = login_as(coordinator)
    base = f"/samarbete/{scene['lo']['id']}/samordnare"
    assert "Svea" in scene["office"].get(base).get_data(as_text=True)
    for who in ("coordinator", "member", "chair"):
        assert scene[who].get(base).status_code == 403
        assert scene[who].post(f"{base}/{coordinator['id']}/inaktivera").status_code == 403
    party_member = make_member(db)
    accounts.add_role(db, party_member["id"], "partner_coordinator", scene["lo"]["id"])
    assert scene["office"].post(f"{base}/{party_member['id']}/inaktivera").status_code == 404
    assert scene["office"].post(f"{base}/{coordinator['id']}/inaktivera").status_code == 302
    assert db.table("members").get(coordinator["id"])["is_active"] == 0
    assert session.get("/").status_code in (302, 401)  # its sessions ended


def test_a_link_made_for_one_person_does_not_tell_the_coordinator_whether_they_joined(
        db, scene, client):
    coordinator = scene["coordinator"]
    coordinator.post("/lankar", data={"label": "Kalle Svensson", "campaign_id": "0",
                                      "partner_id": str(scene["lo"]["id"])})
    link = next(db.table("links").rows_where("label = 'Kalle Svensson'"))
    coordinator.get("/varva")  # the "link made" notice
    screens, figures = [], []
    for _ in range(2):
        screen = coordinator.get("/varva").get_data(as_text=True)
        screens.append(screen.split("<h2>")[1].split('data-testid="links"')[1].split("</ul>")[0]
                       + screen.split('data-testid="recruit-count">')[1][:20])
        figures.append(coordinator.get(f"/samarbete/{scene['lo']['id']}?period=all").get_data(
            as_text=True).split('data-testid="partner-figures"')[1].split("</dl>")[0])
        client.post(f"/j/{link['code']}", data=person(first_name="Kalle"))
    assert screens[0] == screens[1] and figures[0] == figures[1]
    assert "färre än 5" in screens[1] and "färre än 5" in figures[1]
    # From five on the counts show.
    for n in range(4):
        client.post(f"/j/{link['code']}", data=person(first_name=f"N{n}", email=f"n{n}@x.se"))
    page = coordinator.get("/varva").get_data(as_text=True)
    assert '<strong class="count" data-testid="recruit-count">5</strong>' in page
    assert "anmälningar: 5" in page and "Namnlösa" not in page
