"""The counts behind leaderboards and indicators, on a hand-made data set.

Period: March–April 2026 in Swedish time, [2026-02-28T23:00Z, 2026-04-30T22:00Z).
"""
from datetime import date

import pytest

from recruiter import periods, rollups, scoring
from tests.factories import make_campaign, make_shift, make_signup

SINCE, UNTIL = "2026-02-28T23:00:00+00:00", "2026-04-30T22:00:00+00:00"


def test_standings_order_shared_places_and_earlier_achiever_first(db, world):
    rows = scoring.recruiter_standings(db, world["a"]["id"], SINCE, UNTIL)
    table = [(r["first_name"], r["recruited"], r["place"]) for r in rows]
    assert table == [("Bo", 2, 1), ("Anna", 2, 1), ("Cia", 1, 3), ("Dan", 0, 4)]


def test_standings_count_work_in_the_period(db, world):
    rows = {r["first_name"]: r for r in scoring.recruiter_standings(db, world["a"]["id"], SINCE, UNTIL)}
    assert (rows["Anna"]["conversations"], rows["Anna"]["doors"]) == (7, 30)
    assert (rows["Dan"]["conversations"], rows["Dan"]["doors"]) == (4, 12)


def test_standings_never_include_another_association(db, world):
    names = {r["first_name"] for r in scoring.recruiter_standings(db, world["a"]["id"], SINCE, UNTIL)}
    assert "Eve" not in names


def test_standings_for_a_campaign(db, world):
    campaign = make_campaign(db)
    make_signup(db, recruiter=world["dan"], created_at="2026-03-09T10:00:00+00:00",
                campaign_id=campaign["id"])
    rows = scoring.recruiter_standings(db, world["a"]["id"], SINCE, UNTIL, campaign["id"])
    assert [(r["first_name"], r["recruited"]) for r in rows if r["recruited"]] == [("Dan", 1)]


def test_association_totals_and_recruited_share(db, world):
    totals = scoring.association_totals(db, world["a"]["id"], SINCE, UNTIL)
    assert (totals["signups"], totals["recruited"]) == (6, 5)
    assert totals["share"] == pytest.approx(5 / 6)


@pytest.mark.parametrize("level,unit,signups,recruited", [
    ("association", "a", 6, 5),
    ("municipality", "m1", 9, 8),
    ("district", "d1", 9, 8),
    ("district", "d2", 2, 0),
    ("nation", None, 11, 8),
])
def test_recruited_share_at_each_level(db, world, level, unit, signups, recruited):
    numbers = rollups.indicators(db, level, world[unit]["id"] if unit else None, SINCE, UNTIL)
    assert (numbers["signups"], numbers["recruited"]) == (signups, recruited)
    assert numbers["share"] == pytest.approx(recruited / signups if signups else None)


def test_under_45_invoiced_and_paid(db, world):
    numbers = rollups.indicators(db, "association", world["a"]["id"], SINCE, UNTIL)
    assert numbers["under_45"] == 5  # Cia's recruit was born 1960
    assert numbers["invoiced"] == 3 and numbers["paid"] == 2


def test_share_is_none_without_signups(db, world):
    assert rollups.indicators(db, "association", world["b"]["id"], "2020", "2021")["share"] is None


def test_children_side_by_side(db, world):
    rows = {r["id"]: r for r in rollups.children(db, "municipality", world["m1"]["id"], SINCE, UNTIL)}
    assert (rows[world["a"]["id"]]["signups"], rows[world["b"]["id"]]["signups"]) == (6, 3)
    districts = {r["id"]: r for r in rollups.children(db, "nation", None, SINCE, UNTIL)}
    assert districts[world["d1"]["id"]]["recruited"] == 8
    assert districts[world["d2"]["id"]]["share"] == 0


def test_team_table_counts_paid_recruits(db, world):
    rows = {r["first_name"]: r for r in scoring.team_table(db, world["a"]["id"], SINCE, UNTIL)}
    assert (rows["Bo"]["recruited"], rows["Bo"]["paid"]) == (2, 2)
    assert (rows["Anna"]["shifts"], rows["Anna"]["recruited"]) == (1, 2)


def test_sources_and_months(db, world):
    assert rollups.by_source(db, "association", world["a"]["id"], SINCE, UNTIL) == {
        "link": 5, "own_initiative": 1}
    months = rollups.per_month(db, "association", world["a"]["id"], SINCE, UNTIL)
    assert [(m["month"], m["signups"], m["invoiced"]) for m in months] == [
        ("2026-03", 5, 3), ("2026-04", 1, 0)]


def test_first_recruit_is_the_earliest_ever(db, world):
    firsts = scoring.first_recruits(db, world["a"]["id"])
    assert firsts[world["anna"]["id"]] == "2026-02-28T22:59:59+00:00"
    assert world["dan"]["id"] not in firsts


def test_streak_counts_weeks_in_a_row(db, world):
    dan = world["dan"]
    for day in ("2026-11-02", "2026-11-10", "2026-11-17", "2026-11-24"):  # four Monday-weeks
        make_shift(db, dan, f"{day}T09:00:00+00:00")
    make_shift(db, dan, "2026-10-12T09:00:00+00:00")  # after a gap: not in the streak
    assert scoring.streaks(db, world["a"]["id"], date(2026, 11, 27))[dan["id"]] == 4
    # On Monday the 30th, before this week's shift, last week's streak still stands.
    assert scoring.streaks(db, world["a"]["id"], date(2026, 11, 30))[dan["id"]] == 4
    assert scoring.streaks(db, world["a"]["id"], date(2026, 12, 8))[dan["id"]] == 0


def test_target_groups(db, world):
    make_signup(db, association=world["c"], created_at="2026-06-01T10:00:00+00:00", birth_year=2000)
    make_signup(db, association=world["c"], created_at="2026-06-01T10:00:00+00:00", birth_year=1990)
    groups = rollups.target_groups(db, 2026, "2025-12-31T23:00:00+00:00", "2026-12-31T23:00:00+00:00")
    assert groups["age_17_30"] == 1  # born 2000: 26
    # born 1990 (36): the world's 13 sign-ups in 2026 but Cia's (born 1960), and one more
    assert groups["age_30_45"] == 13


def test_trend_counts_each_period_in_one_pass(app, db, world):
    with app.test_request_context():
        spans = [periods.bimonth(date(2026, 2, 1)), periods.bimonth(date(2026, 4, 1))]
    rows = rollups.trend(db, "association", world["a"]["id"], spans)
    assert [(r["signups"], r["recruited"]) for r in rows] == [(1, 1), (6, 5)]
    empty = rollups.trend(db, "association", world["b"]["id"], spans[:1])
    assert [(r["signups"], r["recruited"]) for r in empty] == [(0, 0)]
