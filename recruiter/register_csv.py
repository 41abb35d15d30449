"""Reading the member register's CSV files: streamed, row by row, with line numbers.

UTF-8 with or without a BOM, comma or semicolon (Excel in Sweden writes
semicolons; the header line decides), ISO and Swedish dates. Nothing here
touches the database: each reader yields (line, row) or (line, error).
"""
import csv
import hashlib
import io
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .signups import normalise_phone

STATUSES = ("invoiced", "paid", "unpaid_after_reminder", "cancelled", "resigned")
# Where a status may go next: forward only ("registered" is the app's own start).
NEXT_STATUSES = {
    "registered": {"invoiced", "paid", "cancelled"},
    "invoiced": {"paid", "unpaid_after_reminder", "cancelled"},
    "unpaid_after_reminder": {"paid", "cancelled"},
    "paid": {"resigned"},
    "cancelled": set(),
    "resigned": set(),
}
STATUS_NAMES = {"registered": _l("anmäld"), "invoiced": _l("aviserad"), "paid": _l("betald"),
                "unpaid_after_reminder": _l("obetald efter påminnelse"),
                "cancelled": _l("avbruten"), "resigned": _l("utträdd"),
                "figures": _l("registersiffror")}
# Why a member left: the fixed list, which the office extends with the
# REGISTER_EXTRA_REASONS setting (README, "Member register exchange").
REASONS = ("economy", "politics", "moved", "deceased", "inactive", "removed", "other", "unknown")
REASON_NAMES = {"economy": _l("ekonomi"), "politics": _l("politiken"), "moved": _l("flyttat"),
                "deceased": _l("avliden"), "inactive": _l("inte aktiv"),
                "removed": _l("avförd (obetald avgift)"), "other": _l("annat"),
                "unknown": _l("okänt")}

STATUS_COLUMNS = {"reference", "email", "mobile", "status", "date", "reason"}
FIGURE_COLUMNS = {"association_code", "date", "members", "members_under_45", "new_members"}
RESIGNED_PREFIX = "resigned_"
DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S",
                "%Y-%m-%dT%H:%M:%S", "%d.%m.%Y", "%d/%m/%Y", "%d.%m.%Y %H:%M")
CHUNK = 1 << 16


def sha256_of(path):
    """The file's SHA-256, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def parse_date(text):
    """An ISO or Swedish date (with or without a time of day), or None."""
    text = (text or "").strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def open_rows(path):
    """(header, rows) of a CSV file: the delimiter sniffed from the header line.

    Raises ValueError with a Swedish message when the file is not UTF-8 text.
    `rows` is the csv reader, positioned after the header.
    """
    stream = io.TextIOWrapper(open(path, "rb"), encoding="utf-8-sig", newline="")
    try:
        first = stream.readline()
    except UnicodeDecodeError:
        stream.close()
        raise ValueError(_("Filen är inte text i UTF-8. Spara den som CSV (UTF-8).")) from None
    if "\0" in first:
        stream.close()
        raise ValueError(_("Filen är inte en CSV-fil."))
    delimiter = ";" if first.count(";") > first.count(",") else ","
    header = [name.strip().lower() for name in next(csv.reader([first], delimiter=delimiter), [])]
    return header, csv.reader(stream, delimiter=delimiter), stream


def read(path, header_check, row_check):
    """Yield (line, row dict, error) for every data row; errors name their line."""
    try:
        header, rows, stream = open_rows(path)
    except ValueError as error:
        yield 1, None, str(error)
        return
    with stream:
        problem = header_check(header)
        if problem:
            yield 1, None, problem
            return
        try:
            for fields in rows:
                line = rows.line_num + 1  # the header line was read before the reader
                if not any(f.strip() for f in fields):
                    continue
                if len(fields) != len(header):
                    yield line, None, _("%(n)d kolumner, rubrikraden har %(m)d.",
                                        n=len(fields), m=len(header))
                    continue
                row = {name: value.strip() for name, value in zip(header, fields, strict=True)}
                error = row_check(row)
                yield line, (None if error else row), error
        except UnicodeDecodeError:
            yield rows.line_num + 2, None, _("Raden är inte UTF-8 (blandad teckenkodning?). "
                                             "Spara hela filen som CSV (UTF-8).")
        except csv.Error as error:
            yield rows.line_num + 1, None, _("Raden går inte att läsa som CSV (%(e)s).", e=error)


def status_header(header):
    unknown = [name for name in header if name not in STATUS_COLUMNS]
    if unknown:
        return _("Okänd kolumn: %(names)s. Tillåtna: %(allowed)s.", names=", ".join(unknown),
                 allowed=", ".join(sorted(STATUS_COLUMNS)))
    if "status" not in header or "date" not in header:
        return _("Kolumnerna status och date behövs.")
    if not {"reference", "email", "mobile"} & set(header):
        return _("Minst en av kolumnerna reference, email eller mobile behövs.")
    return None


def _date_error(row, today):
    """Normalise the row's date to ISO in place; an error when it is unreadable or ahead."""
    day = parse_date(row.get("date"))
    if day is None:
        return _("Datumet %(d)s går inte att läsa (skriv 2026-11-28 eller 28.11.2026).",
                 d=row.get("date") or "–")
    if day > today:
        return _("Datumet %(d)s ligger i framtiden.", d=day.isoformat())
    row["date"] = day.isoformat()
    return None


def status_row(row, today, reasons):
    """Check one status row in place (normalises e-mail, mobile, date); an error or None."""
    if row.get("status") not in STATUSES:
        return _("Okänd status %(s)s.", s=row.get("status") or "–")
    error = _date_error(row, today)
    if error:
        return error
    reason = row.get("reason", "")
    if row["status"] == "resigned" and reason not in reasons:
        return _("Utträde behöver en känd orsak (%(list)s).", list=", ".join(reasons))
    if row["status"] != "resigned" and reason:
        return _("Orsak anges bara vid utträde (resigned).")
    row["email"] = row.get("email", "").lower()
    mobile = row.get("mobile", "")
    row["mobile"] = normalise_phone(mobile) if mobile else ""
    if mobile and not row["mobile"]:
        return _("Mobilnumret %(m)s går inte att läsa.", m=mobile)
    if not (row.get("reference") or row["email"] or row["mobile"]):
        return _("Raden saknar referens, e-post och mobilnummer.")
    return None


def figure_header(reasons):
    def check(header):
        allowed = FIGURE_COLUMNS | {RESIGNED_PREFIX + r for r in reasons}
        unknown = [name for name in header if name not in allowed]
        if unknown:
            return _("Okänd kolumn: %(names)s. Tillåtna: %(allowed)s.",
                     names=", ".join(unknown), allowed=", ".join(sorted(allowed)))
        missing = sorted(FIGURE_COLUMNS - set(header))
        if missing:
            return _("Kolumnen saknas: %(names)s.", names=", ".join(missing))
        return None
    return check


def figure_row(row, today):
    """Check one figures row in place (numbers become ints); an error or None."""
    error = _date_error(row, today)
    if error:
        return error
    for name, value in list(row.items()):
        if name in ("association_code", "date"):
            continue
        if not value.isascii() or not value.isdigit() or len(value) > 9:
            return _("%(col)s ska vara ett heltal, inte %(v)s.", col=name, v=value or "–")
        row[name] = int(value)
    if row["members_under_45"] > row["members"]:
        return _("Fler medlemmar under 45 än medlemmar.")
    return None
