"""The strategy's follow-up periods in Swedish time: two-month periods
(Jan–Feb, Mar–Apr, …), half-years, years, campaigns and all time."""
from dataclasses import dataclass
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask_babel import format_date
from flask_babel import gettext as _

from .text import whole_number

TZ = ZoneInfo("Europe/Stockholm")
BEGINNING, END = "0000", "9999"  # sort before and after every ISO timestamp


@dataclass(frozen=True)
class Period:
    """A half-open span [since, until) as UTC ISO text, comparable with *_at columns."""
    key: str
    label: str
    since: str
    until: str


def today():
    """Today's date in Sweden."""
    return datetime.now(TZ).date()


def bimonth_start(day):
    return date(day.year, day.month - (day.month - 1) % 2, 1)


def add_months(day, months):
    """The first of the month `months` after day's month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def utc(day):
    """Midnight in Sweden at the start of day, as UTC ISO text."""
    moment = datetime(day.year, day.month, day.day, tzinfo=TZ)
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def span(start, months):
    """The period from the first of start's month, `months` long."""
    return utc(start), utc(add_months(start, months))


def _month(day):
    """A short month name: "mar", not "mars" or "mar." (Babel's abbreviation)."""
    return format_date(day, "LLL").rstrip(".")


def bimonth(day):
    start = bimonth_start(day)
    end = add_months(start, 1)
    label = f"{_month(start)}–{_month(end)} {start.year}"
    return Period("bimonth", label, *span(start, 2))


def half(day):
    start = date(day.year, 1 if day.month <= 6 else 7, 1)
    label = _("%(half)s %(year)d", half=_("jan–jun") if start.month == 1 else _("jul–dec"),
              year=day.year)
    return Period("half", label, *span(start, 6))


def year(day):
    return Period("year", str(day.year), *span(date(day.year, 1, 1), 12))


def all_time():
    return Period("all", _("All tid"), BEGINNING, END)


def campaign_period(campaign):
    """A campaign's own dates, both days included."""
    start = date.fromisoformat(campaign["starts_on"])
    end = date.fromordinal(date.fromisoformat(campaign["ends_on"]).toordinal() + 1)
    return Period(f"campaign-{campaign['id']}", campaign["name"], utc(start), utc(end))


def period_for(key, db, day=None):
    """The period a ?period= value names; unknown values give the two-month period."""
    day = day or today()
    campaign_id = whole_number(key[9:], max_digits=12) \
        if key and key.startswith("campaign-") else None
    if campaign_id is not None:
        rows = list(db.table("campaigns").rows_where("id = ?", [campaign_id]))
        if rows:
            return campaign_period(rows[0])
    return {"half": half, "year": year}.get(key, bimonth)(day) if key != "all" else all_time()


def last_bimonths(count, day=None):
    """The `count` two-month periods up to and including day's, oldest first."""
    start = bimonth_start(day or today())
    return [bimonth(add_months(start, -2 * n)) for n in reversed(range(count))]
