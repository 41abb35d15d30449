"""The two-month report's storage: the analysis being written (a draft) and the
snapshot a closed period leaves, written once and never changed (m022's
triggers refuse update and delete). The nation's unit id is null in both."""
import json
import sqlite3

from .db import immediate, now


SNAPSHOT_SQL = """select * from report_snapshots
                  where level = ? and coalesce(unit_id, 0) = coalesce(?, 0) and period = ?"""
DRAFT_SQL = """select * from report_drafts
               where level = ? and coalesce(unit_id, 0) = coalesce(?, 0) and period = ?"""


def snapshot(db, level, unit_id, key):
    """The closed report's row, or None while the period is open."""
    rows = list(db.query(SNAPSHOT_SQL, [level, unit_id, key]))
    return rows[0] if rows else None


def closed_keys(db, level, unit_id):
    return {r["period"] for r in db.query(
        "select period from report_snapshots where level = ? and coalesce(unit_id, 0) = "
        "coalesce(?, 0)", [level, unit_id])}


def draft(db, level, unit_id, key):
    rows = list(db.query(DRAFT_SQL, [level, unit_id, key]))
    return rows[0]["analysis"] if rows else ""


def save_draft(db, level, unit_id, key, analysis, member_id):
    """Keep the analysis being written (replaced on every save)."""
    with immediate(db):
        db.execute("delete from report_drafts where level = ? and coalesce(unit_id, 0) = "
                   "coalesce(?, 0) and period = ?", [level, unit_id, key])
        db.execute("insert into report_drafts (level, unit_id, period, analysis, updated_by, "
                   "updated_at) values (?, ?, ?, ?, ?, ?)",
                   [level, unit_id, key, analysis, member_id, now()])


class AlreadyClosed(Exception):
    """The period's report was closed already (perhaps by a colleague just now)."""


def close(db, level, unit_id, key, body, analysis, member_id):
    """Freeze the report: numbers and text written once, as JSON. Returns the row id."""
    closed_at = now()
    frozen = {**body, "analysis": analysis, "closed_at": closed_at}
    try:
        with immediate(db):
            cursor = db.execute(
                "insert into report_snapshots (level, unit_id, period, body, closed_by, "
                "closed_at) values (?, ?, ?, ?, ?, ?)",
                [level, unit_id, key, json.dumps(frozen, ensure_ascii=False, sort_keys=True),
                 member_id, closed_at])
            db.execute("delete from report_drafts where level = ? and coalesce(unit_id, 0) = "
                       "coalesce(?, 0) and period = ?", [level, unit_id, key])
    except sqlite3.IntegrityError as error:
        raise AlreadyClosed from error
    return cursor.lastrowid
