import re
import threading

import pytest

from recruiter import accounts, audit
from recruiter.db import connect
from recruiter.limits import limiter
from tests.factories import PASSWORD, make_association, make_member


def link_token(response, prefix):
    match = re.search(rf'value="http://127.0.0.1:5000/{prefix}/([A-Za-z0-9_-]+)"',
                      response.get_data(as_text=True))
    return match.group(1)


@pytest.fixture
def chair(db):
    return make_member(db, role="chair", first_name="Olle")


def members_url(member):
    return f"/forening/{member['association_id']}/medlemmar"


def test_chair_sees_own_association_members(login_as, db, chair):
    association = db.table("associations").get(chair["association_id"])
    other = make_member(db, association=association, first_name="Selma")
    page = login_as(chair, role="chair").get(members_url(chair)).get_data(as_text=True)
    assert "Selma" in page and other["email"] in page


def test_member_cannot_open_chair_pages(login_as, db, chair):
    association = db.table("associations").get(chair["association_id"])
    member = make_member(db, association=association)
    client = login_as(member)
    assert client.get(members_url(chair)).status_code == 403
    assert client.post(members_url(chair).replace("medlemmar", "inbjudan")).status_code == 403


def test_chair_gets_403_for_another_association(login_as, db, chair):
    stranger = make_member(db, first_name="Främling")
    response = login_as(chair, role="chair").get(members_url(stranger))
    assert response.status_code == 403
    assert stranger["email"] not in response.get_data(as_text=True)


def test_chair_acting_as_member_loses_chair_rights(login_as, db, chair):
    assert login_as(chair, role="member").get(members_url(chair)).status_code == 403


def test_unknown_association_is_404(login_as, chair):
    assert login_as(chair, role="chair").get("/forening/99999/medlemmar").status_code == 404


def test_municipal_admin_sees_only_own_municipality(login_as, db):
    inside = make_association(db)
    outside = make_association(db)
    admin = make_member(db, association=None, role="municipal_admin",
                        unit={"id": inside["municipality_id"]})
    client = login_as(admin)
    assert client.get(f"/forening/{inside['id']}/medlemmar").status_code == 200
    assert client.get(f"/forening/{outside['id']}/medlemmar").status_code == 403


def test_district_admin_reaches_associations_below(login_as, db):
    association = make_association(db)
    district_id = db.table("municipalities").get(association["municipality_id"])["district_id"]
    admin = make_member(db, association=None, role="district_admin", unit={"id": district_id})
    assert login_as(admin).get(f"/forening/{association['id']}/medlemmar").status_code == 200
    elsewhere = make_association(db)
    assert login_as(admin).get(f"/forening/{elsewhere['id']}/medlemmar").status_code == 403


def test_invitation_creates_an_account_that_waits_for_the_chair(app, login_as, db, chair):
    chair_client = login_as(chair, role="chair")
    response = chair_client.post(
        members_url(chair).replace("medlemmar", "inbjudan"), data={"max_uses": 1})
    assert response.status_code == 200 and "<svg" in response.get_data(as_text=True)
    token = link_token(response, "inbjudan")
    newcomer = app.test_client()
    assert newcomer.get(f"/inbjudan/{token}").status_code == 200
    response = newcomer.post(f"/inbjudan/{token}", data={
        "first_name": "Nora", "last_name": "Ny", "email": "nora@example.org",
        "password": "min-egen-fras-99", "repeat": "min-egen-fras-99"})
    assert response.status_code == 200 and "Tack!" in response.get_data(as_text=True)
    nora = next(db.table("members").rows_where("email = 'nora@example.org'"))
    assert nora["association_id"] == chair["association_id"] and nora["is_active"] == 0
    roles = [r["role"] for r in db.table("roles").rows_where("member_id = ?", [nora["id"]])]
    assert roles == ["member"]
    login = {"email": "nora@example.org", "password": "min-egen-fras-99"}
    assert newcomer.post("/logga-in", data=login).status_code == 401
    page = chair_client.get(members_url(chair)).get_data(as_text=True)
    assert "Väntar på godkännande" in page and "Godkänn" in page
    approve = f"{members_url(chair).replace('medlemmar', 'medlem')}/{nora['id']}/aktivera"
    assert "kan logga in nu" in chair_client.post(approve, follow_redirects=True).get_data(as_text=True)
    assert newcomer.post("/logga-in", data=login).status_code == 302


def _page_without_tokens(response):
    return re.sub(r'(name="csrf-token" content|name="csrf_token" value)="[^"]*"', "",
                  response.get_data(as_text=True))


def test_invitation_answers_the_same_for_a_new_and_an_existing_address(app, login_as, db,
                                                                      chair, outbox):
    token = link_token(login_as(chair, role="chair").post(
        members_url(chair).replace("medlemmar", "inbjudan"), data={"max_uses": 5}), "inbjudan")
    form = {"first_name": "Doris", "last_name": "Dubblett",
            "password": "min-egen-fras-99", "repeat": "min-egen-fras-99"}
    existing = app.test_client().post(f"/inbjudan/{token}", data={**form, "email": chair["email"]})
    new = app.test_client().post(f"/inbjudan/{token}", data={**form, "email": "ny@example.org"})
    assert existing.status_code == new.status_code == 200
    assert _page_without_tokens(existing) == _page_without_tokens(new)
    assert next(db.table("invitations").rows_where())["uses"] == 2  # both used the link
    assert db.table("members").get(chair["id"])["password_hash"] == chair["password_hash"]
    assert [to for to, _, _ in outbox] == [chair["email"], "ny@example.org"]
    assert "redan ett konto" in outbox[0][2]
    owner = app.test_client()
    owner.post("/logga-in", data={"email": chair["email"], "password": PASSWORD})
    page = owner.get("/").get_data(as_text=True)
    assert "Någon försökte skapa ett nytt konto med din e-postadress" in page
    association = db.table("associations").get(chair["association_id"])
    assert association["name"] in page


def test_every_invitation_attempt_is_counted_and_the_31st_refused(app, db, chair):


    app.config["RATELIMIT_ENABLED"] = True
    limiter.init_app(app)
    limiter.reset()
    with app.app_context():
        token = accounts.create_invitation(db, chair["association_id"], chair["id"],
                                           app.config["INVITATION_LIFETIME"])
    try:
        statuses = [app.test_client().post(
            f"/inbjudan/{token}", data={"first_name": "Gissa", "email": f"g{n}@example.org",
                                        "password": "kort"},
            environ_base={"REMOTE_ADDR": f"198.51.100.{n}"}).status_code for n in range(31)]
        refused = app.test_client().post(
            f"/inbjudan/{token}", data={"first_name": "Gissa", "email": "sist@example.org"},
            environ_base={"REMOTE_ADDR": "203.0.113.7"})
    finally:
        limiter.reset()
    assert statuses[:30] == [422] * 30 and statuses[30] == 429
    assert refused.status_code == 429
    body = refused.get_data(as_text=True)
    assert "För många försök" in body and 'value="sist@example.org"' in body
    attempts = [e for e in audit.recent(db) if e["action"] == "invitation_used"]
    assert len(attempts) == 30 and {e["outcome"] for e in attempts} == {"invalid"}
    assert next(db.table("invitations").rows_where())["uses"] == 0


def test_invitation_form_errors_keep_what_was_typed(app, login_as, db, chair):
    token = link_token(login_as(chair, role="chair").post(
        members_url(chair).replace("medlemmar", "inbjudan"), data={"max_uses": 1}), "inbjudan")
    response = app.test_client().post(f"/inbjudan/{token}", data={
        "first_name": "Doris", "last_name": "Dubblett", "email": "doris@example.org",
        "password": "kort", "repeat": "kort"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="Doris"' in body and 'value="Dubblett"' in body
    assert 'value="doris@example.org"' in body
    assert next(db.table("invitations").rows_where())["uses"] == 0


def test_used_invitation_is_refused(app, login_as, db, chair):
    response = login_as(chair, role="chair").post(
        members_url(chair).replace("medlemmar", "inbjudan"), data={"max_uses": 1})
    token = link_token(response, "inbjudan")
    data = {"first_name": "A", "last_name": "B", "email": "a@example.org",
            "password": "min-egen-fras-99", "repeat": "min-egen-fras-99"}
    assert app.test_client().post(f"/inbjudan/{token}", data=data).status_code == 200
    second = app.test_client().post(f"/inbjudan/{token}", data={**data, "email": "b@example.org"})
    assert second.status_code == 410
    assert "redan använd" in second.get_data(as_text=True)
    assert db.table("members").count_where("email = 'b@example.org'") == 0


def test_expired_and_forged_invitations_are_refused(app, login_as, db, chair):
    response = login_as(chair, role="chair").post(
        members_url(chair).replace("medlemmar", "inbjudan"), data={"max_uses": 5})
    token = link_token(response, "inbjudan")
    db.execute("update invitations set expires_at = '2000-01-01T00:00:00+00:00'")
    assert app.test_client().get(f"/inbjudan/{token}").status_code == 410
    assert app.test_client().get("/inbjudan/forged-token-value").status_code == 410


def test_switched_off_invitation_is_refused(app, login_as, db, chair):
    client = login_as(chair, role="chair")
    token = link_token(client.post(members_url(chair).replace("medlemmar", "inbjudan"),
                                   data={"max_uses": 3}), "inbjudan")
    invitation = next(db.table("invitations").rows_where())
    client.post(members_url(chair).replace("medlemmar", f"inbjudan/{invitation['id']}/stang"))
    assert app.test_client().get(f"/inbjudan/{token}").status_code == 410


def test_multi_use_invitation_counts_uses(app, login_as, db, chair):
    token = link_token(login_as(chair, role="chair").post(
        members_url(chair).replace("medlemmar", "inbjudan"), data={"max_uses": 2}), "inbjudan")
    for n in range(3):
        app.test_client().post(f"/inbjudan/{token}", data={
            "first_name": "A", "last_name": "B", "email": f"x{n}@example.org",
            "password": "min-egen-fras-99", "repeat": "min-egen-fras-99"})
    assert db.table("members").count_where("email like 'x%@example.org'") == 2


@pytest.mark.parametrize("max_uses", ["0", "101", "abc"])
def test_invitation_form_rejects_bad_counts(login_as, db, chair, max_uses):
    response = login_as(chair, role="chair").post(
        members_url(chair).replace("medlemmar", "inbjudan"), data={"max_uses": max_uses},
        follow_redirects=True)
    assert "Ange ett antal" in response.get_data(as_text=True)
    assert db.table("invitations").count == 0


def test_deactivation_ends_sessions(login_as, db, chair):
    association = db.table("associations").get(chair["association_id"])
    member = make_member(db, association=association)
    phone = login_as(member)
    assert phone.get("/").status_code == 200
    response = login_as(chair, role="chair").post(
        f"{members_url(chair).replace('medlemmar', 'medlem')}/{member['id']}/inaktivera")
    assert response.status_code == 302
    assert phone.get("/").status_code == 401
    assert db.table("members").get(member["id"])["is_active"] == 0


def test_reactivation_lets_member_log_in_again(app, login_as, db, chair):
    association = db.table("associations").get(chair["association_id"])
    member = make_member(db, association=association)
    client = login_as(chair, role="chair")
    base = f"{members_url(chair).replace('medlemmar', 'medlem')}/{member['id']}"
    client.post(f"{base}/inaktivera")
    client.post(f"{base}/aktivera")
    response = app.test_client().post("/logga-in", data={"email": member["email"],
                                                         "password": PASSWORD})
    assert response.status_code == 302


def test_chair_cannot_deactivate_another_associations_member(login_as, db, chair):
    stranger = make_member(db)
    response = login_as(chair, role="chair").post(
        f"{members_url(chair).replace('medlemmar', 'medlem')}/{stranger['id']}/inaktivera")
    assert response.status_code == 404
    assert db.table("members").get(stranger["id"])["is_active"] == 1


def test_chair_cannot_deactivate_self(login_as, db, chair):
    login_as(chair, role="chair").post(
        f"{members_url(chair).replace('medlemmar', 'medlem')}/{chair['id']}/inaktivera")
    assert db.table("members").get(chair["id"])["is_active"] == 1


def test_reset_link_works_once(app, login_as, db, chair):
    association = db.table("associations").get(chair["association_id"])
    member = make_member(db, association=association)
    old_session = login_as(member)
    response = login_as(chair, role="chair").post(
        f"{members_url(chair).replace('medlemmar', 'medlem')}/{member['id']}/aterstallning")
    token = link_token(response, "aterstall")
    data = {"password": "helt-ny-fras-77", "repeat": "helt-ny-fras-77"}
    assert app.test_client().post(f"/aterstall/{token}", data=data).status_code == 302
    assert old_session.get("/").status_code == 401
    login = app.test_client().post("/logga-in", data={"email": member["email"],
                                                      "password": "helt-ny-fras-77"})
    assert login.status_code == 302
    assert app.test_client().post(f"/aterstall/{token}", data=data).status_code == 410


def test_reset_link_is_emailed_when_smtp_is_configured(app, login_as, db, chair, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            sent.append(host)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self):
            pass

        def send_message(self, message):
            sent.append(message["To"])

    monkeypatch.setattr("recruiter.mail.smtplib.SMTP", FakeSMTP)
    app.config.update(MAIL_SERVER="smtp.example.org", MAIL_FROM="varva@example.org")
    association = db.table("associations").get(chair["association_id"])
    member = make_member(db, association=association)
    response = login_as(chair, role="chair").post(
        f"{members_url(chair).replace('medlemmar', 'medlem')}/{member['id']}/aterstallning")
    assert sent == ["smtp.example.org", member["email"]]
    assert "skickats med e-post" in response.get_data(as_text=True)


def test_racing_for_the_last_uses_of_an_invitation(app, db, chair):
    """Eight phones accept a three-use link at once: exactly three accounts, no lock errors."""


    with app.app_context():
        token = accounts.create_invitation(db, chair["association_id"], chair["id"],
                                           app.config["INVITATION_LIFETIME"], max_uses=3)
    results, errors = [], []

    def accept(n):
        connection = connect(app.config["DATABASE"])
        try:
            with app.app_context():
                results.append(accounts.accept_invitation(
                    connection, token, f"race{n}@example.org", "R", "S", "min-egen-fras-99"))
        except Exception as error:  # recorded, asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(r for r in results if r is not None) == ["created"] * 3
    assert db.table("members").count_where("email like 'race%'") == 3
    assert next(db.table("invitations").rows_where())["uses"] == 3


@pytest.mark.parametrize("target_role", ["national_admin", "municipal_admin", "chair"])
def test_chair_cannot_take_over_an_account_with_an_equal_or_higher_role(login_as, db, chair,
                                                                        target_role):
    association = db.table("associations").get(chair["association_id"])
    unit = {"id": association["municipality_id"]} if target_role == "municipal_admin" else None
    boss = make_member(db, association=association, role=target_role, unit=unit)
    client = login_as(chair, role="chair")
    base = f"{members_url(chair).replace('medlemmar', 'medlem')}/{boss['id']}"
    assert client.post(f"{base}/aterstallning").status_code == 403
    assert client.post(f"{base}/inaktivera").status_code == 403
    assert db.table("password_resets").count == 0
    assert db.table("members").get(boss["id"])["is_active"] == 1
    page = client.get(members_url(chair)).get_data(as_text=True)
    assert f"/medlem/{boss['id']}/" not in page


def test_municipal_admin_manages_a_chair_below_but_cannot_reset_them(login_as, db, chair):
    """A chair reads the association's sign-ups, which a municipal administrator may not."""
    association = db.table("associations").get(chair["association_id"])
    admin = make_member(db, association=None, role="municipal_admin",
                        unit={"id": association["municipality_id"]})
    client = login_as(admin)
    base = f"{members_url(chair).replace('medlemmar', 'medlem')}/{chair['id']}"
    assert client.post(f"{base}/aterstallning").status_code == 403
    assert db.table("password_resets").count == 0
    page = client.get(members_url(chair)).get_data(as_text=True)
    assert f"{base}/aterstallning" not in page and "be kansliet" in page
    assert client.post(f"{base}/logga-ut").status_code == 302  # still manages the account


def _reset(client, chair, member):
    response = client.post(
        f"{members_url(chair).replace('medlemmar', 'medlem')}/{member['id']}/aterstallning")
    assert response.status_code == 200
    return link_token(response, "aterstall")


def test_creating_and_using_a_reset_is_audited_and_the_owner_told(app, login_as, db, chair):
    association = db.table("associations").get(chair["association_id"])
    member = make_member(db, association=association, first_name="Greta")
    token = _reset(login_as(chair, role="chair"), chair, member)
    data = {"password": "helt-ny-fras-77", "repeat": "helt-ny-fras-77"}
    assert app.test_client().post(f"/aterstall/{token}", data=data).status_code == 302
    events = [(e["action"], e["actor_id"], e["object_id"]) for e in reversed(audit.recent(db))]
    assert events[-2:] == [("reset_created", chair["id"], member["id"]),
                           ("reset_used", None, member["id"])]
    owner = app.test_client()
    owner.post("/logga-in", data={"email": member["email"], "password": "helt-ny-fras-77"})
    page = owner.get("/").get_data(as_text=True)
    assert "Ditt lösenord återställdes av Olle" in page and " den " in page
    assert "återställdes av" not in owner.get("/").get_data(as_text=True)  # told once
    again = app.test_client()
    again.post("/logga-in", data={"email": member["email"], "password": "helt-ny-fras-77"})
    assert "återställdes av" not in again.get("/").get_data(as_text=True)


def test_the_owner_is_mailed_when_their_reset_is_used(app, login_as, db, chair, outbox):
    association = db.table("associations").get(chair["association_id"])
    member = make_member(db, association=association)
    token = _reset(login_as(chair, role="chair"), chair, member)
    app.test_client().post(f"/aterstall/{token}", data={"password": "helt-ny-fras-77",
                                                         "repeat": "helt-ny-fras-77"})
    to, subject, body = outbox[-1]
    assert to == member["email"] and "lösenord" in subject and "Olle" in body


def test_a_link_that_connects_the_owners_app_goes_only_to_the_owner(app, login_as, db, chair,
                                                                   outbox):
    app.config["SECOND_FACTOR_REQUIRED"] = True
    national = make_member(db, association=None, role="national_admin")
    page = login_as(national).post(
        f"{members_url(chair).replace('medlemmar', 'medlem')}/{chair['id']}/aterstallning")
    body = page.get_data(as_text=True)
    to, _, mail = outbox[-1]
    token = re.search(r"/aterstall/([A-Za-z0-9_-]+)", mail).group(1)
    assert page.status_code == 200 and to == chair["email"]
    assert token not in body and 'data-testid="owner-only"' in body


def test_without_mail_a_second_national_administrator_issues_that_link(app, login_as, db,
                                                                       chair):
    app.config["SECOND_FACTOR_REQUIRED"] = True
    first = login_as(make_member(db, association=None, role="national_admin"))
    second_admin = make_member(db, association=None, role="national_admin")
    second = login_as(second_admin)
    asked = first.post(
        f"{members_url(chair).replace('medlemmar', 'medlem')}/{chair['id']}/aterstallning")
    assert 'data-testid="second-person"' in asked.get_data(as_text=True)
    assert db.table("password_resets").count == 0
    request_id = next(db.table("reset_requests").rows_where())["id"]
    assert first.post(f"/kansli/aterstallningar/{request_id}").status_code == 403
    assert db.table("password_resets").count == 0
    listed = second.get("/kansli/aterstallningar").get_data(as_text=True)
    assert f"/kansli/aterstallningar/{request_id}" in listed
    issued = second.post(f"/kansli/aterstallningar/{request_id}")
    assert issued.status_code == 200 and link_token(issued, "aterstall")
    reset = next(db.table("password_resets").rows_where())
    assert (reset["member_id"], reset["created_by"]) == (chair["id"], second_admin["id"])
    assert second.post(f"/kansli/aterstallningar/{request_id}").status_code == 404  # once
    actions = [e["action"] for e in reversed(audit.recent(db))]
    assert actions[-3:] == ["reset_requested", "reset_approved", "reset_created"]


def test_a_chair_is_reset_only_by_the_national_office(app, login_as, db, chair):
    association = db.table("associations").get(chair["association_id"])
    district_id = db.table("municipalities").get(association["municipality_id"])["district_id"]
    district = make_member(db, association=None, role="district_admin", unit={"id": district_id})
    national = make_member(db, association=None, role="national_admin")
    base = f"{members_url(chair).replace('medlemmar', 'medlem')}/{chair['id']}/aterstallning"
    assert login_as(district).post(base).status_code == 403
    assert login_as(national).post(base).status_code == 200
    assert db.table("password_resets").count == 1


@pytest.mark.parametrize("enrolled,expected", [(False, 403), (True, 200)])
def test_an_account_without_its_required_second_factor_is_reset_only_by_the_office(
        app, login_as, db, enrolled, expected):
    """The link's holder would connect their own app at the first login."""
    app.config["SECOND_FACTOR_REQUIRED"] = True
    association = make_association(db)
    municipality = {"id": association["municipality_id"]}
    target = make_member(db, association=association, role="municipal_admin", unit=municipality)
    if enrolled:
        db.execute("update members set totp_secret = 'JBSWY3DPEHPK3PXP' where id = ?",
                   [target["id"]])
    district_id = db.table("municipalities").get(association["municipality_id"])["district_id"]
    district = make_member(db, association=None, role="district_admin", unit={"id": district_id})
    url = f"/forening/{association['id']}/medlem/{target['id']}/aterstallning"
    assert login_as(district).post(url).status_code == expected
    national = make_member(db, association=None, role="national_admin")
    assert login_as(national).post(url).status_code == 200


def test_chair_logs_a_member_out_everywhere_without_switching_them_off(login_as, db, chair):
    association = db.table("associations").get(chair["association_id"])
    member = make_member(db, association=association)
    phone, laptop = login_as(member), login_as(member)
    response = login_as(chair, role="chair").post(
        f"{members_url(chair).replace('medlemmar', 'medlem')}/{member['id']}/logga-ut")
    assert response.status_code == 302
    assert phone.get("/").status_code == 401 and laptop.get("/").status_code == 401
    assert db.table("members").get(member["id"])["is_active"] == 1


def test_chair_turns_away_an_account_they_do_not_recognise(app, login_as, db, chair):
    with app.app_context():
        token = accounts.create_invitation(db, chair["association_id"], chair["id"],
                                           app.config["INVITATION_LIFETIME"])
    app.test_client().post(f"/inbjudan/{token}", data={
        "first_name": "Okänd", "last_name": "Person", "email": "okand@example.org",
        "password": "min-egen-fras-99", "repeat": "min-egen-fras-99"})
    stranger = next(db.table("members").rows_where("email = 'okand@example.org'"))
    client = login_as(chair, role="chair")
    base = f"{members_url(chair).replace('medlemmar', 'medlem')}"
    assert f"{base}/{stranger['id']}/avvisa" in client.get(members_url(chair)).get_data(as_text=True)
    assert client.post(f"{base}/{stranger['id']}/avvisa").status_code == 302
    assert db.table("members").count_where("email = 'okand@example.org'") == 0
    for table in ("roles", "links"):
        assert db.table(table).count_where("member_id = ?", [stranger["id"]]) == 0
    active = make_member(db, association=db.table("associations").get(chair["association_id"]))
    assert client.post(f"{base}/{active['id']}/avvisa").status_code == 409
    assert db.table("members").get(active["id"])["is_active"] == 1
