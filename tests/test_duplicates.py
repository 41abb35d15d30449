"""Issue 9.3: a person's own later sign-up is never lost to an earlier one with
the same address; it is kept as a possible duplicate, counted once, and the
chair settles the pair."""
import re

import pytest
from flask_login.utils import _create_identifier

from recruiter import accounts, calls_team, privacy, rollups, scoring
from recruiter.db import connect
from recruiter.migrations import migrations
from recruiter.sessions import start_session
from tests.factories import (make_member, make_signup, person, personal_link, signups,
                             withdrawal_token)


@pytest.fixture
def pair(client, db):
    """A member pre-registers Nora's address under a made-up name; Nora then
    signs up through another member's link. Returns the people involved."""
    chair = make_member(db, role="chair")
    association = db.table("associations").get(chair["association_id"])
    faker = make_member(db, association=association, first_name="Falk")
    honest = make_member(db, association=association, first_name="Hedda")
    client.post(f"/j/{personal_link(db, faker)['code']}",
                data=person(first_name="Påhittad", last_name="Namn", birth_year="1950"))
    nora = client.application.test_client()
    nora.post(f"/j/{personal_link(db, honest)['code']}",
              data=person(first_name="Nora", phone="0701234567"))
    token = withdrawal_token(nora.get("/tack").get_data(as_text=True))
    earlier, later = signups(db)
    return {"chair": chair, "association": association, "faker": faker, "honest": honest,
            "earlier": earlier, "later": later, "token": token, "nora": nora}


def signup_page(login_as, pair):
    return login_as(pair["chair"], role="chair").get(
        f"/forening/{pair['association']['id']}/anmalningar")


def resolve_url(pair):
    return f"/forening/{pair['association']['id']}/anmalningar/{pair['later']['id']}/dubblett"


def test_the_later_sign_up_is_stored_and_linked(pair):
    later = pair["later"]
    assert (later["first_name"], later["recruiter_id"]) == ("Nora", pair["honest"]["id"])
    assert later["duplicate_of"] == pair["earlier"]["id"]
    assert later["withdraw_token_hash"] and later["erased_at"] is None


def test_a_duplicate_is_counted_once_everywhere(db, pair):
    association_id = pair["association"]["id"]
    numbers = rollups.indicators(db, "association", association_id, "0000", "9999")
    assert (numbers["signups"], numbers["recruited"]) == (1, 1)
    assert rollups.indicators(db, "nation", None, "0000", "9999")["signups"] == 1
    assert scoring.association_totals(db, association_id, "0000", "9999")["signups"] == 1
    team = {r["id"]: r["recruited"] for r in scoring.team_table(db, association_id, "0000", "9999")}
    assert (team[pair["faker"]["id"]], team[pair["honest"]["id"]]) == (1, 0)
    standings = scoring.recruiter_standings(db, association_id, "0000", "9999")
    assert sum(r["recruited"] for r in standings) == 1
    assert sum(rollups.by_source(db, "nation", None, "0000", "9999").values()) == 1


def test_the_duplicate_is_not_in_the_later_recruiters_list_until_settled(login_as, pair):
    page = login_as(pair["honest"]).get("/varva").get_data(as_text=True)
    assert 'data-testid="recruit-count">0<' in page and "Nora" not in page


def test_the_chair_sees_the_pair_together(login_as, pair):
    page = signup_page(login_as, pair).get_data(as_text=True)
    assert page.index("Påhittad") < page.index("Möjlig dubblett") < page.index("Nora")
    assert "+46701234567" in page and "värvad av Falk" in page and "värvad av Hedda" in page
    assert f'action="{resolve_url(pair)}"' in page


def test_keep_the_new_details_and_the_later_recruiter(db, login_as, pair):
    chair = login_as(pair["chair"], role="chair")
    response = chair.post(resolve_url(pair), data={"details": "later", "credit": "later"})
    assert response.status_code == 302
    earlier, later = signups(db)
    assert (earlier["first_name"], earlier["birth_year"], earlier["phone"]) == (
        "Nora", 1995, "+46701234567")
    assert (earlier["recruiter_id"], earlier["link_id"]) == (
        pair["honest"]["id"], pair["later"]["link_id"])
    assert earlier["consent_at"] == pair["later"]["consent_at"]
    assert later["erased_at"] and later["first_name"] == "" and later["duplicate_of"] == earlier["id"]
    numbers = rollups.indicators(db, "nation", None, "0000", "9999")
    assert (numbers["signups"], numbers["recruited"]) == (1, 1)
    [event] = db.table("audit_log").rows_where("action = 'duplicate_resolved'")
    assert (event["actor_id"], event["object_id"]) == (pair["chair"]["id"], earlier["id"])
    assert event["outcome"] == "later-details,later-credit"
    page = chair.get(f"/forening/{pair['association']['id']}/anmalningar").get_data(as_text=True)
    assert "Möjlig dubblett" not in page and "Påhittad" not in page and "Nora" in page
    assert "Nora" in login_as(pair["honest"]).get("/varva").get_data(as_text=True)


def test_keep_the_earlier_details_and_credit_nobody(db, login_as, pair):
    chair = login_as(pair["chair"], role="chair")
    chair.post(resolve_url(pair), data={"details": "earlier", "credit": "none"})
    earlier, later = signups(db)
    assert (earlier["first_name"], earlier["source"], earlier["recruiter_id"]) == (
        "Påhittad", "own_initiative", None)
    assert later["erased_at"]
    assert rollups.indicators(db, "nation", None, "0000", "9999")["recruited"] == 0


def test_keep_the_earlier_recruiter(db, login_as, pair):
    login_as(pair["chair"], role="chair").post(
        resolve_url(pair), data={"details": "later", "credit": "earlier"})
    earlier = signups(db)[0]
    assert (earlier["first_name"], earlier["recruiter_id"]) == ("Nora", pair["faker"]["id"])


def test_no_choice_changes_nothing_and_says_why(db, login_as, pair):
    chair = login_as(pair["chair"], role="chair")
    response = chair.post(resolve_url(pair), data={"details": "later"}, follow_redirects=True)
    assert "Välj vilka uppgifter som stämmer" in response.get_data(as_text=True)
    assert signups(db)[1]["erased_at"] is None and signups(db)[0]["first_name"] == "Påhittad"


def test_the_withdrawal_link_still_reaches_the_settled_pair(db, login_as, pair):
    login_as(pair["chair"], role="chair").post(
        resolve_url(pair), data={"details": "later", "credit": "later"})
    pair["nora"].post(f"/angra/{pair['token']}").close()  # the mail goes once the answer is sent
    earlier, later = signups(db)
    assert earlier["erased_at"] and earlier["email"] is None and earlier["status"] == "cancelled"


def test_withdrawal_before_settling_reaches_the_pair_only_through_the_mailbox(
        db, pair, outbox):
    pair["nora"].post(f"/angra/{pair['token']}").close()  # the mail goes once the answer is sent
    earlier, later = signups(db)
    assert later["erased_at"] and earlier["erased_at"] is None
    [(to, _subject, body)] = outbox
    pair["nora"].post(re.search(r"/angra/adress/\S+", body).group(0))
    assert all(r["erased_at"] and r["email"] is None for r in signups(db))
    assert rollups.indicators(db, "nation", None, "0000", "9999")["signups"] == 1


@pytest.mark.parametrize("who", ["member", "other_chair", "municipal_admin"])
def test_only_the_associations_chair_may_settle(db, login_as, pair, who):
    if who == "member":
        client = login_as(pair["faker"])
    elif who == "other_chair":
        client = login_as(make_member(db, role="chair"), role="chair")
    else:
        municipality = db.table("municipalities").get(pair["association"]["municipality_id"])
        client = login_as(make_member(db, role="municipal_admin", unit=municipality),
                          role="municipal_admin")
    response = client.post(resolve_url(pair), data={"details": "later", "credit": "none"})
    assert response.status_code == 403
    assert signups(db)[1]["erased_at"] is None


def test_a_pair_of_another_association_is_not_found(db, login_as, pair):
    other = make_member(db, role="chair")
    url = f"/forening/{other['association_id']}/anmalningar/{pair['later']['id']}/dubblett"
    response = login_as(other, role="chair").post(url, data={"details": "later", "credit": "none"})
    assert response.status_code == 404
    earlier_url = (f"/forening/{pair['association']['id']}/anmalningar/"
                   f"{pair['earlier']['id']}/dubblett")
    assert login_as(pair["chair"], role="chair").post(
        earlier_url, data={"details": "later", "credit": "none"}).status_code == 404


def test_settling_needs_the_csrf_token(csrf_app):


    db = connect(csrf_app.config["DATABASE"])
    chair = make_member(db, role="chair")
    association = db.table("associations").get(chair["association_id"])
    earlier = make_signup(db, association=association)
    later = make_signup(db, association=association, email=earlier["email"],
                        duplicate_of=earlier["id"])
    role = next(r for r in accounts.member_roles(db, chair["id"]) if r["role"] == "chair")
    client = csrf_app.test_client()
    with csrf_app.test_request_context():
        session_token = start_session(db, chair["id"], role["id"], False)
    with csrf_app.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()
    with client.session_transaction() as session:
        session.update({"_user_id": session_token, "_fresh": True, "_id": identifier})
    url = f"/forening/{association['id']}/anmalningar/{later['id']}/dubblett"
    refused = client.post(url, data={"details": "later", "credit": "none"})
    assert refused.status_code == 400
    assert db.table("signups").get(later["id"])["erased_at"] is None
    page = client.get(f"/forening/{association['id']}/anmalningar").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    done = client.post(url, data={"csrf_token": token, "details": "later", "credit": "none"})
    assert done.status_code == 302
    assert db.table("signups").get(later["id"])["erased_at"]
    db.close()


@pytest.mark.parametrize("name", ["nation", "district", "municipality", "association",
                                  "children-nation", "trend"])
def test_counts_without_duplicates_still_read_only_covering_indexes(db, name):
    """m007's covering indexes carry duplicate_of (m013), and the index that finds a
    pair's rows is partial, so the planner never trades the former for the latter."""
    if name == "children-nation":
        sql = rollups.CHILDREN_SQL["nation"]
    elif name == "trend":
        sql = rollups.TREND_SQL["nation"].replace("{buckets}", "when s.created_at < :until then 0")
    else:
        sql = rollups.INDICATORS_SQL[name]
    plan = [row[-1] for row in db.execute("explain query plan " + sql,
                                          {"unit": 1, "since": "0", "until": "9"}).fetchall()]
    signup_steps = [step for step in plan if "idx_signups" in step]
    assert signup_steps and all("COVERING INDEX" in step for step in signup_steps), plan


# Issue 11: two facts about credit, who originally recruited the person and
# who is credited now; a reassignment changes only the second.
def test_moving_the_credit_keeps_the_original_recruiter(db, login_as, pair):
    assert pair["earlier"]["original_recruiter_id"] == pair["faker"]["id"]
    chair = login_as(pair["chair"], role="chair")
    chair.post(resolve_url(pair), data={"details": "later", "credit": "later"})
    earlier = signups(db)[0]
    assert (earlier["recruiter_id"], earlier["original_recruiter_id"]) == (
        pair["honest"]["id"], pair["faker"]["id"])
    [event] = db.table("audit_log").rows_where("action = 'duplicate_resolved'")
    assert event["object_id"] == earlier["id"]
    page = chair.get(f"/forening/{pair['association']['id']}/anmalningar").get_data(as_text=True)
    assert "värvad av Hedda" in page
    assert f"ursprungligen värvad av Falk {pair['faker']['last_name']}" in page
    exported = privacy.export_signup(db, earlier["id"])
    assert exported["recruited_by"] == f"Hedda {pair['honest']['last_name'][:1]}."
    assert exported["originally_recruited_by"] == f"Falk {pair['faker']['last_name'][:1]}."
    assert exported["signup"]["original_recruiter_id"] == pair["faker"]["id"]


def test_crediting_nobody_keeps_the_original_recruiter(db, login_as, pair):
    login_as(pair["chair"], role="chair").post(
        resolve_url(pair), data={"details": "earlier", "credit": "none"})
    earlier = signups(db)[0]
    assert (earlier["recruiter_id"], earlier["original_recruiter_id"]) == (
        None, pair["faker"]["id"])


def test_an_unmoved_credit_shows_no_original(db, login_as, pair):
    login_as(pair["chair"], role="chair").post(
        resolve_url(pair), data={"details": "later", "credit": "earlier"})
    page = signup_page(login_as, pair).get_data(as_text=True)
    assert "ursprungligen" not in page
    assert privacy.export_signup(db, signups(db)[0]["id"])["originally_recruited_by"] == (
        f"Falk {pair['faker']['last_name'][:1]}.")


def test_the_welcome_calls_credit_decision_keeps_the_original(db):
    recruiter = make_member(db)
    signup = make_signup(db, recruiter=recruiter)
    call_list = db.table("call_lists").insert(
        {"kind": "welcome", "association_id": recruiter["association_id"],
         "created_at": signup["created_at"]}).last_pk
    target = db.table("call_targets").get(db.table("call_targets").insert(
        {"list_id": call_list, "signup_id": signup["id"], "due_on": "2026-01-01",
         "needs_decision": 1, "created_at": signup["created_at"]}).last_pk)
    calls_team.settle_credit(db, {**target, "signup_id": signup["id"]}, keep=False)
    row = db.table("signups").get(signup["id"])
    assert (row["source"], row["recruiter_id"], row["original_recruiter_id"]) == (
        "own_initiative", None, recruiter["id"])


def test_the_original_recruiter_is_filled_for_sign_ups_stored_before(tmp_path):
    db = connect(str(tmp_path / "old.db"))
    migrations.apply(db, stop_before="m019_original_recruiter")
    recruiter = make_member(db)
    old = make_signup(db, recruiter=recruiter)
    migrations.apply(db)
    assert db.table("signups").get(old["id"])["original_recruiter_id"] == recruiter["id"]
    db.close()


def test_credit_moved_from_own_initiative_shows_it(db, login_as):
    chair = make_member(db, role="chair")
    association = db.table("associations").get(chair["association_id"])
    recruiter = make_member(db, association=association, first_name="Ivar")
    earlier = make_signup(db, association=association, email="same@example.org")
    later = make_signup(db, recruiter=recruiter, email="same@example.org",
                        duplicate_of=earlier["id"])
    client = login_as(chair, role="chair")
    client.post(f"/forening/{association['id']}/anmalningar/{later['id']}/dubblett",
                data={"details": "earlier", "credit": "later"})
    row = db.table("signups").get(earlier["id"])
    assert (row["recruiter_id"], row["original_recruiter_id"]) == (recruiter["id"], None)
    page = client.get(f"/forening/{association['id']}/anmalningar").get_data(as_text=True)
    assert "värvad av Ivar" in page and "ursprungligen egen kraft" in page
