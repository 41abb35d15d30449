"""The two-month report (issue 15, indicator 11): what it shows and how it is frozen.

`build` gathers a unit's figures for one two-month period from the named
queries the overviews use (rollups.py, calls_team, surveys_results), uncached:
a closed report must hold the figures of the moment it was closed. Every value
is stored as the text shown (Swedish, the executive committee's language), so
a closed report renders from its snapshot alone: later sign-ups, erasures and
imports never change a figure or a word of it (reports_store.py).
"""
import re
from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _

from . import calls_team, rollups, scoring, surveys_data, surveys_results
from .db import now
from .periods import add_months, bimonth, today
from .register_csv import REASON_NAMES
from .units import LEVELS, NATION

PERIOD_KEY = re.compile(r"^(\d{4})-(01|03|05|07|09|11)$")
PERIODS_LISTED = 6
ANALYSIS_MAX = 20_000
# Hook: later features add a section (campaigns, the ten best municipal
# organisations) by appending a function (db, level, unit_id, period) -> a dict
# {"title": str, "columns": [str], "rows": [[str]]} or None.
EXTRA_SECTIONS = []


def period_from_key(key):
    """The bimonth a key like "2026-09" names, or None."""
    match = PERIOD_KEY.match(key or "")
    if not match or not 2000 <= int(match.group(1)) <= 2999:
        return None
    return bimonth(date(int(match.group(1)), int(match.group(2)), 1))


def period_key(period):
    """"2026-09" for Sep–Oct 2026."""
    return _start(period).strftime("%Y-%m")


def _start(period):
    """The first day of a bimonth Period (its since is local midnight in UTC)."""
    day = date.fromisoformat(period.until[:10])
    return add_months(day.replace(day=1), -2 if day.day == 1 else -1)


def listed_periods(closed, count=PERIODS_LISTED, day=None):
    """The last `count` two-month periods up to today's and every closed one before
    them, newest first: (key, period)."""
    first = _start(bimonth(day or today()))
    keys = {add_months(first, -2 * n).strftime("%Y-%m") for n in range(count)} | set(closed)
    return [(key, period_from_key(key)) for key in sorted(keys, reverse=True)]


def has_ended(period, moment=None):
    return (moment or now()) >= period.until


def _int(n):
    return "–" if n is None else f"{n:,}".replace(",", " ")


def _pct(x):
    return "–" if x is None else f"{round(x * 100)} %"


def _numbers(db, level, unit_id, period):
    """The overview's figures for one period (scoring's named queries, uncached)."""
    args = (db, level, unit_id, period.since, period.until)
    return {"ind": rollups.indicators(*args), "register": rollups.register_indicators(*args),
            "new": rollups.new_registrations(*args), "funnel": rollups.funnel(*args)}


def _since_register(entry):
    """Where a register figure comes from, with its "as of" date."""
    if entry and entry.get("as_of"):
        return _("registret, per %(day)s", day=entry["as_of"])
    return _("inga registeruppgifter ännu")


def _indicator_rows(now_n, before_n, level):
    """(ref, name, this period, previous period, goal, source) per indicator."""
    ind, prev = now_n["ind"], before_n["ind"]
    reg, prev_reg = now_n["register"], before_n["register"]
    national = level == NATION
    new, prev_new = now_n["new"], before_n["new"]
    rows = [
        ("1", _("Nya medlemmar (betalande)") if new else _("Nya anmälningar"),
         _int(new["new_members"] if new else ind["signups"]),
         _int(prev_new["new_members"] if prev_new else prev["signups"]),
         _("%(n)s per år", n=_int(scoring.GOAL_SIGNUPS_PER_YEAR)) if national else "–",
         _since_register(new) if new else _("appen")),
        ("2", _("Nya anmälningar under 45 år"), _int(ind["under_45"]), _int(prev["under_45"]),
         "–", _("appen")),
        ("3", _("Medlemmar"), _int(reg["members"]["members"]) if reg["members"] else "–",
         _int(prev_reg["members"]["members"]) if prev_reg["members"] else "–",
         _("växande varje år"), _since_register(reg["members"])),
        ("4", _("Andel medlemmar under 45 år"),
         _pct(reg["members"]["share_under_45"]) if reg["members"] else "–",
         _pct(prev_reg["members"]["share_under_45"]) if prev_reg["members"] else "–",
         "–", _since_register(reg["members"])),
        ("5", _("Andel värvade av anmälningarna"), _pct(ind["share"]), _pct(prev["share"]),
         _pct(scoring.GOAL_RECRUITED_SHARE), _("appen")),
        ("5", _("Värvade och betalande av alla nya medlemmar"),
         _pct(reg["new_members"]["share"]) if reg["new_members"] else "–",
         _pct(prev_reg["new_members"]["share"]) if prev_reg["new_members"] else "–",
         _pct(scoring.GOAL_RECRUITED_SHARE), _since_register(reg["new_members"])),
        ("6", _("Utträden (senaste halvåret)"), *_resignations(reg, prev_reg),
         _("20 % färre") if national else "–", _since_register(reg["resignations"])),
        ("8", _("Avier skickade"), _int(ind["invoiced"]), _int(prev["invoiced"]), "–",
         _since_register(reg["invoices"]) if reg["invoices"]["as_of"] else _("appen")),
        ("8", _("Betalande"), _int(ind["paid"]), _int(prev["paid"]), "–", _("appen")),
    ]
    names = ("ref", "name", "value", "previous", "goal", "source")
    return [dict(zip(names, r, strict=True)) for r in rows]


def _resignations(reg, prev_reg):
    def last(r):
        halves = r["resignations"]["halves"]
        return _int(halves[-1]["total"]) if halves else "–"
    return last(reg), last(prev_reg)


def _reasons(reg):
    halves = reg["resignations"]["halves"]
    if not halves:
        return []
    return [{"name": str(REASON_NAMES.get(k, k)), "value": _int(v)}
            for k, v in sorted(halves[-1]["reasons"].items())]


FUNNEL_NAMES = {"signups": "Anmälda", "invoiced": "Aviserade", "paid": "Betalande"}


def _funnel(funnel):
    return [{"step": FUNNEL_NAMES[s["step"]], "count": _int(s["count"]),
             "share": _pct(s["share_of_previous"]),
             "median": "–" if s["median_days"] is None else f"{s['median_days']:g}"}
            for s in funnel["steps"]]


def _welcome(db, level, unit_id):
    """Welcomed within due time over the unit's whole list (calls_team), as of today."""
    if level not in calls_team.WELCOMED_SQL:
        return None
    pairs = calls_team.welcomed_in_time(db, level, unit_id).values()
    in_time, due = sum(p[0] for p in pairs), sum(p[1] for p in pairs)
    return {"in_time": _int(in_time), "due": _int(due),
            "share": _pct(in_time / due if due else None), "as_of": today().isoformat()}


def _satisfaction(db, level, unit_id, period):
    """Indicators 7 and 10 where a survey ran in the period's half-year or year."""
    start = _start(period)
    found = []
    for kind, key in ((surveys_data.PULSE, surveys_data.survey_period("pulse", start)),
                      (surveys_data.EVALUATION, surveys_data.survey_period("evaluation", start))):
        for row in surveys_results.trend(db, kind, level, unit_id, key):
            questions = surveys_data.QUESTIONS[kind]["scale"]
            found.append({
                "ref": "7" if kind == surveys_data.PULSE else "10",
                "label": row["label"],
                "answers": _("för få svar") if row["too_few"] else _int(row["answers"]),
                "means": [{"name": q["short_sv"],
                           "value": _("för få svar") if row["too_few"]
                           else ("–" if m["mean"] is None else f"{m['mean']:.1f}")}
                          for q, m in zip(questions, row["questions"] or [{}] * len(questions),
                                          strict=True)]})
    return found


def build(db, level, unit_id, unit_name, period, previous):
    """Everything a report shows for one unit and period, as plain JSON-ready data."""
    with force_locale("sv"):
        now_n, before_n = (_numbers(db, level, unit_id, period),
                           _numbers(db, level, unit_id, previous))
        trend = rollups.trend(db, level, unit_id, _six_up_to(period))
        extra = [s for s in (f(db, level, unit_id, period) for f in EXTRA_SECTIONS) if s]
        return {
            "unit": {"level": level, "id": unit_id, "name": str(unit_name),
                     "level_label": str(LEVELS[level].label)},
            "period": {"key": period_key(period), "label": period.label,
                       "previous": previous.label, "since": period.since,
                       "until": period.until},
            "indicators": _indicator_rows(now_n, before_n, level),
            "reasons": _reasons(now_n["register"]),
            "trend": [{"label": t["label"], "signups": _int(t["signups"]),
                       "recruited": _int(t["recruited"])} for t in trend],
            "funnel": _funnel(now_n["funnel"]),
            "funnel_as_of": now_n["funnel"]["as_of"],
            "welcome": _welcome(db, level, unit_id),
            "satisfaction": _satisfaction(db, level, unit_id, period),
            "extra": extra,
        }


def _six_up_to(period):
    start = _start(period)
    return [bimonth(add_months(start, -2 * n)) for n in reversed(range(6))]


def previous_period(period):
    return bimonth(add_months(_start(period), -2))
