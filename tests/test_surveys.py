"""Surveys (issue 15): one answer per member or code, anonymous answers, results
with no figures below five answers (HTML, JSON, CSV), codes, scope."""
import csv
import io
import re
from datetime import date, timedelta

import pytest

from recruiter import surveys_data
from recruiter.db import connect
from recruiter.limits import limiter
from recruiter.periods import today
from tests.factories import make_association, make_member, make_municipality

ANSWER = {"q_overall": "4", "q_welcome": "5", "q_informed": "3", "free_text": ""}


def open_survey(db, kind="pulse", creator=None, **dates):
    creator = creator or make_member(db, association=None, role="national_admin")
    start = dates.get("opens_on", today() - timedelta(days=1))
    end = dates.get("closes_on", today() + timedelta(days=14))
    return surveys_data.create_survey(db, kind, "Nöjdhet hösten", start, end, creator["id"])


def answer_as(login_as, db, association, n, **answer):
    """n members of the association answer the open pulse through the app."""
    survey_id = next(db.query("select max(id) as id from surveys"))["id"]
    for _ in range(n):
        client = login_as(make_member(db, association=association))
        response = client.post(f"/enkater/{survey_id}/svara", data={**ANSWER, **answer})
        assert response.status_code == 302, response.get_data(as_text=True)
    return survey_id


def test_the_office_opens_a_pulse_and_a_member_answers_it_from_the_start_page(
        app, db, login_as):
    office = login_as(make_member(db, association=None, role="national_admin"))
    response = office.post("/enkater/", data={
        "kind": "pulse", "title": "Hur trivs du?", "opens_on": today().isoformat(),
        "closes_on": (today() + timedelta(days=7)).isoformat()})
    assert response.status_code == 302
    survey = next(db.table("surveys").rows_where())
    assert survey["period"] == surveys_data.survey_period("pulse", today())
    member = make_member(db)
    client = login_as(member)
    home = client.get("/").get_data(as_text=True)
    assert 'data-testid="pulse-card"' in home and "Hur trivs du?" in home
    assert client.post(f"/enkater/{survey['id']}/svara",
                       data={**ANSWER, "free_text": "Bra möten"}).status_code == 302
    assert 'data-testid="pulse-card"' not in client.get("/").get_data(as_text=True)
    answer = next(db.table("survey_answers").rows_where())
    assert answer["association_id"] == member["association_id"] and answer["via"] == "app"
    assert {r["question"]: r["score"] for r in db.table("survey_scores").rows_where()} == {
        "overall": 4, "welcome": 5, "informed": 3}


def test_one_answer_per_member(app, db, login_as):
    survey_id = open_survey(db)
    client = login_as(make_member(db))
    assert client.post(f"/enkater/{survey_id}/svara", data=ANSWER).status_code == 302
    second = client.post(f"/enkater/{survey_id}/svara", data=ANSWER, follow_redirects=True)
    assert "Du har redan svarat" in second.get_data(as_text=True)
    assert db.table("survey_answers").count == 1
    assert db.table("survey_scores").count == 3


def test_the_answer_row_holds_no_member_and_no_time(app, db, login_as):
    survey_id = open_survey(db)
    member = make_member(db)
    login_as(member).post(f"/enkater/{survey_id}/svara", data=ANSWER)
    columns = set(db.table("survey_answers").columns_dict)
    assert not {c for c in columns if "member" in c or c.endswith("_at") or c.endswith("_on")}
    assert columns == {"id", "survey_id", "level", "via", "association_id", "municipality_id",
                       "district_id", "free_text"}
    answered = next(db.table("survey_answered").rows_where())
    assert answered == {"survey_id": survey_id, "member_id": member["id"],
                        "on_date": today().isoformat()}
    # Random ids and no rowid: nothing orders the answers like the "answered" rows.
    assert next(db.table("survey_answers").rows_where())["id"] > 2**20
    for table in ("survey_answered", "survey_scores"):
        with pytest.raises(Exception, match="rowid"):
            db.execute(f"select rowid from {table}").fetchall()


def test_an_invalid_answer_keeps_what_was_typed_and_stores_nothing(app, db, login_as):
    survey_id = open_survey(db)
    client = login_as(make_member(db))
    response = client.post(f"/enkater/{survey_id}/svara",
                           data={"q_overall": "9", "q_welcome": "2", "free_text": "Hej"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Välj ett svar från 1 till 5." in body and "Hej</textarea>" in body
    assert 'checked id="q_welcome-1"' in body
    assert db.table("survey_answers").count == 0 and db.table("survey_answered").count == 0


def test_a_closed_or_future_survey_takes_no_answers(app, db, login_as):
    past = open_survey(db, opens_on=date(2020, 1, 1), closes_on=date(2020, 1, 31))
    client = login_as(make_member(db))
    assert client.post(f"/enkater/{past}/svara", data=ANSWER).status_code == 404
    assert 'pulse-card' not in client.get("/").get_data(as_text=True)


def test_the_evaluation_asks_chairs_and_administrators_not_members(app, db, login_as):
    survey_id = open_survey(db, kind="evaluation")
    a = make_association(db)
    member = login_as(make_member(db, association=a))
    chair = login_as(make_member(db, association=a, role="chair"), role="chair")
    district_admin = login_as(make_member(
        db, association=None, role="district_admin",
        unit={"id": db.table("municipalities").get(a["municipality_id"])["district_id"]}))
    assert "pulse-card" not in member.get("/").get_data(as_text=True)
    assert member.post(f"/enkater/{survey_id}/svara",
                       data={"q_support": "3", "q_tools": "3", "q_works": "3"}).status_code == 403
    for client in (chair, district_admin):
        assert "pulse-card" in client.get("/").get_data(as_text=True)
        assert client.post(f"/enkater/{survey_id}/svara",
                           data={"q_support": "3", "q_tools": "4", "q_works": "2"}
                           ).status_code == 302
    levels = sorted(r["level"] for r in db.table("survey_answers").rows_where())
    assert levels == ["association", "district"]


def results(client, url):
    html = client.get(url).get_data(as_text=True)
    data = client.get(url.replace("/enkater/resultat/", "/api/enkater/")).get_json()
    text = client.get(url.replace("?", ".csv?") if "?" in url else url + ".csv"
                      ).get_data(as_text=True)
    return html, data, list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_fewer_than_five_answers_show_no_figures_in_html_json_or_csv(app, db, login_as):
    a = make_association(db)
    open_survey(db)
    answer_as(login_as, db, a, 4, q_overall="1")
    office = login_as(make_member(db, association=None, role="national_admin"))
    html, data, rows = results(office, f"/enkater/resultat/association/{a['id']}")
    assert 'data-testid="too-few">för få svar' in html and "1.0" not in html
    assert data["trend"][0]["too_few"] is True
    assert data["trend"][0]["answers"] is None and data["trend"][0]["questions"] is None
    assert rows[1][2:] == ["för få svar"] and "4" not in rows[1]
    answer_as(login_as, db, a, 1, q_overall="1")
    html, data, rows = results(office, f"/enkater/resultat/association/{a['id']}")
    assert data["trend"][0]["answers"] == 5
    overall = data["trend"][0]["questions"][0]
    assert overall["mean"] == 1.0 and overall["distribution"] == {
        "1": 5, "2": 0, "3": 0, "4": 0, "5": 0}
    assert rows[1][2:4] == ["5", "1.0"] and 'data-testid="too-few"' not in html
    assert '<abbr title="Hur nöjd är du med ditt medlemskap?">Nöjd</abbr>' in html


def test_a_lone_small_unit_cannot_be_worked_out_from_its_siblings(app, db, login_as):
    municipality = make_municipality(db)
    big, other, small = (make_association(db, municipality) for _ in range(3))
    open_survey(db)
    answer_as(login_as, db, big, 7, q_overall="5")
    answer_as(login_as, db, other, 5, q_overall="4")
    answer_as(login_as, db, small, 2, q_overall="1")
    office = login_as(make_member(db, association=None, role="national_admin"))
    data = office.get(f"/api/enkater/municipality/{municipality['id']}").get_json()
    shown = {c["id"]: c["answers"] for c in data["children"]}
    assert data["trend"][0]["answers"] == 14
    assert shown == {big["id"]: 7, other["id"]: None, small["id"]: None}


def test_free_text_only_for_the_national_office_and_never_with_a_unit(app, db, login_as):
    a = make_association(db)
    open_survey(db)
    answer_as(login_as, db, a, 1, free_text="Mer fika på mötena")
    period = surveys_data.survey_period("pulse", today())
    office = login_as(make_member(db, association=None, role="national_admin"))
    page = office.get(f"/enkater/fritext/pulse/{period}").get_data(as_text=True)
    assert "Mer fika på mötena" in page and a["name"] not in page
    district = login_as(make_member(db, association=None, role="district_admin", unit={
        "id": db.table("municipalities").get(a["municipality_id"])["district_id"]}))
    assert district.get(f"/enkater/fritext/pulse/{period}").status_code == 403
    html = district.get(f"/enkater/resultat/association/{a['id']}").get_data(as_text=True)
    assert "Mer fika" not in html


def test_free_text_is_emptied_a_year_after_its_survey_closed(app, db, login_as, runner):
    a = make_association(db)
    survey_id = open_survey(db)
    answer_as(login_as, db, a, 2, free_text="Kalle Anka borde ringas")
    db.execute("update surveys set closes_on = ? where id = ?",
               [(today() - timedelta(days=400)).isoformat(), survey_id])
    open_survey(db)
    answer_as(login_as, db, a, 1, free_text="Färskt svar")
    dry = runner.invoke(args=["purge-expired"])
    assert "2 fritextsvar" in dry.output
    runner.invoke(args=["purge-expired", "--yes"])
    texts = [r["free_text"] for r in db.query(
        "select free_text from survey_answers where free_text is not null")]
    assert texts == ["Färskt svar"]
    assert db.execute("select count(*) from survey_scores").fetchone()[0] > 0


@pytest.mark.parametrize("role", ["member", "chair", "municipal_admin", "district_admin"])
def test_only_the_national_office_creates_surveys_and_codes(app, db, login_as, role):
    survey_id = open_survey(db)
    a = make_association(db)
    units = {"member": None, "chair": None, "municipal_admin": {"id": a["municipality_id"]},
             "district_admin": {"id": db.table("municipalities").get(a["municipality_id"])[
                 "district_id"]}}
    client = login_as(make_member(db, association=a if role in ("member", "chair") else None,
                                  role=role, unit=units[role]), role=role)
    assert client.get("/enkater/").status_code == 403
    assert client.post("/enkater/", data={"kind": "pulse", "title": "X", "opens_on": "2026-01-01",
                                          "closes_on": "2026-02-01"}).status_code == 403
    assert client.post(f"/enkater/{survey_id}/koder",
                       data={"municipality": a["municipality_id"], "count": 3}).status_code == 403
    assert db.table("surveys").count == 1 and db.table("survey_codes").count == 0


def test_a_district_sees_its_own_results_not_another_districts(app, db, login_as):
    own, other = make_association(db), make_association(db)
    district_id = db.table("municipalities").get(own["municipality_id"])["district_id"]
    other_district = db.table("municipalities").get(other["municipality_id"])["district_id"]
    client = login_as(make_member(db, association=None, role="district_admin",
                                  unit={"id": district_id}))
    assert client.get(f"/enkater/resultat/district/{district_id}").status_code == 200
    for url in (f"/enkater/resultat/district/{other_district}",
                f"/api/enkater/district/{other_district}",
                f"/enkater/resultat/district/{other_district}.csv",
                f"/enkater/resultat/association/{other['id']}", "/enkater/resultat/nation/0"):
        assert client.get(url).status_code == 403, url


def codes_for(office, survey_id, municipality_id, count):
    response = office.post(f"/enkater/{survey_id}/koder",
                           data={"municipality": municipality_id, "count": count})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    return [r[0] for r in rows[1:]]


def test_one_answer_per_code_and_codes_are_stored_hashed(app, db, login_as, client):
    national = make_member(db, association=None, role="national_admin")
    survey_id = open_survey(db, creator=national)
    municipality = make_municipality(db)
    codes = codes_for(login_as(national), survey_id, municipality["id"], 3)
    assert len(set(codes)) == 3
    stored = [r["code_hash"] for r in db.table("survey_codes").rows_where()]
    assert not any(c.replace("-", "") in " ".join(stored) for c in codes)
    first = client.post("/enkat", data={**ANSWER, "code": codes[0].lower()})
    assert first.status_code == 302 and first.headers["Location"] == "/enkat/tack"
    again = client.post("/enkat", data={**ANSWER, "code": codes[0], "free_text": "igen"})
    assert "Koden gäller inte, eller är redan använd." in again.get_data(as_text=True)
    assert "igen</textarea>" in \
        again.get_data(as_text=True)
    wrong = client.post("/enkat", data={**ANSWER, "code": "AAAA-BBBB-CCCC"})
    assert "Koden gäller inte" in wrong.get_data(as_text=True)
    answers = list(db.table("survey_answers").rows_where())
    assert len(answers) == 1 and answers[0]["via"] == "code"
    assert answers[0]["municipality_id"] == municipality["id"]
    assert answers[0]["association_id"] is None
    used = [r["used_on"] for r in db.table("survey_codes").rows_where()]
    assert sorted(used, key=str) == sorted([today().isoformat(), None, None], key=str)
    assert db.table("audit_log").count_where("action = 'survey_codes'") == 1


def test_the_public_form_is_rate_limited_like_the_join_form(app, db, tmp_path):
    app.config["RATELIMIT_ENABLED"] = True
    app.config["RATELIMIT_STORAGE_URI"] = f"sqlite:///{tmp_path}/limits.db"
    limiter.init_app(app)
    limiter.reset()
    open_survey(db)
    client = app.test_client()
    for _ in range(20):
        assert client.post("/enkat", data={**ANSWER, "code": "GISSAR-KOD"}).status_code == 200
    assert client.post("/enkat", data={**ANSWER, "code": "GISSAR-KOD"}).status_code == 429


def test_the_public_page_says_when_no_survey_is_open(client):
    response = client.get("/enkat")
    assert response.status_code == 200
    assert "Ingen enkät är öppen just nu" in response.get_data(as_text=True)


def test_evaluation_results_per_level(app, db, login_as):
    open_survey(db, kind="evaluation")
    district = {"id": make_municipality(db)["district_id"]}
    for _ in range(5):
        client = login_as(make_member(db, association=None, role="district_admin",
                                      unit=district))
        client.post(f"/enkater/{1}/svara", data={"q_support": "2", "q_tools": "4",
                                                "q_works": "3"})
    office = login_as(make_member(db, association=None, role="national_admin"))
    data = office.get("/api/enkater/nation/0?kind=evaluation").get_json()
    assert [(r["level"], r["answers"]) for r in data["by_level"]] == [("district", 5)]
    assert data["by_level"][0]["questions"][0]["mean"] == 2.0
    assert {c["id"]: c["answers"] for c in data["children"]}[district["id"]] == 5
    page = office.get("/enkater/resultat/nation/0?kind=evaluation").get_data(as_text=True)
    assert 'data-testid="survey-levels"' in page


def test_the_public_form_works_with_csrf_on_and_explains_an_expired_page(csrf_app):
    db = connect(csrf_app.config["DATABASE"])
    national = make_member(db, association=None, role="national_admin")
    survey_id = open_survey(db, creator=national)
    with csrf_app.test_request_context():
        code = surveys_data.new_codes(db, survey_id, make_municipality(db)["id"], 1)[0]
    client = csrf_app.test_client()
    expired = client.post("/enkat", data={**ANSWER, "code": code, "csrf_token": "gammal"})
    assert "Sidan har varit öppen länge" in expired.get_data(as_text=True)
    page = client.get("/enkat").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    done = client.post("/enkat", data={**ANSWER, "code": code, "csrf_token": token},
                       follow_redirects=True)
    assert "Tack för ditt svar!" in done.get_data(as_text=True)
    assert db.table("survey_answers").count == 1
    db.close()


def test_answers_by_code_are_a_group_of_their_own_beside_the_associations(app, db, login_as,
                                                                          client):
    municipality = make_municipality(db)
    first, second = make_association(db, municipality), make_association(db, municipality)
    national = make_member(db, association=None, role="national_admin")
    open_survey(db, creator=national)
    answer_as(login_as, db, first, 6)
    answer_as(login_as, db, second, 5)
    office = login_as(national)
    survey_id = next(db.query("select max(id) as id from surveys"))["id"]
    for code in codes_for(office, survey_id, municipality["id"], 2):
        client.post("/enkat", data={**ANSWER, "code": code})
    data = office.get(f"/api/enkater/municipality/{municipality['id']}").get_json()
    assert data["trend"][0]["answers"] == 13
    groups = {c["id"]: c["answers"] for c in data["children"]}
    # 13 - 6 - 5 would give the two code answers away: both are held back with them.
    assert groups == {first["id"]: 6, second["id"]: None, None: None}


def test_two_small_units_that_add_up_to_fewer_than_five_are_not_given_away(app, db,
                                                                          login_as):
    municipality = make_municipality(db)
    big, small, smaller = (make_association(db, municipality) for _ in range(3))
    open_survey(db)
    answer_as(login_as, db, big, 6)
    answer_as(login_as, db, small, 2)
    answer_as(login_as, db, smaller, 1)
    office = login_as(make_member(db, association=None, role="national_admin"))
    data = office.get(f"/api/enkater/municipality/{municipality['id']}").get_json()
    assert data["trend"][0]["answers"] == 9
    assert all(c["too_few"] for c in data["children"])


def test_questions_come_in_english_for_an_english_reader(app, db, login_as):
    survey_id = open_survey(db)
    client = login_as(make_member(db))
    client.set_cookie("lang", "en")
    page = client.get(f"/enkater/{survey_id}/svara").get_data(as_text=True)
    assert "How satisfied are you with your membership?" in page
    assert "Hur nöjd är du" not in page


def test_a_districts_evaluation_per_level_counts_only_its_own_district(app, db, login_as):
    survey_id = open_survey(db, kind="evaluation")
    own, other = ({"id": make_municipality(db)["district_id"]} for _ in range(2))
    for district in (own, own, own, own, own, other, other, other, other, other):
        client = login_as(make_member(db, association=None, role="district_admin",
                                      unit=district))
        client.post(f"/enkater/{survey_id}/svara",
                    data={"q_support": "5" if district is own else "1", "q_tools": "3",
                          "q_works": "3"})
    admin = login_as(make_member(db, association=None, role="district_admin", unit=own))
    data = admin.get(f"/api/enkater/district/{own['id']}?kind=evaluation").get_json()
    assert [(r["level"], r["answers"], r["questions"][0]["mean"]) for r in data["by_level"]] == [
        ("district", 5, 5.0)]


def test_the_office_closes_an_open_survey_early(app, db, login_as):
    national = make_member(db, association=None, role="national_admin")
    survey_id = open_survey(db, creator=national)
    member = login_as(make_member(db))
    assert "pulse-card" in member.get("/").get_data(as_text=True)
    assert login_as(make_member(db)).post(f"/enkater/{survey_id}/stang").status_code == 403
    office = login_as(national)
    assert "Stäng nu" in office.get("/enkater/").get_data(as_text=True)
    assert office.post(f"/enkater/{survey_id}/stang").status_code == 302
    assert "pulse-card" not in member.get("/").get_data(as_text=True)
    assert member.post(f"/enkater/{survey_id}/svara", data=ANSWER).status_code == 404
    assert db.table("surveys").get(survey_id)["closes_on"] < today().isoformat()
