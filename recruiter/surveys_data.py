"""The survey engine's data: questions, audiences, windows, answers and one-time codes.

Anonymity is built into the tables (migration m022): an answer holds only the
survey and the unit, never who gave it; "answered" (a member, or a one-time
code) is stored apart with a date, in the same transaction. Results below
MIN_ANSWERS are never shown as figures, wherever they are shown.
"""
import json
import secrets
import sqlite3
from datetime import date

from .db import immediate, now
from .periods import half, year
from .sessions import token_hash
from .text import code_text
from .units import ASSOCIATION, DISTRICT, MUNICIPALITY, NATION

MIN_ANSWERS = 5
SCALE = (1, 2, 3, 4, 5)
PULSE, EVALUATION = "pulse", "evaluation"
FREE_TEXT_MAX = 2000
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
MAX_CODES = 5000

# Questions as data, in Swedish and English; frozen into each survey when it is
# created, so a later edit here never changes what an earlier survey asked.
QUESTIONS = {
    PULSE: {
        "scale": [
            {"key": "overall", "short_sv": "Nöjd", "short_en": "Satisfied",
             "sv": "Hur nöjd är du med ditt medlemskap?",
             "en": "How satisfied are you with your membership?"},
            {"key": "welcome", "short_sv": "Välkommen", "short_en": "Welcome",
             "sv": "Hur välkommen känner du dig i din förening?",
             "en": "How welcome do you feel in your association?"},
            {"key": "informed", "short_sv": "Vet hur", "short_en": "Informed",
             "sv": "Hur väl vet du vad som händer och hur du kan hjälpa till?",
             "en": "How well do you know what is going on and how you can help?"},
        ],
        "free_text": {"sv": "Vill du säga något mer? (frivilligt)",
                      "en": "Anything else you want to tell us? (optional)"},
    },
    EVALUATION: {
        "scale": [
            {"key": "support", "short_sv": "Stöd", "short_en": "Support",
             "sv": "Hur väl fungerar stödet ni får i arbetet med strategin?",
             "en": "How well does the support you get for the strategy work?"},
            {"key": "tools", "short_sv": "Verktyg", "short_en": "Tools",
             "sv": "Hur väl fungerar verktygen (appen, material, utbildning)?",
             "en": "How well do the tools work (the app, materials, training)?"},
            {"key": "works", "short_sv": "Arbetet", "short_en": "The work",
             "sv": "Hur väl går arbetet med att värva och välkomna på er nivå?",
             "en": "How well does recruiting and welcoming go at your level?"},
        ],
        "free_text": {"sv": "Vad fungerar bra, och vad behöver ändras? (frivilligt)",
                      "en": "What works well, and what needs to change? (optional)"},
    },
}
# Who is asked: the pulse every member with an association (whatever role they
# use now); the evaluation the roles that lead the work at each level.
AUDIENCES = {PULSE: ("member",), EVALUATION: ("chair", "municipal_admin", "district_admin")}

# Which answers `a` belong to the unit `:unit`. The ancestors are spelt out so
# the lookup follows idx_survey_answers_unit (survey, district, municipality,
# association) down to the unit instead of reading all of a survey's answers.
_DISTRICT_OF_MUNICIPALITY = "(select district_id from municipalities where id = :unit)"
UNIT_FILTER = {
    NATION: "1 = 1",
    DISTRICT: "a.district_id = :unit",
    MUNICIPALITY: f"a.district_id = {_DISTRICT_OF_MUNICIPALITY} and a.municipality_id = :unit",
    ASSOCIATION: """a.district_id = (select m.district_id from associations x
                      join municipalities m on m.id = x.municipality_id where x.id = :unit)
                    and a.municipality_id = (select municipality_id from associations
                                             where id = :unit)
                    and a.association_id = :unit""",
}
CHILD_COLUMN = {NATION: "district_id", DISTRICT: "municipality_id",
                MUNICIPALITY: "association_id"}


def survey_period(kind, opens_on):
    """The follow-up period a survey belongs to, as a key: a half-year for the
    pulse ("2026-H2"), a year for the evaluation ("2026") (indicators 7 and 10)."""
    if kind == EVALUATION:
        return str(opens_on.year)
    return f"{opens_on.year}-H{1 if opens_on.month <= 6 else 2}"


def period_label(key):
    """"jul–dec 2026" for "2026-H2", "2026" for "2026"."""
    if "-H" not in key:
        return year(date(int(key), 1, 1)).label
    year_text, half_number = key.split("-H")
    return half(date(int(year_text), 1 if half_number == "1" else 7, 1)).label


def create_survey(db, kind, title, opens_on, closes_on, created_by):
    """Store a new survey with today's questions frozen into it; return its id."""
    return db.table("surveys").insert({
        "kind": kind, "title": title, "period": survey_period(kind, opens_on), "opens_on": opens_on.isoformat(),
        "closes_on": closes_on.isoformat(), "audience": json.dumps(AUDIENCES[kind]),
        "questions": json.dumps(QUESTIONS[kind], ensure_ascii=False),
        "created_by": created_by, "created_at": now()}).last_pk


def survey(db, survey_id):
    """A survey with its questions and audience decoded (NotFoundError if none)."""
    row = dict(db.table("surveys").get(survey_id))
    return {**row, "questions": json.loads(row["questions"]),
            "audience": json.loads(row["audience"])}


def is_open(row, day):
    """True while the survey's window (both days included) holds day."""
    return row["opens_on"] <= day.isoformat() <= row["closes_on"]


def all_surveys(db):
    """Every survey, newest window first."""
    return [survey(db, r["id"]) for r in db.query(
        "select id from surveys order by opens_on desc, id desc")]


def close_now(db, survey_id, day):
    """End an open survey's window: yesterday becomes its last day."""
    db.execute("update surveys set closes_on = ? where id = ?",
               [date.fromordinal(day.toordinal() - 1).isoformat(), survey_id])


def answer_counts(db):
    """survey id -> answers in all (a national total: no unit, so no threshold)."""
    return {r["survey_id"]: r["n"] for r in db.query(
        "select survey_id, count(*) as n from survey_answers group by survey_id")}


OPEN_FOR_SQL = """
select s.id from surveys s
where s.opens_on <= :today and s.closes_on >= :today
  and exists (select 1 from json_each(s.audience) where value = :audience)
  and not exists (select 1 from survey_answered d
                  where d.survey_id = s.id and d.member_id = :member)
order by s.opens_on, s.id"""


def open_for(db, member_id, role, has_association, day):
    """The open surveys a member should answer now, in the role they use.

    The pulse asks every member with an association; the evaluation asks by
    the current role. A survey answered once is never offered again."""
    audiences = {role} | ({"member"} if has_association else set())
    found = []
    for audience in sorted(audiences):
        for r in db.query(OPEN_FOR_SQL, {"today": day.isoformat(), "audience": audience,
                                         "member": member_id}):
            if r["id"] not in found:
                found.append(r["id"])
    return [survey(db, survey_id) for survey_id in found]


def answer_audience(row, role, has_association):
    """The audience a member answers a survey as (None: not asked)."""
    if role in row["audience"]:
        return role
    return "member" if "member" in row["audience"] and has_association else None


class AlreadyAnswered(Exception):
    """This member or code has answered the survey already."""


def _store_answer(db, survey_row, unit, scores, free_text, via):
    answer_id = secrets.randbits(62) + 1  # random: no order to join on
    db.execute(
        """insert into survey_answers (id, survey_id, level, via, association_id,
             municipality_id, district_id, free_text) values (?, ?, ?, ?, ?, ?, ?, ?)""",
        [answer_id, survey_row["id"], unit["level"], via, unit.get("association_id"),
         unit.get("municipality_id"), unit.get("district_id"), free_text or None])
    for question in survey_row["questions"]["scale"]:
        score = scores.get(question["key"])
        if score is not None:
            db.execute("insert into survey_scores (answer_id, question, score) values (?, ?, ?)",
                       [answer_id, question["key"], score])


def record_member_answer(db, survey_row, member_id, unit, scores, free_text, day):
    """Store an answer and mark the member as having answered, in one transaction.

    unit: the path (scope.unit_path) of the unit the answer counts for. Raises
    AlreadyAnswered on a second answer."""
    try:
        with immediate(db):
            db.execute("insert into survey_answered (survey_id, member_id, on_date) "
                       "values (?, ?, ?)", [survey_row["id"], member_id, day.isoformat()])
            _store_answer(db, survey_row, unit, scores, free_text, "app")
    except sqlite3.IntegrityError as error:
        raise AlreadyAnswered from error


def normalise_code(raw):
    """A typed code as stored: upper case, spaces and hyphens dropped."""
    text = code_text(raw or "").upper()
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum())[:64]


def new_codes(db, survey_id, municipality_id, count):
    """Create `count` one-time codes for a municipal organisation's members;
    only their hashes are stored. Returns the codes, grouped for reading."""
    codes = []
    with db.atomic():
        for _ in range(count):
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            db.execute("insert into survey_codes (code_hash, survey_id, municipality_id) "
                       "values (?, ?, ?)", [token_hash(code), survey_id, municipality_id])
            codes.append("-".join(code[i:i + 4] for i in range(0, CODE_LENGTH, 4)))
    return codes


def code_survey(db, code):
    """(survey, municipality id) of an unused code, or None."""
    rows = list(db.query("select survey_id, municipality_id from survey_codes "
                         "where code_hash = ? and used_on is null",
                         [token_hash(normalise_code(code))]))
    return (survey(db, rows[0]["survey_id"]), rows[0]["municipality_id"]) if rows else None


def record_code_answer(db, code, unit, scores, free_text, day):
    """Spend a one-time code on an answer, in one transaction; AlreadyAnswered if
    the code is unknown or used (a race loses here, not at the form)."""
    with immediate(db):
        cursor = db.execute(
            "update survey_codes set used_on = ? where code_hash = ? and used_on is null",
            [day.isoformat(), token_hash(normalise_code(code))])
        if cursor.rowcount != 1:
            raise AlreadyAnswered
        survey_id = next(db.query("select survey_id from survey_codes where code_hash = ?",
                                  [token_hash(normalise_code(code))]))["survey_id"]
        _store_answer(db, survey(db, survey_id), unit, scores, free_text, "code")
