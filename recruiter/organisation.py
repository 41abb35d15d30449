"""The organisation tree: districts, municipal organisations, associations,
partner organisations; and loading it from a CSV file."""
import csv
import sqlite3

from .db import immediate, now
from .text import code_text, name_error_sv, nfc_trim
from .units import LEVELS as TREE
from .units import PARTNER, UNIT_TABLES

# unit kind -> (table, the level of the parent it names in the CSV, if any)
LEVELS = {kind: (table, TREE[kind].parent if kind in TREE and TREE[kind].parent_column else None)
          for kind, table in UNIT_TABLES.items()}
PARENT_COLUMN = {kind: TREE[kind].parent_column for kind in UNIT_TABLES
                 if kind in TREE and TREE[kind].parent_column}
CSV_COLUMNS = ["level", "code", "name", "parent_code", "kind"]


class CsvError(Exception):
    """A CSV file that cannot be loaded; `errors` names each bad line."""

    def __init__(self, errors):
        super().__init__("\n".join(errors))
        self.errors = errors


def districts(db, nation=None):
    """Every district with its number of municipal organisations (the nation's id is None)."""
    return list(db.query(
        """select d.*, count(m.id) as children from districts d
           left join municipalities m on m.district_id = d.id
           group by d.id order by d.name"""))


def municipalities(db, district_id):
    """A district's municipal organisations with their number of associations."""
    return list(db.query(
        """select m.*, count(a.id) as children from municipalities m
           left join associations a on a.municipality_id = m.id
           where m.district_id = ? group by m.id order by m.name""", [district_id]))


def associations(db, municipality_id):
    """A municipal organisation's associations with their number of accounts."""
    return list(db.query(
        """select a.*, count(x.id) as children from associations a
           left join members x on x.association_id = a.id and x.is_active = 1
           where a.municipality_id = ? group by a.id order by a.name""",
        [municipality_id]))


def partners(db):
    """Every partner organisation."""
    return list(db.table("partner_organisations").rows_where(order_by="name"))


def add_unit(db, level, name, code, parent_id=None, kind=None):
    """Insert a unit; raises sqlite3.IntegrityError when its code is taken."""
    row = {"name": name, "code": code, "created_at": now()}
    if level in PARENT_COLUMN:
        row[PARENT_COLUMN[level]] = parent_id
    if level == PARTNER:
        row["kind"] = kind or "other"
    return db.table(LEVELS[level][0]).insert(row).last_pk


def import_csv(db, stream, partner_kinds):
    """Load units from CSV (columns: level, code, name, parent_code, kind).

    A row whose code exists already renames (and re-parents) that unit, so the
    same file can be loaded again. Every row is checked; if any is bad,
    nothing is stored and CsvError lists the bad lines. Returns the count.
    """
    reader = csv.DictReader(stream)
    if reader.fieldnames is None or set(CSV_COLUMNS[:4]) - set(reader.fieldnames):
        raise CsvError([f"rad 1: kolumnerna ska vara {','.join(CSV_COLUMNS)}"])
    errors, count = [], 0
    with immediate(db):
        for row in reader:
            error = _import_row(db, row, partner_kinds)
            if error:
                errors.append(f"rad {reader.line_num}: {error}")
            count += 1
        if errors:
            raise CsvError(errors)
    return count


def _import_row(db, row, partner_kinds):
    """Store one CSV row; return an error text instead when it is bad."""
    level = (row.get("level") or "").strip().lower()
    code = code_text(row.get("code") or "").upper()
    name = nfc_trim(row.get("name") or "")
    if level not in LEVELS:
        return f"okänd nivå '{level}' ({', '.join(LEVELS)})"
    if not code or len(code) > 20 or not name or len(name) > 100:
        return "kod (högst 20 tecken) och namn (högst 100 tecken) måste fyllas i"
    if name_error_sv(name):
        return f"namnet {name!r}: {name_error_sv(name)}"
    values = {"name": name}
    parent_level = LEVELS[level][1]
    if parent_level:
        parent_code = (row.get("parent_code") or "").strip().upper()
        parent = _find_by_code(db, parent_level, parent_code)
        if parent is None:
            return f"överordnad enhet '{parent_code}' finns inte (nivå {parent_level})"
        values[PARENT_COLUMN[level]] = parent["id"]
    if level == PARTNER:
        kind = (row.get("kind") or "other").strip().lower()
        if kind not in partner_kinds:
            return f"okänt slag '{kind}'"
        values["kind"] = kind
    return _upsert(db, level, code, values)


def _find_by_code(db, level, code):
    rows = list(db.table(LEVELS[level][0]).rows_where("code = ?", [code]))
    return rows[0] if rows else None


def _upsert(db, level, code, values):
    existing = _find_by_code(db, level, code)
    try:
        if existing:
            db.table(LEVELS[level][0]).update(existing["id"], values)
        else:
            db.table(LEVELS[level][0]).insert({**values, "code": code, "created_at": now()})
    except sqlite3.IntegrityError as error:
        return f"kunde inte sparas ({error})"
    return None
