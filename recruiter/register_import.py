"""Importing the member register's files: preview, then apply all-or-nothing.

A status file is streamed into a temporary staging table in chunks, then
checked and applied with set-based SQL, so a 50 MB file never sits in memory
(bench/register_import.py). Preview and apply run the same code inside one
write transaction; the preview always rolls back.
"""
import json

import hashlib
import secrets

from flask import current_app, has_app_context
from flask_babel import gettext as _

from . import cache, register_csv
from .db import immediate, now
from .rollups import per_level

MAX_LISTED_ERRORS = 500
STAGE_CHUNK = 5000

STAGE_SQL = """create temp table if not exists register_stage (
  line integer primary key, reference text, email text, mobile text, status text,
  on_date text, reason text, signup_id integer, matches integer)"""
STAGE_INDEX_SQL = "create index if not exists temp.register_stage_signup on register_stage(signup_id)"
CLEAR_STAGE_SQL = "delete from register_stage"
INSERT_STAGE_SQL = """insert into register_stage (line, reference, email, mobile, status, on_date,
                                                  reason)
select j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5,
       j.value ->> 6 from json_each(?) j"""
# Each resolution is limited to the importer's unit: outside it a sign-up is unknown.
RESOLVE_REFERENCE_SQL = per_level("""
update register_stage set matches = 1, signup_id =
  (select s.id from signups s where s.reference = register_stage.reference and {unit_filter})
where reference != ''""")
RESOLVE_CONTACT_SQL = {
    column: per_level(f"""
update register_stage set
  matches = (select count(*) from signups s where s.{column} = register_stage.{key}
             and s.erased_at is null and s.duplicate_of is null and {{unit_filter}}),
  signup_id = (select min(s.id) from signups s where s.{column} = register_stage.{key}
               and s.erased_at is null and s.duplicate_of is null and {{unit_filter}})
where reference = '' and {condition}""")
    for column, key, condition in (("email", "email", "email != ''"),
                                   ("phone", "mobile", "email = '' and mobile != ''"))}
UNRESOLVED_SQL = """select line, reference, email, mobile, matches from register_stage
where signup_id is null or matches > 1 order by line"""
DUPLICATES_SQL = """select line, first_line from (
  select line, min(line) over (partition by signup_id) as first_line from register_stage
  where signup_id is not null)
where line > first_line order by line"""
TRANSITIONS_SQL = """select r.line, r.status, r.on_date, s.status as current,
       substr(s.status_at, 1, 10) as current_on
from register_stage r join signups s on s.id = r.signup_id
where r.matches = 1 and r.status != s.status order by r.line"""
UNITS_SQL = """select coalesce(a.name, m.name, '–') as unit, r.status as what, count(*) as n
from register_stage r join signups s on s.id = r.signup_id
left join associations a on a.id = s.association_id
left join municipalities m on m.id = s.municipality_id
where r.status != s.status group by 1, 2 order by 1, 2"""
INSERT_HISTORY_SQL = """insert into signup_statuses (signup_id, status, on_date, reason, import_id)
select r.signup_id, r.status, r.on_date, nullif(r.reason, ''), :import
from register_stage r join signups s on s.id = r.signup_id
where r.status != s.status order by r.line"""
UPDATE_CURRENT_SQL = """update signups set status = r.status,
       status_at = r.on_date || 'T00:00:00+00:00'
from register_stage r where r.signup_id = signups.id and r.status != signups.status"""
BUMP_CACHE_SQL = "update cache_generation set generation = generation + 1 where id = 1"
LATEST_APPLIED_SQL = "select coalesce(max(id), 0) from register_imports where applied_at is not null"


class Discard(Exception):
    """Leaves the transaction, rolled back, carrying the result."""

    def __init__(self, result):
        super().__init__()
        self.result = result


class Stale(Exception):
    """Something was applied after the preview: it must be made again."""


def reasons():
    """The resignation reason categories: the fixed list and the office's additions."""
    extra = current_app.config.get("REGISTER_EXTRA_REASONS", ()) if has_app_context() else ()
    return register_csv.REASONS + tuple(extra)


class Result:
    """What an import would change (or changed), and every bad row with its line."""

    def __init__(self):
        self.rows = 0
        self.errors = []
        self.error_count = 0
        self.changes = 0
        self.units = []

    def error(self, line, message):
        """Count a bad row; list it while the list is short. `message` may be a
        function, so that thousands of bad rows are not all translated."""
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append((line, message() if callable(message) else message))

    def as_dict(self):
        return {"rows": self.rows, "errors": sorted(self.errors), "error_count": self.error_count,
                "changes": self.changes, "units": self.units}


def _stage_statuses(db, path, today, result):
    db.execute(STAGE_SQL)
    db.execute(STAGE_INDEX_SQL)
    db.execute(CLEAR_STAGE_SQL)
    chunk = []
    known = reasons()
    for line, row, error in register_csv.read(
            path, register_csv.status_header,
            lambda r: register_csv.status_row(r, today, known)):
        result.rows += line > 1
        if error:
            result.error(line, error)
            continue
        chunk.append([line, row.get("reference", ""), row["email"], row["mobile"], row["status"],
                      row["date"], row.get("reason", "")])
        if len(chunk) >= STAGE_CHUNK:
            db.execute(INSERT_STAGE_SQL, [json.dumps(chunk)])
            chunk = []
    if chunk:
        db.execute(INSERT_STAGE_SQL, [json.dumps(chunk)])


def _check_statuses(db, scope, result):
    params = {"unit": scope["unit_id"]}
    db.execute(RESOLVE_REFERENCE_SQL[scope["level"]], params)
    for by_contact in RESOLVE_CONTACT_SQL.values():
        db.execute(by_contact[scope["level"]], params)
    for r in db.query(UNRESOLVED_SQL):
        who = r["reference"] or r["email"] or r["mobile"]
        if r["matches"] and r["matches"] > 1:
            result.error(r["line"], lambda who=who: _(
                "%(who)s passar flera anmälningar: ange referensen.", who=who))
        else:
            result.error(r["line"], lambda who=who: _("Okänd referens: %(who)s.", who=who))
    for r in db.query(DUPLICATES_SQL):
        result.error(r["line"], lambda r=r: _("Samma anmälan finns redan på rad %(n)d.",
                                          n=r["first_line"]))
    for r in db.query(TRANSITIONS_SQL):
        if r["status"] not in register_csv.NEXT_STATUSES.get(r["current"], ()):
            result.error(r["line"], lambda r=r: _("Statusen går bakåt: från %(old)s till %(new)s.",
                                              old=r["current"], new=r["status"]))
        elif r["on_date"] < r["current_on"]:
            result.error(r["line"], lambda r=r: _(
                "Datumet %(d)s ligger före nuvarande status (%(c)s).",
                d=r["on_date"], c=r["current_on"]))
        else:
            result.changes += 1
    result.units = [dict(r) for r in db.query(UNITS_SQL)]


def run_statuses(db, path, scope, today, import_id):
    result = Result()
    _stage_statuses(db, path, today, result)
    _check_statuses(db, scope, result)
    if import_id is not None and not result.error_count:
        db.execute(INSERT_HISTORY_SQL, {"import": import_id})
        db.execute(UPDATE_CURRENT_SQL)
    return result


ASSOCIATIONS_SQL = per_level("""
select a.id, a.code, a.name from associations a
join (select id as association_id, municipality_id from associations) s
  on s.association_id = a.id
where {unit_filter}""")
FIGURES_AT_SQL = """select members, members_under_45, new_members from register_figures
where association_id = ? and on_date = ?"""
RESIGNATIONS_AT_SQL = """select reason, count from register_resignations
where association_id = ? and on_date = ? and count > 0"""
PUT_FIGURES_SQL = """insert or replace into register_figures
  (association_id, on_date, members, members_under_45, new_members, import_id)
values (?, ?, ?, ?, ?, ?)"""
CLEAR_RESIGNATIONS_SQL = "delete from register_resignations where association_id = ? and on_date = ?"
PUT_RESIGNATION_SQL = """insert into register_resignations (association_id, on_date, reason, count)
values (?, ?, ?, ?)"""


def _figures_unchanged(db, association_id, row, counts):
    stored = list(db.query(FIGURES_AT_SQL, [association_id, row["date"]]))
    if not stored:
        return False
    now_counts = {r["reason"]: r["count"] for r in
                  db.query(RESIGNATIONS_AT_SQL, [association_id, row["date"]])}
    return stored[0] == {k: row[k] for k in ("members", "members_under_45", "new_members")} \
        and now_counts == counts


def run_figures(db, path, scope, today, import_id):
    """Register figures per association code and date; a changed date replaces its numbers."""
    result = Result()
    known = reasons()
    units = {r["code"]: r for r in db.query(ASSOCIATIONS_SQL[scope["level"]],
                                            {"unit": scope["unit_id"]})}
    seen, changes, per_unit = {}, [], {}
    for line, row, error in register_csv.read(
            path, register_csv.figure_header(known),
            lambda r: register_csv.figure_row(r, today)):
        result.rows += line > 1
        if error:
            result.error(line, error)
            continue
        unit = units.get(row["association_code"])
        if unit is None:
            result.error(line, _("Okänd föreningskod: %(c)s.", c=row["association_code"] or "–"))
            continue
        key = (unit["id"], row["date"])
        if key in seen:
            result.error(line, _("Samma förening och datum finns redan på rad %(n)d.",
                                 n=seen[key]))
            continue
        seen[key] = line
        counts = {name[len(register_csv.RESIGNED_PREFIX):]: value for name, value in row.items()
                  if name.startswith(register_csv.RESIGNED_PREFIX) and value}
        if not _figures_unchanged(db, unit["id"], row, counts):
            changes.append((unit["id"], row, counts))
            per_unit[unit["name"]] = per_unit.get(unit["name"], 0) + 1
    result.changes = len(changes)
    result.units = [{"unit": name, "what": "figures", "n": n} for name, n in sorted(per_unit.items())]
    if import_id is not None and not result.error_count:
        for association_id, row, counts in changes:
            db.execute(PUT_FIGURES_SQL, [association_id, row["date"], row["members"],
                                         row["members_under_45"], row["new_members"], import_id])
            db.execute(CLEAR_RESIGNATIONS_SQL, [association_id, row["date"]])
            for reason, count in counts.items():
                db.execute(PUT_RESIGNATION_SQL, [association_id, row["date"], reason, count])
    return result


RUNNERS = {"statuses": run_statuses, "figures": run_figures}


def preview(db, kind, path, scope, today):
    """What importing the file would change; nothing is written."""
    try:
        with immediate(db):
            raise Discard(RUNNERS[kind](db, path, scope, today, None))
    except Discard as done:
        return done.result


def latest_applied(db):
    return db.execute(LATEST_APPLIED_SQL).fetchone()[0]


def apply(db, record, path, scope, today, actor_id):
    """Apply a previewed import, all or nothing. Raises Stale when another import
    was applied since the preview (or this one already was); returns the Result,
    whose errors mean nothing was written."""
    try:
        with immediate(db):
            current = db.execute("select applied_at from register_imports where id = ?",
                                 [record["id"]]).fetchone()[0]
            if current is not None or latest_applied(db) != record["based_on"]:
                raise Stale()
            result = RUNNERS[record["kind"]](db, path, scope, today, record["id"])
            if result.error_count:
                raise Discard(result)
            # Figures have no cache trigger of their own: tell every process here.
            db.execute(BUMP_CACHE_SQL)
            db.execute("""update register_imports set applied_at = ?, applied_by = ?,
                          change_count = ?, row_count = ?, error_count = 0, summary = ?
                          where id = ?""",
                       [now(), actor_id, result.changes, result.rows,
                        json.dumps(result.as_dict(), ensure_ascii=False), record["id"]])
    except Discard as refused:
        return refused.result
    cache.invalidate()
    return result


def import_file(db, kind, path, actor_id, today, scope=None):
    """Preview and apply a file in one go, as the office does in two steps (the demo
    and the benchmark use it). Returns (import id, Result)."""
    scope = scope or {"level": "nation", "unit_id": None}
    based_on = latest_applied(db)
    result = preview(db, kind, path, scope, today)
    import_id = db.table("register_imports").insert({
        "kind": kind, "created_by": actor_id, "created_at": now(),
        "sha256": register_csv.sha256_of(path),
        "token_hash": hashlib.sha256(secrets.token_bytes(16)).hexdigest(),
        "scope_level": scope["level"], "scope_unit_id": scope["unit_id"],
        "based_on": based_on, "row_count": result.rows,
        "error_count": result.error_count, "change_count": result.changes,
        "summary": json.dumps(result.as_dict(), ensure_ascii=False)}).last_pk
    if result.error_count:
        return import_id, result
    record = db.table("register_imports").get(import_id)
    return import_id, apply(db, record, path, scope, today, actor_id)
