"""The public join form under arbitrary input: never a 5xx, never a half-stored row."""
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recruiter.text import has_hidden

FIELDS = ("first_name", "last_name", "email", "phone", "birth_year", "postcode",
          "recruiter_code", "consent", "website", "submission_id")
# Digits of other scripts (Arabic-Indic, Devanagari, full-width, superscripts) and
# invisible characters: normalised or refused, never stored raw (issue 9).
OTHER_DIGITS = "٠١٢٣٤٥٦٧٨٩०१२३४५६७८९０１２３４５６７８９⁰¹²³⁴⁵⁶⁷⁸⁹\U00010A40"
HIDDEN = "\x00\x1b\r\n\u200b\u200d\u202e\u2028"
text = st.one_of(st.text(max_size=120), st.text(alphabet=string.digits + " -+", max_size=16),
                 st.text(alphabet=string.digits + OTHER_DIGITS + " -+", max_size=16),
                 st.text(alphabet="Anna" + HIDDEN, min_size=1, max_size=12),
                 st.sampled_from(["", " ", "1990", "211 45", "anna@example.org", "y",
                                  "<script>alert(1)</script>", "=HYPERLINK(\"x\")", "\x00"]))


@settings(max_examples=500, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(form=st.fixed_dictionaries({}, optional={field: text for field in FIELDS}))
def test_any_input_gets_an_answer_and_valid_rows_only(client, db, form):
    before = db.table("signups").count
    response = client.post("/bli-medlem", data=form)
    assert response.status_code in (200, 302)
    after = db.table("signups").count
    if response.status_code == 200:
        assert after == before
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    else:
        assert after - before in (0, 1)  # 0: honeypot or a duplicate
        if after > before:
            row = next(db.query("select * from signups order by id desc limit 1"))
            assert row["first_name"].strip() and len(row["first_name"]) <= 100
            assert row["email"] or row["phone"]
            assert 1900 <= row["birth_year"] and len(row["postcode"]) == 6
            assert row["postcode"].isascii() and (row["phone"] or "").isascii()
            assert not has_hidden(row["first_name"] + row["last_name"])
