"""Issue 11: the funnel per unit and period, sign-ups → invoiced → paid, with the
days each step took and the drop-off, on hand-computed data."""
from datetime import date

import pytest

from recruiter import rollups
from tests.factories import make_association, make_member, make_signup

SINCE, UNTIL = "2025-12-31T23:00:00+00:00", "2026-02-28T23:00:00+00:00"


def status(db, signup, name, on_date):
    db.table("signup_statuses").insert({"signup_id": signup["id"], "status": name,
                                        "on_date": on_date})


@pytest.fixture
def funnel_data(db):
    """Five counted sign-ups in A (one duplicate and one after the period left
    out) and one in B elsewhere in the country."""
    a, b = make_association(db), make_association(db)
    recruiter = make_member(db, association=a)

    def signup(day, association=a, **extra):
        return make_signup(db, recruiter=recruiter, association=association,
                           created_at=f"{day}T10:00:00+00:00", **extra)

    s1, s2, s3 = signup("2026-01-10"), signup("2026-01-10"), signup("2026-01-20")
    s4, s5 = signup("2026-02-01"), signup("2026-02-02")
    duplicate = signup("2026-02-03", duplicate_of=s4["id"])
    later = signup("2026-03-05")
    elsewhere = signup("2026-01-15", association=b)
    for row, invoiced, paid in ((s1, "2026-01-14", "2026-01-24"), (s2, "2026-01-12", "2026-01-18"),
                                (s3, "2026-01-26", None), (s5, None, "2026-02-10"),
                                (duplicate, "2026-02-05", None), (later, "2026-03-06", None),
                                (elsewhere, "2026-01-16", None)):
        if invoiced:
            status(db, row, "invoiced", invoiced)
        if paid:
            status(db, row, "paid", paid)
    return {"a": a, "b": b}


def counts(result):
    return [(s["step"], s["count"], s["dropped"], s["median_days"]) for s in result["steps"]]


def test_funnel_of_an_association(db, funnel_data):
    result = rollups.funnel(db, "association", funnel_data["a"]["id"], SINCE, UNTIL)
    # 5 sign-ups; s1, s2, s3 invoiced and s5 paid without an invoice on record: 4;
    # s1, s2, s5 paid: 3. Days to invoice 4, 2, 6 -> 4; invoice to payment 10, 6 -> 8.
    assert counts(result) == [("signups", 5, None, None), ("invoiced", 4, 1, 4),
                              ("paid", 3, 1, 8)]
    assert [s["share_of_previous"] for s in result["steps"]] == [None, 0.8, 0.75]
    assert (result["as_of"], result["source"]) == ("2026-02-10", "register")


def test_funnel_of_the_nation_adds_the_other_association(db, funnel_data):
    result = rollups.funnel(db, "nation", None, SINCE, UNTIL)
    # B's sign-up was invoiced after 1 day: days 1, 2, 4, 6 -> median 3.
    assert counts(result) == [("signups", 6, None, None), ("invoiced", 5, 1, 3),
                              ("paid", 3, 2, 8)]


def test_funnel_without_register_statuses(db):
    a = make_association(db)
    make_signup(db, association=a, created_at="2026-01-05T10:00:00+00:00")
    result = rollups.funnel(db, "association", a["id"], SINCE, UNTIL)
    assert counts(result) == [("signups", 1, None, None), ("invoiced", 0, 1, None),
                              ("paid", 0, 0, None)]
    assert (result["as_of"], result["source"]) == (None, "app")


@pytest.mark.parametrize("counts_of, expected", [
    ({}, None), ({3: 1}, 3), ({1: 1, 5: 1}, 3), ({2: 2, 9: 1}, 2), ({0: 1, 4: 2, 7: 1}, 4)])
def test_median_of_counts(counts_of, expected):
    assert rollups.median_of_counts(counts_of) == expected


def test_the_overview_and_the_json_show_the_funnel(db, login_as):
    a = make_association(db)
    recruiter = make_member(db, association=a)
    today = date.today().isoformat()
    paid, invoiced = make_signup(db, recruiter=recruiter), make_signup(db, recruiter=recruiter)
    make_signup(db, recruiter=recruiter)
    status(db, paid, "invoiced", today)
    status(db, paid, "paid", today)
    status(db, invoiced, "invoiced", today)
    office = login_as(make_member(db, association=None, role="national_admin"))
    page = office.get(f"/oversikt/municipality/{a['municipality_id']}").get_data(as_text=True)
    table = page.split('data-testid="funnel"')[1].split("</table>")[0]
    rows = [r.split("</th>")[1] for r in table.split("<tbody>")[1].split("</tr>")[:3]]
    assert rows == ["<td>3</td><td>–</td><td>–</td><td>–</td>",
                    "<td>2</td><td>67 %</td><td>1</td><td>0</td>",
                    "<td>1</td><td>50 %</td><td>1</td><td>0</td>"]
    assert f"registret, per {today}" in page
    api = office.get(f"/api/indicators/municipality/{a['municipality_id']}").get_json()
    assert [s["count"] for s in api["funnel"]["steps"]] == [3, 2, 1]
    assert api["funnel"]["steps"][2]["median_days"] == 0
