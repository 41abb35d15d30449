"""The exchange with the member register: export for invoicing, import statuses and figures.

The national office may do everything; district and municipal administrators
only for their own unit, and only if REGISTER_IMPORT_FOR_UNITS is on.
"""
import csv
import hashlib
import io
import json
import os
import secrets

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template,
                   request, session, url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import HiddenField, RadioField
from wtforms.fields.choices import SelectChoice

from . import audit, register_csv, register_import
from .dashboard import csv_cell
from .db import get_db, immediate, now
from .forms import csrf
from .periods import today
from .privacy import uploads_folder
from .scope import may_administer, may_use_office, own_unit
from .units import DISTRICT, MUNICIPALITY, NATION
from .rollups import per_level

bp = Blueprint("register", __name__, url_prefix="/register")

MAX_UPLOAD = 50 * 1024 * 1024
UNIT_LEVELS = (MUNICIPALITY, DISTRICT)  # with REGISTER_IMPORT_FOR_UNITS
EXPORT_COLUMNS = ("reference", "first_name", "last_name", "email", "mobile", "birth_year",
                  "postcode", "association_code", "municipality_code", "signed_up_on", "source")
EXPORT_SELECT = """
select s.id, s.reference, s.first_name, s.last_name, s.email, s.phone as mobile, s.birth_year,
       s.postcode, a.code as association_code, m.code as municipality_code,
       substr(s.created_at, 1, 10) as signed_up_on, s.source
from signups s left join associations a on a.id = s.association_id
left join municipalities m on m.id = s.municipality_id"""
# Never a withdrawn or erased sign-up, nor a possible duplicate the chair has not settled.
PENDING_SQL = per_level(EXPORT_SELECT + """
where s.erased_at is null and s.status != 'cancelled' and s.duplicate_of is null
  and {unit_filter}
  and not exists (select 1 from export_batch_signups e where e.signup_id = s.id)
order by s.id""")
PENDING_COUNT_SQL = {level: f"select count(*) from ({sql})" for level, sql in PENDING_SQL.items()}
# The unpaid-fee calls' answers the register has not acted on yet: the latest
# "reached" call of each person still unpaid after the reminder. Once the
# register's status file says paid or cancelled, the person leaves the file.
# CROSS JOIN keeps SQLite's order: from the few unpaid lists to their sign-ups by
# key, never a scan of every sign-up for its status.
FOLLOWUP_COLUMNS = ("reference", "association_code", "call_outcome", "leave_reason",
                    "called_on")
FOLLOWUP_SQL = per_level("""
select s.reference, a.code as association_code, c.answers ->> '$.answer' as call_outcome,
       coalesce(c.answers ->> '$.reason', '') as leave_reason,
       substr(c.created_at, 1, 10) as called_on
from call_lists l cross join call_targets t cross join signups s
left join associations a on a.id = s.association_id
join calls c on c.id = (select max(id) from calls where target_id = t.id
                        and outcome = 'reached')
where l.kind = 'unpaid' and t.list_id = l.id and s.id = t.signup_id
  and s.erased_at is null and s.status = 'unpaid_after_reminder' and {unit_filter}
order by s.id""")
BATCH_SQL = EXPORT_SELECT + """
join export_batch_signups e on e.signup_id = s.id where e.batch_id = ? order by s.id"""


class UploadForm(FlaskForm):
    kind = RadioField(_l("Vad innehåller filen?"), default="statuses", choices=[
        SelectChoice("statuses", _l("Status per anmälan (avi, betald, utträde …)")),
        SelectChoice("figures", _l("Registersiffror per förening och datum"))])
    file = FileField(_l("CSV-fil (högst 50 MB)"), validators=[
        FileRequired(_l("Välj en CSV-fil."))],
        render_kw={"accept": ".csv,text/csv", "class": "button secondary"})  # a 44 px target


class ApplyForm(FlaskForm):
    sha256 = HiddenField()
    token = HiddenField()


def importer_scope():
    """The unit the current role may exchange files for, or 403."""
    if may_use_office():
        return {"level": NATION, "unit_id": None}
    level, unit_id = own_unit()
    if current_app.config.get("REGISTER_IMPORT_FOR_UNITS") and level in UNIT_LEVELS \
            and may_administer(level, unit_id):
        return {"level": level, "unit_id": unit_id}
    abort(403)


@bp.before_request
@login_required
def allowed_roles_only():
    importer_scope()
    if request.endpoint == "register.upload":
        # Only this route takes large files; the app-wide limit stays for every other.
        request.max_content_length = MAX_UPLOAD


def _in_scope(record, scope):
    return scope["level"] == NATION or (
        record["scope_level"] == scope["level"] and record["scope_unit_id"] == scope["unit_id"])


@bp.route("/")
def index():
    """Export for invoicing, the uploads and earlier exchanges."""
    db = get_db()
    scope = importer_scope()
    pending = db.execute(PENDING_COUNT_SQL[scope["level"]], {"unit": scope["unit_id"]}).fetchone()[0]
    batches = [b for b in db.table("export_batches").rows_where(order_by="id desc", limit=50)
               if _in_scope(b, scope)]
    imports = [r for r in db.table("register_imports").rows_where(order_by="id desc", limit=100)
               if _visible(r, scope)][:30]
    return render_template("register/index.html", pending=pending, batches=batches,
                           imports=imports, form=UploadForm(), max_mb=MAX_UPLOAD // 2**20)


def _export_csv(rows, columns=EXPORT_COLUMNS):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row[k]) for k in columns])
    return "\ufeff" + out.getvalue()


def _csv_response(text, batch_id):
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=register-export-{batch_id}.csv"})


@bp.route("/export", methods=["POST"])
def export():
    """Put every sign-up not yet exported into a new batch and download it (audited)."""
    db = get_db()
    scope = importer_scope()
    with immediate(db):
        rows = list(db.query(PENDING_SQL[scope["level"]], {"unit": scope["unit_id"]}))
        if not rows:
            batch_id = None
        else:
            text = _export_csv(rows)
            batch_id = db.execute(
                """insert into export_batches (created_by, created_at, row_count, sha256,
                   scope_level, scope_unit_id) values (?, ?, ?, ?, ?, ?)""",
                [current_user.member_id, now(), len(rows),
                 hashlib.sha256(text.encode()).hexdigest(), scope["level"],
                 scope["unit_id"]]).lastrowid
            db.execute("""insert into export_batch_signups (batch_id, signup_id)
                          select ?, j.value from json_each(?) j""",
                       [batch_id, json.dumps([r["id"] for r in rows])])
            audit.record(db, "register_export", current_user.member_id, "export_batch", batch_id)
    if batch_id is None:
        flash(_("Det finns inga nya anmälningar att exportera."), "info")
        return redirect(url_for(".index"))
    return _csv_response(text, batch_id)


@bp.route("/export/<int:batch_id>.csv")
def batch(batch_id):
    """An earlier batch again, as it stands now (erased people stay erased)."""
    db = get_db()
    record = db.table("export_batches").get(batch_id)
    if not _in_scope(record, importer_scope()):
        abort(404)
    audit.record(db, "register_export_again", current_user.member_id, "export_batch", batch_id)
    return _csv_response(_export_csv(db.query(BATCH_SQL, [batch_id])), batch_id)


@bp.route("/uppfoljning.csv")
def followup():
    """What the unpaid-fee calls heard, for the people the register still has as unpaid
    (will pay, or wants to leave and why); audited. Nothing is marked: the file
    always holds what is still open."""
    db = get_db()
    scope = importer_scope()
    rows = db.query(FOLLOWUP_SQL[scope["level"]], {"unit": scope["unit_id"]})
    text = _export_csv(rows, FOLLOWUP_COLUMNS)
    audit.record(db, "register_followup_export", current_user.member_id)
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=register-uppfoljning.csv"})


def upload_dir():
    """Beside the database (instance/ by default), never under static/."""
    path = uploads_folder(current_app.config["DATABASE"])
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def upload_path(import_id):
    return os.path.join(upload_dir(), f"{int(import_id)}.csv")


def _save_upload(storage):
    """Copy the upload to instance/register_uploads/; returns (temporary path, sha256)."""
    partial = os.path.join(upload_dir(), f"upload-{secrets.token_hex(8)}.partial")
    digest = hashlib.sha256()
    with open(partial, "wb") as out:
        for block in iter(lambda: storage.stream.read(register_csv.CHUNK), b""):
            digest.update(block)
            out.write(block)
    return partial, digest.hexdigest()


@bp.route("/import", methods=["POST"])
@csrf.exempt  # the form checks its own token, after the larger size limit is set
def upload():
    """Keep the file server-side, preview it, and show what would change."""
    db = get_db()
    scope = importer_scope()
    try:
        form = UploadForm()
        valid = form.validate_on_submit()
    except RequestEntityTooLarge:
        flash(_("Filen är större än %(mb)d MB. Dela upp den i flera filer.",
                mb=MAX_UPLOAD // 2**20), "error")
        return redirect(url_for(".index"))
    if not valid:
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(url_for(".index"))
    partial, sha256 = _save_upload(form.file.data)
    token = secrets.token_urlsafe(24)
    based_on = register_import.latest_applied(db)  # before the preview: never newer than it
    result = register_import.preview(db, form.kind.data, partial, scope, today())
    import_id = db.table("register_imports").insert({
        "kind": form.kind.data, "created_by": current_user.member_id, "created_at": now(),
        "sha256": sha256, "token_hash": hashlib.sha256(token.encode()).hexdigest(),
        "scope_level": scope["level"], "scope_unit_id": scope["unit_id"],
        "based_on": based_on, "row_count": result.rows,
        "error_count": result.error_count, "change_count": result.changes,
        "summary": json.dumps(result.as_dict(), ensure_ascii=False)}).last_pk
    os.replace(partial, upload_path(import_id))
    session.setdefault("register_tokens", {})[str(import_id)] = token
    session.modified = True
    return redirect(url_for(".record", import_id=import_id))


def _visible(record, scope):
    """A preview only to the one who made it; an applied import to its unit's importers."""
    if record["applied_at"] is None:
        return record["created_by"] == current_user.member_id
    return _in_scope(record, scope)


def _own_record(db, import_id):
    record = db.table("register_imports").get(import_id)
    if not _visible(record, importer_scope()):
        abort(404)
    return record


@bp.route("/import/<int:import_id>")
def record(import_id):
    """A preview waiting for its confirmation, or the record of an applied import."""
    db = get_db()
    record = _own_record(db, import_id)
    token = session.get("register_tokens", {}).get(str(import_id))
    form = ApplyForm(data={"sha256": record["sha256"], "token": token})
    return render_template("register/record.html", record=record,
                           status_names=register_csv.STATUS_NAMES,
                           summary=json.loads(record["summary"] or "{}"), form=form,
                           can_apply=record["applied_at"] is None and token is not None
                           and not record["error_count"])


@bp.route("/import/<int:import_id>/apply", methods=["POST"])
def apply(import_id):
    """Apply a previewed file, all or nothing; a stale preview must be made again."""
    db = get_db()
    record = _own_record(db, import_id)
    form = ApplyForm()
    token_hash = hashlib.sha256((form.token.data or "").encode()).hexdigest()
    path = upload_path(import_id)
    if (not form.validate_on_submit() or not secrets.compare_digest(token_hash,
                                                                    record["token_hash"] or "")
            or form.sha256.data != record["sha256"] or not os.path.exists(path)
            or register_csv.sha256_of(path) != record["sha256"]):
        flash(_("Förhandsvisningen gäller inte längre. Ladda upp filen igen."), "error")
        return redirect(url_for(".index"))
    scope = {"level": record["scope_level"], "unit_id": record["scope_unit_id"]}
    try:
        result = register_import.apply(db, record, path, scope, today(), current_user.member_id)
    except register_import.Stale:
        flash(_("En annan import har tillämpats sedan förhandsvisningen. "
                "Ladda upp filen igen och förhandsgranska den på nytt."), "error")
        return redirect(url_for(".index"))
    if result.error_count:
        flash(_("Uppgifterna har ändrats sedan förhandsvisningen; inget är inläst. "
                "Ladda upp filen igen."), "error")
        return redirect(url_for(".index"))
    os.remove(path)
    session.get("register_tokens", {}).pop(str(import_id), None)
    session.modified = True
    audit.record(db, "register_import", current_user.member_id, "register_import", import_id)
    flash(_("Importen är inläst: %(n)d ändringar.", n=result.changes), "success")
    return redirect(url_for(".record", import_id=import_id))
