from datetime import date

from recruiter import periods
from tests.factories import make_campaign


def test_two_month_periods_in_swedish_time(app):
    with app.test_request_context():
        p = periods.bimonth(date(2026, 4, 30))
        # March 1st 00:00 in Stockholm is 23:00 UTC the day before (CET, UTC+1);
        # May 1st 00:00 is 22:00 UTC (CEST, UTC+2).
        assert (p.since, p.until) == ("2026-02-28T23:00:00+00:00", "2026-04-30T22:00:00+00:00")
        assert p.label == "mars–apr 2026"


def test_last_second_of_a_period_is_inside_it(app):
    with app.test_request_context():
        p = periods.bimonth(date(2026, 2, 10))
    last_second = "2026-02-28T22:59:59+00:00"  # 23:59:59 on Feb 28th in Stockholm
    first_of_next = "2026-02-28T23:00:00+00:00"
    assert p.since <= last_second < p.until
    assert not first_of_next < p.until


def test_half_year_and_year(app):
    with app.test_request_context():
        assert periods.half(date(2026, 7, 1)).since == "2026-06-30T22:00:00+00:00"
        assert periods.half(date(2026, 6, 30)).until == "2026-06-30T22:00:00+00:00"
        assert periods.year(date(2026, 12, 31)).until == "2026-12-31T23:00:00+00:00"


def test_last_bimonths_cross_the_new_year(app):
    with app.test_request_context():
        labels = [p.label for p in periods.last_bimonths(3, date(2026, 2, 1))]
    assert labels == ["sep–okt 2025", "nov–dec 2025", "jan–feb 2026"]


def test_campaign_period_includes_its_last_day(app, db):
    campaign = make_campaign(db, starts_on="2026-08-01", ends_on="2026-09-13")
    with app.test_request_context():
        p = periods.period_for(f"campaign-{campaign['id']}", db)
    assert p.since == "2026-07-31T22:00:00+00:00" and p.until == "2026-09-13T22:00:00+00:00"


def test_unknown_period_falls_back_to_two_months(app, db):
    with app.test_request_context():
        assert periods.period_for("nonsense", db).key == "bimonth"
        assert periods.period_for("campaign-999", db).key == "bimonth"
        assert periods.period_for("all", db).key == "all"
