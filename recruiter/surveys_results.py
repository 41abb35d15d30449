"""Survey results per unit and period: answers, mean, distribution and trend.

A group with fewer than MIN_ANSWERS answers gets no figures at all, only
`too_few` (shown as "för få svar" in HTML, JSON and CSV). Groups side by side
add up to their parent, so when what is held back adds up to fewer than
MIN_ANSWERS the smallest shown group is held back with it.
"""
from flask_babel import gettext as _

from .surveys_data import (CHILD_COLUMN, MIN_ANSWERS, QUESTIONS, SCALE, UNIT_FILTER,
                           period_label)
from .units import LEVELS, NATION


def _per_level(sql):
    return {level: sql.replace("{unit_filter}", condition)
            for level, condition in UNIT_FILTER.items()}


PERIOD_COUNTS_SQL = _per_level("""
select s.period, min(s.opens_on) as opens_on, count(a.id) as answers
from surveys s join survey_answers a on a.survey_id = s.id
where s.kind = :kind and {unit_filter} and (:period is null or s.period = :period)
group by s.period order by opens_on""")
PERIOD_SCORES_SQL = _per_level("""
select s.period, c.question, c.score, count(*) as n
from surveys s join survey_answers a on a.survey_id = s.id
join survey_scores c on c.answer_id = a.id
where s.kind = :kind and {unit_filter} and (:period is null or s.period = :period)
group by s.period, c.question, c.score""")
GROUP_COUNTS_SQL = _per_level("""
select {group} as grp, count(a.id) as answers
from surveys s join survey_answers a on a.survey_id = s.id
where s.kind = :kind and s.period = :period and {unit_filter}
group by grp""")
GROUP_SCORES_SQL = _per_level("""
select {group} as grp, c.question, c.score, count(*) as n
from surveys s join survey_answers a on a.survey_id = s.id
join survey_scores c on c.answer_id = a.id
where s.kind = :kind and s.period = :period and {unit_filter}
group by grp, c.question, c.score""")
CHILD_NAMES_SQL = {
    NATION: "select id, name from districts where :unit is null order by name",
    "district": "select id, name from municipalities where district_id = :unit order by name",
    "municipality": "select id, name from associations where municipality_id = :unit "
                    "order by name",
}
FREE_TEXT_SQL = """
select a.free_text from surveys s join survey_answers a on a.survey_id = s.id
where s.kind = :kind and s.period = :period and a.free_text is not null
order by a.free_text"""


def question_keys(kind):
    return [q["key"] for q in QUESTIONS[kind]["scale"]]


def summary(answers, scores, kind):
    """One group's figures from {question: {score: n}}; no figures below the threshold."""
    if answers < MIN_ANSWERS:
        return {"answers": None, "too_few": True, "questions": None}
    questions = []
    for key in question_keys(kind):
        counts = scores.get(key, {})
        total = sum(counts.values())
        questions.append({
            "key": key, "answered": total,
            "mean": round(sum(s * n for s, n in counts.items()) / total, 2) if total else None,
            "distribution": {str(s): counts.get(s, 0) for s in SCALE}})
    return {"answers": answers, "too_few": False, "questions": questions}


def _collect(rows, key):
    scores = {}
    for r in rows:
        group = scores.setdefault(r[key], {}).setdefault(r["question"], {})
        group[r["score"]] = r["n"]
    return scores


def trend(db, kind, level, unit_id, period=None):
    """The unit's figures for each period a survey of this kind ran, oldest first."""
    params = {"kind": kind, "unit": unit_id, "period": period}
    counts = list(db.query(PERIOD_COUNTS_SQL[level], params))
    scores = _collect(db.query(PERIOD_SCORES_SQL[level], params), "period")
    return [{"period": r["period"], "label": period_label(r["period"]),
             **summary(r["answers"], scores.get(r["period"], {}), kind)} for r in counts]


def _groups(db, kind, level, unit_id, period, group):
    params = {"kind": kind, "unit": unit_id, "period": period}
    counts = {r["grp"]: r["answers"]
              for r in db.query(GROUP_COUNTS_SQL[level].replace("{group}", group), params)}
    scores = _collect(db.query(GROUP_SCORES_SQL[level].replace("{group}", group), params), "grp")
    return counts, scores


def children(db, kind, level, unit_id, period):
    """The units one level down in a period, each with its figures or too_few."""
    if level not in CHILD_COLUMN:
        return []
    counts, scores = _groups(db, kind, level, unit_id, period, f"a.{CHILD_COLUMN[level]}")
    units = [(r["id"], r["name"]) for r in db.query(CHILD_NAMES_SQL[level], {"unit": unit_id})]
    if counts.get(None):  # answers by code carry no association: a group of their own
        units.append((None, _("Svar med kod (ingen förening)")))
    return _side_by_side([{"id": unit, "name": name, "_n": counts.get(unit, 0),
                           **summary(counts.get(unit, 0), scores.get(unit, {}), kind)}
                          for unit, name in units])


def _side_by_side(rows):
    """Groups that add up to their parent: hold back what could be worked out."""
    _hold_back_complement(rows)
    for row in rows:
        del row["_n"]
    return rows


def _hold_back_complement(rows):
    """What is held back could be worked out from the parent and the rest shown
    when its answers add up to fewer than MIN_ANSWERS: hold back the smallest
    shown group as well (one is enough, having at least MIN_ANSWERS itself)."""
    held = sum(r["_n"] for r in rows if r["too_few"])
    shown = sorted((r for r in rows if not r["too_few"]), key=lambda r: r["_n"])
    if 0 < held < MIN_ANSWERS and shown:
        shown[0].update(answers=None, too_few=True, questions=None)


def by_level(db, kind, level, unit_id, period):
    """The yearly evaluation per answering level (chairs, municipal, district)."""
    counts, scores = _groups(db, kind, level, unit_id, period, "a.level")
    return _side_by_side([{"level": name, "label": LEVELS[name].label, "_n": counts[name],
                           **summary(counts[name], scores.get(name, {}), kind)}
                          for name in LEVELS if name in counts])


def free_texts(db, kind, period):
    """The free-text answers of a period, alphabetically: no unit, no order of arrival."""
    return [r["free_text"] for r in db.query(FREE_TEXT_SQL, {"kind": kind, "period": period})]


def periods_run(db, kind):
    """The period keys in which a survey of this kind has run, newest first."""
    return [r["period"] for r in db.query(
        "select period, max(opens_on) as o from surveys where kind = ? "
        "group by period order by o desc", [kind])]
