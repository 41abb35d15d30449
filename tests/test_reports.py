"""The two-month report (issue 15): analysis written in the app, closing freezes it
(byte for byte, whatever happens later), the PDF holds the indicator table, scope."""
import io
import json
import re
from datetime import date
import pytest
from pypdf import PdfReader

from recruiter import privacy, register_import, reports_data, reports_store, surveys_data
from recruiter.periods import bimonth_start, today
from tests.factories import make_association, make_member, make_signup

PAST = "2026-03"  # Mar–Apr 2026: ended
ARTICLE = re.compile(r'<article class="report" data-testid="report">.*?</article>', re.S)


@pytest.fixture
def scene(db, login_as):
    a = make_association(db)
    municipality = db.table("municipalities").get(a["municipality_id"])
    other = make_association(db)
    other_district = db.table("municipalities").get(other["municipality_id"])["district_id"]
    recruiter = make_member(db, association=a)
    for day in ("2026-03-05", "2026-03-20", "2026-04-11"):
        make_signup(db, recruiter=recruiter, association=a, created_at=f"{day}T10:00:00+00:00",
                    birth_year=1990)
    make_signup(db, association=a, created_at="2026-01-15T10:00:00+00:00", birth_year=1950)
    national = make_member(db, association=None, role="national_admin")
    return {"a": a, "district": municipality["district_id"], "other_district": other_district,
            "municipality": municipality["id"], "national": national,
            "office": login_as(national),
            "district_admin": login_as(make_member(
                db, association=None, role="district_admin",
                unit={"id": municipality["district_id"]})),
            "other_district_admin": login_as(make_member(
                db, association=None, role="district_admin", unit={"id": other_district}))}


def snapshot_body(db, level="nation", unit_id=None, key=PAST):
    return reports_store.snapshot(db, level, unit_id, key)["body"]


def test_the_office_writes_conclusions_and_closes_a_period(db, scene):
    office = scene["office"]
    page = office.get(f"/rapporter/nation/0/{PAST}").get_data(as_text=True)
    assert 'data-testid="report-form"' in page and "Stäng perioden" in page
    office.post(f"/rapporter/nation/0/{PAST}", data={"analysis": "Utkast", "save": "1"})
    assert "Utkast</textarea>" in office.get(f"/rapporter/nation/0/{PAST}").get_data(as_text=True)
    response = office.post(f"/rapporter/nation/0/{PAST}", data={
        "analysis": "Fler värvade i mars.\n\nSlutsats: fortsätt.", "close": "1"})
    assert response.status_code == 302
    body = json.loads(snapshot_body(db))
    assert body["analysis"] == "Fler värvade i mars.\n\nSlutsats: fortsätt."
    signups = next(r for r in body["indicators"] if r["ref"] == "1")
    assert signups["value"] == "3" and signups["previous"] == "1"
    page = office.get(f"/rapporter/nation/0/{PAST}").get_data(as_text=True)
    assert "Slutsats: fortsätt." in page and 'data-testid="report-form"' not in page
    assert db.table("report_drafts").count == 0
    assert db.table("audit_log").count_where("action = 'report_closed'") == 1
    again = office.post(f"/rapporter/nation/0/{PAST}", data={"analysis": "Ny", "close": "1"})
    assert again.status_code == 403 and json.loads(snapshot_body(db))["analysis"] != "Ny"
    with pytest.raises(Exception, match="never changes"):
        db.execute("update report_snapshots set body = '{}'")
    with pytest.raises(Exception, match="never changes"):
        db.execute("delete from report_snapshots")


def test_a_running_period_cannot_be_closed(db, scene):
    key = bimonth_start(today()).strftime("%Y-%m")
    response = scene["office"].post(f"/rapporter/nation/0/{key}",
                                    data={"analysis": "För tidigt", "close": "1"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "Perioden pågår fortfarande" in body
    assert "För tidigt</textarea>" in body
    assert db.table("report_snapshots").count == 0


def test_too_long_analysis_keeps_the_text_and_stores_nothing(db, scene):
    text = "x" * (reports_data.ANALYSIS_MAX + 1)
    response = scene["office"].post(f"/rapporter/nation/0/{PAST}",
                                    data={"analysis": text, "close": "1"})
    assert response.status_code == 200 and "Högst 20000 tecken." in response.get_data(as_text=True)
    assert db.table("report_snapshots").count == 0 and db.table("report_drafts").count == 0


def frozen(client, url):
    """(the report's article HTML, the PDF's bytes)."""
    page = client.get(url).get_data(as_text=True)
    with client.get(url + "/rapport.pdf") as response:
        return ARTICLE.search(page).group(0), response.data


def test_a_closed_report_never_changes_after_signups_erasures_and_imports(
        app, db, scene, tmp_path):
    url = f"/rapporter/district/{scene['district']}/{PAST}"
    admin = scene["district_admin"]
    admin.post(url, data={"analysis": "Stabilt.", "close": "1"})
    row, (article, pdf) = snapshot_body(db, "district", scene["district"]), frozen(admin, url)
    a = scene["a"]
    # Later: sign-ups dated inside the period, an erasure, a register import.
    for _ in range(4):
        make_signup(db, association=a, created_at="2026-03-10T10:00:00+00:00")
    first = next(db.table("signups").rows_where("association_id = ?", [a["id"]]))
    with app.app_context():
        privacy.erase_signup(db, first["id"])
    csv_path = tmp_path / "figures.csv"
    csv_path.write_text("association_code,date,members,members_under_45,new_members\n"
                        f"{a['code']},2026-04-15,120,30,9\n")
    _, result = register_import.import_file(db, "figures", str(csv_path),
                                            scene["national"]["id"], today())
    assert result.error_count == 0
    with app.test_request_context():
        period = reports_data.period_from_key(PAST)
        live = reports_data.build(db, "district", scene["district"], "x", period,
                                  reports_data.previous_period(period))
    assert live["indicators"] != json.loads(row)["indicators"]  # the numbers did move
    assert snapshot_body(db, "district", scene["district"]) == row
    assert frozen(admin, url) == (article, pdf)


def test_the_pdf_has_the_indicator_table(db, scene):
    with scene["office"].get(f"/rapporter/nation/0/{PAST}/rapport.pdf") as response:
        assert response.mimetype == "application/pdf"
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Indikatorer" in text
    assert re.search(r"Nya anmälningar\s+3\s+1", text), text
    assert "mars-apr 2026" in text  # the en dash mapped to Latin-1
    assert "Andel värvade av anmälningarna" in text and "50 %" in text


def test_a_district_sees_its_own_reports_and_the_national_one_not_anothers(db, scene):
    admin = scene["district_admin"]
    assert admin.get(f"/rapporter/district/{scene['district']}/{PAST}").status_code == 200
    assert admin.get(f"/rapporter/nation/0/{PAST}").status_code == 200
    assert admin.get(f"/rapporter/municipality/{scene['municipality']}").status_code == 200
    other = scene["other_district"]
    for url in (f"/rapporter/district/{other}", f"/rapporter/district/{other}/{PAST}",
                f"/rapporter/district/{other}/{PAST}/rapport.pdf"):
        assert admin.get(url).status_code == 403, url
    assert admin.post(f"/rapporter/district/{other}/{PAST}",
                      data={"analysis": "x", "close": "1"}).status_code == 403
    # The national report is read, not written, by a district.
    assert admin.post(f"/rapporter/nation/0/{PAST}",
                      data={"analysis": "x", "close": "1"}).status_code == 403
    assert db.table("report_snapshots").count == 0
    page = admin.get(f"/rapporter/district/{scene['district']}").get_data(as_text=True)
    assert "/rapporter/nation/0" in page and f"/rapporter/district/{other}" not in page
    assert f'href="/rapporter/municipality/{scene["municipality"]}"' in page


def test_members_and_chairs_have_no_reports(db, scene, login_as):
    a = scene["a"]
    for client in (login_as(make_member(db, association=a)),
                   login_as(make_member(db, association=a, role="chair"), role="chair")):
        assert client.get("/rapporter/").status_code == 403
        assert client.get(f"/rapporter/nation/0/{PAST}").status_code == 403
        assert client.get(f"/rapporter/municipality/{a['municipality_id']}").status_code == 403


@pytest.mark.parametrize("key", ["2026-02", "2026-3", "1999-01", "x", "2026-03x", "²"])
def test_a_period_must_be_a_two_month_period(scene, key):
    assert scene["office"].get(f"/rapporter/nation/0/{key}").status_code == 404


def test_the_report_shows_satisfaction_where_a_survey_ran(db, scene, login_as):
    survey = surveys_data.create_survey(db, "pulse", "Vår", date(2026, 3, 1), date(2026, 3, 31),
                                        scene["national"]["id"])
    row = surveys_data.survey(db, survey)
    path = {"level": "association", "association_id": scene["a"]["id"],
            "municipality_id": scene["municipality"], "district_id": scene["district"]}
    for _ in range(6):
        member = make_member(db, association=scene["a"])
        surveys_data.record_member_answer(db, row, member["id"], path,
                                          {"overall": 4, "welcome": 4, "informed": 2}, None,
                                          date(2026, 3, 2))
    page = scene["office"].get(f"/rapporter/nation/0/{PAST}").get_data(as_text=True)
    assert 'data-testid="report-satisfaction"' in page and "Nöjd: 4.0" in page
    other = scene["office"].get("/rapporter/nation/0/2026-09").get_data(as_text=True)
    assert "Ingen enkät under perioden." in other


def test_register_figures_carry_their_as_of_date(db, scene, tmp_path):
    path = tmp_path / "figures.csv"
    path.write_text("association_code,date,members,members_under_45,new_members\n"
                    f"{scene['a']['code']},2026-04-15,120,30,9\n")
    register_import.import_file(db, "figures", str(path), scene["national"]["id"], today())
    page = scene["office"].get(f"/rapporter/nation/0/{PAST}").get_data(as_text=True)
    row = re.search(r"<th scope=\"row\"><span class=\"ref\">3</span> Medlemmar</th>(.*?)</tr>",
                    page, re.S).group(1)
    assert "<td>120</td>" in row and "registret, per 2026-04-15" in row
    before = scene["office"].get("/rapporter/nation/0/2026-01").get_data(as_text=True)
    assert "inga registeruppgifter ännu" in before


def test_a_period_is_not_closed_without_conclusions(db, scene):
    response = scene["office"].post(f"/rapporter/nation/0/{PAST}",
                                    data={"analysis": "  ", "close": "1"})
    assert response.status_code == 200
    assert "Skriv analysen och slutsatserna" in response.get_data(as_text=True)
    assert db.table("report_snapshots").count == 0


def test_closed_reports_stay_listed_after_they_leave_the_recent_periods(db, scene):
    office = scene["office"]
    office.post("/rapporter/nation/0/2025-01", data={"analysis": "Förra året.", "close": "1"})
    page = office.get("/rapporter/nation/0").get_data(as_text=True)
    assert 'href="/rapporter/nation/0/2025-01"' in page
    assert page.count('href="/rapporter/nation/0/20') == reports_data.PERIODS_LISTED + 1
