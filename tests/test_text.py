"""Unicode digits and names (issue 9, items 4 and 5): normalised or refused,
never stored raw, by the same rule in every form."""
import unicodedata
from datetime import date, datetime, timedelta, timezone

import pytest
from werkzeug.datastructures import MultiDict

from recruiter import text
from recruiter.forms import CodeForm, LinkForm, RegisterForm
from recruiter.periods import period_for
from recruiter.signups import normalise_phone, normalise_postcode
from tests.factories import PASSWORD, make_campaign, make_link, make_member, make_shift

ZEROS = {"Arabic-Indic": 0x0660, "Extended Arabic-Indic": 0x06F0, "Devanagari": 0x0966,
         "full-width": 0xFF10, "Bengali": 0x09E6}
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"


def written_in(system, ascii_text):
    """ascii_text with its digits written in another digit system."""
    if system == "superscript":
        return "".join(SUPERSCRIPTS[int(c)] if c.isdigit() else c for c in ascii_text)
    return "".join(chr(ZEROS[system] + int(c)) if c.isdigit() else c for c in ascii_text)


SYSTEMS = [*ZEROS, "superscript"]
# A digit that is no decimal digit, not even after NFKC: refused everywhere.
KHAROSHTHI_ONE = "\U00010A40"


def join_form(**changes):
    data = {"first_name": "Sara", "last_name": "Ali", "email": "sara@example.org", "phone": "",
            "birth_year": "1990", "postcode": "211 45", "consent": "y", "submission_id": ""}
    return {**data, **changes}


def stored(db):
    return list(db.query("select * from signups"))


def test_the_example_of_the_issue_is_stored_in_ascii(client, db):
    client.post("/bli-medlem", data=join_form(email="", phone="+٤٩١٥١١٢٣٤٥٦٧٨"))
    [row] = stored(db)
    assert row["phone"] == "+4915112345678"


# field, what is typed (ASCII), what is stored
NUMERIC_FIELDS = [
    ("phone", "+4915112345678", "+4915112345678"),
    ("phone", "070-123 45 67", "+46701234567"),
    ("postcode", "211 45", "211 45"),
    ("postcode", "21145", "211 45"),
    ("birth_year", "1990", 1990),
]


@pytest.mark.parametrize("system", SYSTEMS)
@pytest.mark.parametrize("field,typed,expected", NUMERIC_FIELDS)
def test_every_numeric_join_field_normalises_other_digit_systems(client, db, system, field,
                                                                 typed, expected):
    changes = {field: written_in(system, typed)}
    if field == "phone":
        changes["email"] = ""
    response = client.post("/bli-medlem", data=join_form(**changes))
    rows = stored(db)
    if response.status_code == 302:
        assert rows[0][field] == expected
    else:  # refused with a message, nothing stored
        assert response.status_code == 200 and rows == []


@pytest.mark.parametrize("field,value", [
    ("birth_year", "199" + KHAROSHTHI_ONE), ("postcode", "211 4" + KHAROSHTHI_ONE),
    ("phone", "+4670123456" + KHAROSHTHI_ONE), ("birth_year", "½990"),
])
def test_digits_that_are_not_decimal_are_refused(client, db, field, value):
    data = join_form(**{field: value}, **({"email": ""} if field == "phone" else {}))
    response = client.post("/bli-medlem", data=data)
    assert response.status_code == 200 and stored(db) == []


def test_a_number_in_another_script_is_the_same_person(client, db):
    """Duplicate detection and the office's search compare the stored text."""
    client.post("/bli-medlem", data=join_form(email="", phone="0701234567"))
    client.post("/bli-medlem", data=join_form(email="", phone=written_in("Devanagari",
                                                                         "0701234567")))
    assert {row["phone"] for row in stored(db)} == {"+46701234567"}


def test_email_typed_in_full_width_is_stored_in_ascii(client, db):
    client.post("/bli-medlem", data=join_form(email="ｓａｒａ＠ｅｘａｍｐｌｅ．ｏｒｇ"))
    assert stored(db)[0]["email"] == "sara@example.org"


def test_recruiter_code_typed_in_full_width_finds_the_link(client, db):
    member = make_member(db)
    link = make_link(db, member)
    wide = "".join(chr(ord(c) + 0xFEE0) for c in link["code"])
    response = client.post("/bli-medlem", data=join_form(recruiter_code=wide))
    assert response.status_code == 302
    assert stored(db)[0]["link_id"] == link["id"]


@pytest.mark.parametrize("system", SYSTEMS)
def test_second_factor_codes_are_ascii_digits(app, system):
    with app.test_request_context():
        form = CodeForm(formdata=MultiDict({"code": written_in(system, "123456")}),
                        meta={"csrf": False})
        assert form.code.data == "123456"


@pytest.mark.parametrize("system", SYSTEMS)
def test_period_with_a_campaign_id_in_another_script(app, db, system):
    campaign = make_campaign(db)
    with app.test_request_context():
        period = period_for(f"campaign-{written_in(system, str(campaign['id']))}", db)
    assert period.key == f"campaign-{campaign['id']}"


@pytest.mark.parametrize("raw,expected", [
    ("+٤٩١٥١١٢٣٤٥٦٧٨", "+4915112345678"), ("０７０１２３４５６７", "+46701234567"),
    ("+⁴⁶⁷⁰¹²³⁴⁵⁶⁷", "+46701234567"), ("+46 70 123 45 6" + KHAROSHTHI_ONE, None),
])
def test_normalise_phone(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("raw,expected", [("٢١١ ٤٥", "211 45"), ("２１１４５", "211 45"),
                                          ("²¹¹ ⁴⁵", "211 45"), ("21" + KHAROSHTHI_ONE + "45", None)])
def test_normalise_postcode(raw, expected):
    assert normalise_postcode(raw) == expected


# Names (item 5): the same rule for the join form, the invitation form, the
# create-user command, link labels, unit and campaign names.
BAD_NAMES = ["A\x00B\x1b[31m\u202eC", "\u200b", "\x00", "Anna\r\nBcc: x@evil", "Anna\u2028B",
             "-", "'.'", "123", "\u200d\u200d"]
GOOD_NAMES = ["Åsa-Britt O'Neill", "Zoë", "Jean-Luc", "Nguyễn", "Nguye\u0302\u0303n", "سارا",
              "  Anna  "]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_join_form_refuses_hidden_characters_and_letterless_names(client, db, name):
    response = client.post("/bli-medlem", data=join_form(first_name=name))
    assert response.status_code == 200 and stored(db) == []
    page = response.get_data(as_text=True)
    assert "osynliga tecken" in page or "minst en bokstav" in page


@pytest.mark.parametrize("name", GOOD_NAMES)
def test_join_form_stores_real_names_in_nfc_trimmed(client, db, name):
    assert client.post("/bli-medlem", data=join_form(last_name=name)).status_code == 302
    assert stored(db)[0]["last_name"] == unicodedata.normalize("NFC", name).strip()


@pytest.mark.parametrize("name", BAD_NAMES)
def test_invitation_form_refuses_the_same_names(app, name):
    with app.test_request_context():
        form = RegisterForm(formdata=MultiDict({
            "first_name": name, "last_name": "Berg", "email": "ny@example.org",
            "password": "ett-bra-lösenord-1", "repeat": "ett-bra-lösenord-1"}),
            meta={"csrf": False})
        assert not form.validate() and form.first_name.errors


def test_invitation_form_takes_a_real_name(app):
    with app.test_request_context():
        form = RegisterForm(formdata=MultiDict({
            "first_name": "Åsa-Britt", "last_name": "O'Neill", "email": "ny@example.org",
            "password": "ett-bra-lösenord-1", "repeat": "ett-bra-lösenord-1"}),
            meta={"csrf": False})
        assert form.validate(), form.errors


@pytest.mark.parametrize("name", BAD_NAMES)
def test_create_user_refuses_the_same_names(runner, db, name):
    result = runner.invoke(args=["create-user", "a@example.org", "--first-name", name,
                                 "--last-name", "B", "--role", "national_admin",
                                 "--password", "ett-starkt-lösen-1"])
    assert result.exit_code == 1 and result.exception.__class__.__name__ == "SystemExit"
    assert "osynliga tecken" in result.output or "minst en bokstav" in result.output
    assert db.table("members").count == 0


def test_create_user_stores_a_real_name_in_nfc(runner, db):
    result = runner.invoke(args=["create-user", "a@example.org", "--first-name",
                                 "Nguye\u0302\u0303n", "--last-name", " Zoë ",
                                 "--role", "national_admin", "--password", "ett-starkt-lösen-1"])
    assert result.exit_code == 0, result.output
    member = next(db.table("members").rows_where())
    assert (member["first_name"], member["last_name"]) == ("Nguyễn", "Zoë")


@pytest.mark.parametrize("label", BAD_NAMES)
def test_link_labels_follow_the_rule(login_as, db, label):
    member = make_member(db)
    login_as(member).post("/lankar", data={"label": label, "campaign_id": 0})
    assert db.table("links").count_where("member_id = ? and is_personal = 0",
                                         [member["id"]]) == 0


def test_link_label_with_digits_and_signs_is_fine(app):
    with app.test_request_context():
        form = LinkForm(formdata=MultiDict({"label": "Torgmöte Stortorget 12/5",
                                            "campaign_id": "0"}), meta={"csrf": False})
        form.campaign_id.choices = [(0, "Ingen")]
        assert form.validate(), form.errors


@pytest.mark.parametrize("name", BAD_NAMES)
def test_unit_names_follow_the_rule(login_as, db, name):
    admin = make_member(db, association=None, role="national_admin")
    client = login_as(admin)
    before = db.table("districts").count
    response = client.post("/admin/nation/0/ny", data={"name": name, "code": "DX"})
    assert response.status_code == 422
    response = client.post("/admin/kampanj", data={
        "campaign-name": name, "campaign-starts_on": "2026-01-01",
        "campaign-ends_on": "2026-02-01"})
    assert response.status_code == 422
    assert db.table("districts").count == before and db.table("campaigns").count == 0


def test_name_rule_directly():
    assert text.name_error("Åsa-Britt O'Neill") is None
    assert text.name_error("Kim 🙂") is None  # visible signs are escaped where shown
    assert text.name_error(text.nfc_trim("\u00a0Anna\u2003")) is None
    assert text.nfc_trim("\u00a0Anna\u2003Berg ") == "Anna Berg"
    for name in BAD_NAMES:
        assert text.name_error(text.nfc_trim(name)) is not None, repr(name)


def test_whole_number():
    assert text.whole_number("١٩٩٠") == 1990
    assert text.whole_number("²") == 2
    assert text.whole_number("9" * 10) is None  # longer than max_digits
    assert text.whole_number("-1") is None and text.whole_number("") is None
    assert text.whole_number(None) is None and text.whole_number("1e3") is None
    assert date.today().year > text.whole_number("２０２０")


@pytest.mark.parametrize("system", SYSTEMS)
def test_shift_correction_counts_are_whole_numbers_or_refused(login_as, db, system):


    member = make_member(db)
    shift = make_shift(db, member, (datetime.now(timezone.utc) - timedelta(hours=3)).isoformat())
    response = login_as(member).post(f"/pass/{shift['id']}/andra", data={
        "doors_knocked": written_in(system, "45"), "doors_opened": "3"})
    stored_count = db.table("shifts").get(shift["id"])["doors_knocked"]
    assert (response.status_code, stored_count) in ((302, 45), (422, 10))
    assert isinstance(stored_count, int)


@pytest.mark.parametrize("system", SYSTEMS)
def test_invitation_count_is_a_whole_number_or_refused(login_as, db, system):
    chair = make_member(db, role="chair")
    response = login_as(chair, role="chair").post(
        f"/forening/{chair['association_id']}/inbjudan", data={"max_uses": written_in(system, "5")})
    rows = list(db.table("invitations").rows_where())
    assert response.status_code < 500
    assert [r["max_uses"] for r in rows] in ([5], [])
    assert rows or system == "superscript"  # int() takes every decimal digit, not "⁵"


@pytest.mark.parametrize("name", BAD_NAMES)
def test_imported_unit_names_follow_the_rule(runner, db, tmp_path, name):
    csv_file = tmp_path / "org.csv"
    csv_file.write_text("level,code,name,parent_code,kind\n"
                        f"district,D-OK,Skånes partidistrikt,,\ndistrict,D-X,\"{name}\",,\n",
                        encoding="utf-8")
    result = runner.invoke(args=["import-org", str(csv_file)])
    assert result.exit_code == 1 and ("rad 3" in result.output or "rad 4" in result.output)
    assert "osynliga tecken" in result.output or "minst en bokstav" in result.output
    assert db.table("districts").count == 0


@pytest.mark.parametrize("code", ["12345" + KHAROSHTHI_ONE, KHAROSHTHI_ONE * 6, "١٢٣٤٥٦" + "\u0301"])
def test_second_factor_code_with_a_digit_no_script_maps_is_refused_not_a_crash(app, db, code):
    """compare_digest raises TypeError on non-ASCII text: that was a 500."""
    app.config["SECOND_FACTOR_REQUIRED"] = True
    chair = make_member(db, role="chair")
    client = app.test_client()
    client.post("/logga-in", data={"email": chair["email"], "password": PASSWORD})
    assert client.get("/logga-in/kod").status_code == 200  # connect an app: shows the secret
    response = client.post("/logga-in/kod", data={"code": code})
    assert response.status_code == 422
    assert db.table("members").get(chair["id"])["totp_secret"] is None
