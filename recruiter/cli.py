"""Command-line tasks: demo data, the organisation CSV, accounts."""
import sqlite3

import click
from flask import current_app
from flask.cli import with_appcontext

from . import accounts, activities_guests, audit, demo, organisation, partners_lists, privacy
from .db import get_db, init_db
from .forms import PARTNER_KINDS
from .passwords import MIN_LENGTH, hash_password, is_too_common
from .text import code_text, name_error_sv, nfc_trim
from .units import ASSOCIATION, NATION, ROLES, UNIT_TABLES


@click.command("seed-demo")
@click.option("--force", is_flag=True, help="Add demo data even where accounts exist.")
@click.option("--if-empty", is_flag=True, help="Only seed an empty database; no error otherwise.")
@with_appcontext
def seed_demo_command(force, if_empty):
    """Fill the database with a fictional demo party and print the demo logins."""
    config = current_app.config
    if not (current_app.debug or current_app.testing or config.get("DEMO")):
        raise click.ClickException("seed-demo körs bara med DEMO = True (inte i produktion).")
    init_db()
    db = get_db()
    has_accounts = db.table("members").count > 0
    if has_accounts and not force and not if_empty:
        raise click.ClickException(
            "Databasen har redan konton; seed-demo rör dem inte (använd --force).")
    if not has_accounts or force:
        demo.seed(db)
    _print_logins(db)


def _print_logins(db):
    if accounts.find_member_by_email(db, demo.demo_email("medlem")) is None:
        return
    click.echo("\nDemoinloggningar (lösenord: %s):" % demo.DEMO_PASSWORD)
    for local, (role, _, _, _) in demo.LOGINS.items():
        click.echo(f"  {role:16} {demo.demo_email(local)}")
    click.echo(f"\nLogga in på {current_app.config['PUBLIC_BASE_URL']}/logga-in\n")


@click.command("import-org")
@click.argument("csv_file", type=click.File(encoding="utf-8-sig"))
@with_appcontext
def import_org_command(csv_file):
    """Load districts, municipal organisations, associations and partner
    organisations from a CSV file (level,code,name,parent_code,kind); all or nothing."""
    init_db()
    try:
        count = organisation.import_csv(get_db(), csv_file, PARTNER_KINDS)
    except organisation.CsvError as error:
        for line in error.errors:
            click.echo(line, err=True)
        raise click.ClickException("Inget importerades.")
    click.echo(f"{count} rader importerade.")


@click.command("create-user")
@click.argument("email")
@click.option("--first-name", required=True)
@click.option("--last-name", required=True)
@click.option("--association", "association_code", help="Code of the member's association.")
@click.option("--role", type=click.Choice(list(ROLES)), default="member", show_default=True)
@click.option("--unit", "unit_code", help="Code of the unit the role is held over.")
@click.password_option(help="Asked for when not given.")
@with_appcontext
def create_user_command(email, first_name, last_name, association_code, role, unit_code,
                        password):
    """Create an account (the first national administrator, for example)."""
    if len(password) < MIN_LENGTH or is_too_common(password):
        raise click.ClickException("Lösenordet är för kort eller för vanligt.")
    first_name, last_name = _checked_name(first_name), _checked_name(last_name)
    email = code_text(email)
    db = get_db()
    association_id = _code_to_id(db, ASSOCIATION, association_code)
    level = ROLES[role].level
    unit_id = None if level == NATION else _code_to_id(db, level, unit_code or association_code)
    if level == ASSOCIATION and association_id is None:
        raise click.ClickException("Medlemmar och ordförande behöver --association.")
    roles = [("member", association_id)] if association_id else []
    roles.append((role, unit_id))
    try:
        accounts.create_member(db, email, first_name, last_name, hash_password(password),
                               association_id, roles)
    except sqlite3.IntegrityError:
        raise click.ClickException("Det finns redan ett konto med den e-postadressen.")
    click.echo(f"Kontot {accounts.normalise_email(email)} är skapat.")


def _checked_name(raw):
    """The name by the forms' rule (text.name_error), or a ClickException."""
    name = nfc_trim(raw)
    error = name_error_sv(name) if name else "Fyll i ett namn."
    if error or len(name) > 100:
        raise click.ClickException(f"{raw!r}: {error or 'högst 100 tecken'}")
    return name


def _code_to_id(db, level, code):
    if not code:
        return None
    rows = list(db.table(UNIT_TABLES[level]).rows_where("code = ?", [code.upper()]))
    if not rows:
        raise click.ClickException(f"Ingen enhet med koden {code} ({level}).")
    return rows[0]["id"]


@click.command("purge-expired")
@click.option("--yes", is_flag=True, help="Erase and delete for real (without: a dry run).")
@with_appcontext
def purge_expired_command(yes):
    """Erase sign-ups that never became members after SIGNUP_RETENTION_DAYS, partner call
    lists 30 days after they closed and accounts left waiting for approval for 30 days, and
    delete sessions that ended over 30 days ago. Shows what would go first."""
    db = get_db()
    days = current_app.config["SIGNUP_RETENTION_DAYS"]
    signups = privacy.expired_signups(db, days)
    sessions = privacy.expired_sessions(db)
    click.echo(f"{len(signups)} anmälningar äldre än {days} dagar raderas (de som blev "
               f"medlemmar finns i medlemsregistret; anonyma rader med datum, källa och status "
               f"finns kvar för indikatorerna).")
    for row in signups[:20]:
        click.echo(f"  anmälan {row['id']}, {row['created_at'][:10]}, status {row['status']}")
    if len(signups) > 20:
        click.echo(f"  … och {len(signups) - 20} till")
    click.echo(f"{len(sessions)} avslutade sessioner tas bort.")
    lists = partners_lists.expired_lists(db)
    click.echo(f"{len(lists)} ringlistor från samarbetsorganisationer stängdes för mer än "
               f"30 dagar sedan: personernas uppgifter raderas (utfallen finns kvar utan namn).")
    for row in lists[:20]:
        click.echo(f"  ringlista {row['id']}, stängd {partners_lists.closed_on(row):%Y-%m-%d}")
    free_texts = privacy.old_free_texts(db)
    click.echo(f"{free_texts} fritextsvar i enkäter som stängde för mer än "
               f"{privacy.FREE_TEXT_DAYS} dagar sedan töms (poängen finns kvar).")
    pending = privacy.expired_pending_accounts(db)
    click.echo(f"{len(pending)} konton som väntat på godkännande i mer än "
               f"{privacy.PENDING_ACCOUNT_DAYS} dagar tas bort.")
    click.echo(f"{activities_guests.ended_count(db)} vänner till avslutade aktiviteter raderas.")
    if not yes:
        click.echo("Torrkörning: inget är ändrat. Kör med --yes för att radera.")
        return
    privacy.purge(db, [r["id"] for r in signups], sessions)
    activities_guests.erase_ended(db)
    audit.record(db, "purge", outcome=f"{len(signups)}+{len(sessions)}")
    if lists:
        partners_lists.erase_lists(db, [r["id"] for r in lists])
        audit.record(db, "partner_lists_erased", outcome=str(len(lists)))
    privacy.erase_old_free_texts(db)
    for member_id in pending:
        if accounts.reject_pending(db, member_id):
            audit.record(db, "reject", None, "member", member_id, outcome="expired")
    click.echo("Klart.")


@click.command("snapshot-campaigns")
@with_appcontext
def snapshot_campaigns_command():
    """Freeze the page of every campaign that has ended (cron, once a night); never rewrites one."""
    from . import campaigns_page

    count = campaigns_page.snapshot_ended(get_db())
    click.echo(f"{count} avslutade kampanjer frysta.")


def init_app(app):
    """Register the commands."""
    for command in (seed_demo_command, import_org_command, create_user_command,
                    purge_expired_command):
        app.cli.add_command(command)
    app.cli.add_command(snapshot_campaigns_command)
