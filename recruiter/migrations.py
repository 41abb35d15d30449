"""Schema migrations: append-only, applied in order by `init-db`."""
import hashlib

from sqlite_utils.migrations import Migrations

migrations = Migrations("recruiter")

ROLES = ("member", "chair", "municipal_admin", "district_admin", "national_admin")

# Every migration holds only literal values: what it creates must never
# change when a domain constant (shift counts, partner kinds, …) does later.
# tests/test_migrations.py checks it, and recruiter/schema.sql is what they build.


@migrations(transactional=False)
def m001_enable_wal(db):
    db.enable_wal()


@migrations()
def m002_create_organisation(db):
    db.table("districts").create(
        {"id": int, "name": str, "code": str, "created_at": str},
        pk="id", not_null={"name", "code", "created_at"},
    )
    db.table("districts").create_index(["code"], unique=True)
    db.table("municipalities").create(
        {"id": int, "district_id": int, "name": str, "code": str, "created_at": str},
        pk="id", not_null={"district_id", "name", "code", "created_at"},
        foreign_keys=[("district_id", "districts", "id")],
    )
    db.table("municipalities").create_index(["code"], unique=True)
    db.table("municipalities").create_index(["district_id", "name"])
    db.table("associations").create(
        {"id": int, "municipality_id": int, "name": str, "code": str, "created_at": str},
        pk="id", not_null={"municipality_id", "name", "code", "created_at"},
        foreign_keys=[("municipality_id", "municipalities", "id")],
    )
    db.table("associations").create_index(["code"], unique=True)
    db.table("associations").create_index(["municipality_id", "name"])
    db.table("partner_organisations").create(
        {"id": int, "name": str, "kind": str, "code": str, "created_at": str},
        pk="id", not_null={"name", "kind", "code", "created_at"},
    )
    db.table("partner_organisations").create_index(["code"], unique=True)


@migrations()
def m003_create_accounts(db):
    db.table("members").create(
        {
            "id": int, "email": str, "first_name": str, "last_name": str,
            "password_hash": str, "association_id": int, "is_active": int,
            "created_at": str, "deactivated_at": str,
        },
        pk="id",
        not_null={"email", "first_name", "last_name", "password_hash",
                  "is_active", "created_at"},
        defaults={"is_active": 1},
        foreign_keys=[("association_id", "associations", "id")],
    )
    db.table("members").create_index(["email"], unique=True)
    db.table("members").create_index(["association_id", "last_name"])
    # One row per role a member holds; unit_id points into the table the role's
    # level names (associations, municipalities, districts; none for national).
    db.table("roles").create(
        {"id": int, "member_id": int, "role": str, "unit_id": int, "created_at": str},
        pk="id", not_null={"member_id", "role", "created_at"},
        foreign_keys=[("member_id", "members", "id")],
    )
    db.table("roles").create_index(["member_id", "role", "unit_id"], unique=True)
    db.table("roles").create_index(["role", "unit_id"])
    db.table("sessions").create(
        {
            "id": int, "token_hash": str, "member_id": int, "role_id": int,
            "created_at": str, "last_seen_at": str, "expires_at": str,
            "revoked_at": str, "user_agent": str,
        },
        pk="id",
        not_null={"token_hash", "member_id", "role_id", "created_at", "expires_at"},
        foreign_keys=[("member_id", "members", "id"), ("role_id", "roles", "id")],
    )
    db.table("sessions").create_index(["token_hash"], unique=True)
    db.table("sessions").create_index(["member_id", "revoked_at"])


@migrations()
def m004_create_invitations_and_resets(db):
    db.table("invitations").create(
        {
            "id": int, "association_id": int, "token_hash": str, "created_by": int,
            "created_at": str, "expires_at": str, "max_uses": int, "uses": int,
            "revoked_at": str,
        },
        pk="id",
        not_null={"association_id", "token_hash", "created_by", "created_at",
                  "expires_at", "max_uses", "uses"},
        defaults={"max_uses": 1, "uses": 0},
        foreign_keys=[("association_id", "associations", "id"),
                      ("created_by", "members", "id")],
    )
    db.table("invitations").create_index(["token_hash"], unique=True)
    db.table("invitations").create_index(["association_id", "created_at"])
    db.table("password_resets").create(
        {
            "id": int, "member_id": int, "token_hash": str, "created_by": int,
            "created_at": str, "expires_at": str, "used_at": str,
        },
        pk="id",
        not_null={"member_id", "token_hash", "created_by", "created_at", "expires_at"},
        foreign_keys=[("member_id", "members", "id"), ("created_by", "members", "id")],
    )
    db.table("password_resets").create_index(["token_hash"], unique=True)


@migrations()
def m005_create_links_and_signups(db):
    db.table("campaigns").create(
        {"id": int, "name": str, "starts_on": str, "ends_on": str, "goal": int,
         "created_at": str},
        pk="id", not_null={"name", "starts_on", "ends_on", "created_at"},
    )
    db.table("links").create(
        {"id": int, "code": str, "member_id": int, "label": str, "campaign_id": int,
         "is_personal": int, "created_at": str, "revoked_at": str},
        pk="id", not_null={"code", "member_id", "is_personal", "created_at"},
        defaults={"is_personal": 0},
        foreign_keys=[("member_id", "members", "id"), ("campaign_id", "campaigns", "id")],
    )
    db.table("links").create_index(["code"], unique=True)
    db.table("links").create_index(["member_id", "created_at"])
    # Immutable: a sign-up points at the exact wording the person agreed to.
    db.table("consent_texts").create(
        {"id": int, "version": str, "lang": str, "body": str, "sha256": str,
         "valid_from": str},
        pk="id", not_null={"version", "lang", "body", "sha256", "valid_from"},
    )
    db.table("consent_texts").create_index(["version", "lang"], unique=True)
    consent_v1 = (
        "Jag vill bli medlem och samtycker till att partiet behandlar de uppgifter jag "
        "lämnar här (namn, kontaktuppgift, födelseår och postnummer), som visar att jag vill "
        "bli medlem, för att hantera min ansökan och kontakta mig om medlemskapet. "
        "Uppgifterna lämnas inte ut utanför partiet. Jag kan när som helst återkalla samtycket."
    )
    db.table("consent_texts").insert({
        "version": "2026-1", "lang": "sv", "body": consent_v1,
        "sha256": hashlib.sha256(consent_v1.encode()).hexdigest(),
        "valid_from": "2026-01-01T00:00:00+00:00",
    })
    # source: link | on_the_spot | own_initiative;
    # status: registered -> invoiced -> paid, or cancelled.
    db.table("signups").create(
        {"id": int, "submission_id": str, "source": str, "link_id": int,
         "recruiter_id": int, "campaign_id": int, "association_id": int,
         "municipality_id": int, "first_name": str, "last_name": str, "email": str,
         "phone": str, "birth_year": int, "postcode": str, "consent_id": int,
         "consent_at": str, "status": str, "status_at": str, "created_at": str},
        pk="id",
        not_null={"submission_id", "source", "first_name", "last_name", "birth_year",
                  "postcode", "consent_id", "consent_at", "status", "status_at",
                  "created_at"},
        defaults={"status": "registered"},
        foreign_keys=[("link_id", "links", "id"), ("recruiter_id", "members", "id"),
                      ("campaign_id", "campaigns", "id"),
                      ("association_id", "associations", "id"),
                      ("municipality_id", "municipalities", "id"),
                      ("consent_id", "consent_texts", "id")],
    )
    db.table("signups").create_index(["submission_id"], unique=True)
    db.table("signups").create_index(["email", "created_at"])
    db.table("signups").create_index(["phone", "created_at"])
    db.table("signups").create_index(["recruiter_id", "created_at"])
    db.table("signups").create_index(["association_id", "created_at"])
    db.table("signups").create_index(["link_id"])
    db.table("postcode_areas").create(
        {"prefix": str, "municipality_id": int},
        pk=("prefix", "municipality_id"),
        foreign_keys=[("municipality_id", "municipalities", "id")],
    )


@migrations()
def m006_create_shifts(db):
    # Counts and places only: nothing about the people met (SECURITY.md §2.2).
    db.table("shifts").create(
        {"id": int, "client_uuid": str, "member_id": int, "association_id": int,
         "kind": str, "place": str, "municipality_id": int, "campaign_id": int,
         "doors_knocked": int, "doors_opened": int, "conversations": int,
         "paper_signups": int, "interested": int, "note": str,
         "started_at": str, "ended_at": str, "created_at": str, "updated_at": str},
        pk="id",
        not_null={"client_uuid", "member_id", "kind", "place", "doors_knocked", "doors_opened",
                  "conversations", "paper_signups", "interested",
                  "started_at", "ended_at", "created_at", "updated_at"},
        defaults={"doors_knocked": 0, "doors_opened": 0, "conversations": 0,
                  "paper_signups": 0, "interested": 0},
        foreign_keys=[("member_id", "members", "id"), ("association_id", "associations", "id"),
                      ("municipality_id", "municipalities", "id"),
                      ("campaign_id", "campaigns", "id")],
    )
    db.table("shifts").create_index(["client_uuid"], unique=True)
    db.table("shifts").create_index(["member_id", "started_at"])
    db.table("shifts").create_index(["association_id", "started_at"])
    db.table("shift_companions").create(
        {"shift_id": int, "member_id": int}, pk=("shift_id", "member_id"),
        foreign_keys=[("shift_id", "shifts", "id"), ("member_id", "members", "id")],
    )


@migrations()
def m007_leaderboard_and_indicator_indexes(db):
    # How a member appears on their association's leaderboard; "initial" is
    # "Anna A.", "hidden" is "En medlem" (still counted).
    db.table("members").add_column("leaderboard_name", str, not_null_default="initial")
    # Covering indexes: the indicator queries read only these columns, so a
    # year of a national-scale table is scanned without touching its rows
    # (measured: 5x faster; bench/national.py).
    counted = ["source", "status", "birth_year", "campaign_id"]
    db.execute("drop index idx_signups_association_id_created_at")
    db.table("signups").create_index(["association_id", "created_at", *counted])
    db.table("signups").create_index(["municipality_id", "created_at", *counted])
    db.table("signups").create_index(
        ["created_at", *counted, "municipality_id", "association_id"])
    db.table("signups").create_index(["recruiter_id", "source", "created_at"])


@migrations()
def m008_audit_and_erasure(db):
    # Who did what, when: ids and outcomes only, never names or contact data.
    db.table("audit_log").create(
        {"id": int, "at": str, "actor_id": int, "action": str, "object_type": str,
         "object_id": int, "outcome": str},
        pk="id", not_null={"at", "action", "outcome"},
    )
    db.table("audit_log").create_index(["at"])
    db.table("signups").add_column("erased_at", str)


@migrations()
def m009_session_idle_timeout(db):
    # Seconds of inactivity after which the session ends; NULL: no idle limit.
    db.table("sessions").add_column("idle_seconds", int)


@migrations()
def m010_second_factor(db):
    # TOTP (RFC 6238): the shared secret, and the last time step accepted so a
    # code cannot be used twice.
    db.table("members").add_column("totp_secret", str)
    db.table("members").add_column("totp_last_step", int)
    db.table("recovery_codes").create(
        {"id": int, "member_id": int, "code_hash": str, "used_at": str},
        pk="id", not_null={"member_id", "code_hash"},
        foreign_keys=[("member_id", "members", "id")],
    )
    db.table("recovery_codes").create_index(["member_id", "code_hash"], unique=True)


@migrations()
def m011_consent_texts_are_immutable(db):
    # A sign-up proves consent by pointing at the exact wording (GDPR Art. 7(1)):
    # a new wording is a new row, never an edit.
    db.execute("""create trigger consent_texts_no_update before update on consent_texts
                  begin select raise(abort, 'consent texts are immutable'); end""")
    db.execute("""create trigger consent_texts_no_delete before delete on consent_texts
                  begin select raise(abort, 'consent texts are immutable'); end""")


@migrations()
def m012_withdrawal_link(db):
    # The thank-you page carries a link that withdraws this sign-up; its token's hash.
    db.table("signups").add_column("withdraw_token_hash", str)
    db.table("signups").create_index(["withdraw_token_hash"])


@migrations()
def m013_possible_duplicates(db):
    # A later sign-up with the e-mail or number of an earlier one (90 days) is
    # kept, pointing at the earlier row; it never counts in the indicators:
    # the earlier row counts for both. The covering indexes of m007 get the
    # column, so counts that leave duplicates out still read no table rows.
    db.execute("alter table signups add column duplicate_of integer references signups(id)")
    for statement in (
            "drop index idx_signups_association_id_created_at_source_status_birth_year_campaign_id",
            "drop index idx_signups_municipality_id_created_at_source_status_birth_year_campaign_id",
            "drop index idx_signups_created_at_source_status_birth_year_campaign_id_"
            "municipality_id_association_id",
            "drop index idx_signups_recruiter_id_source_created_at"):
        db.execute(statement)
    counted = ["source", "status", "birth_year", "campaign_id", "duplicate_of"]
    db.table("signups").create_index(["association_id", "created_at", *counted])
    db.table("signups").create_index(["municipality_id", "created_at", *counted])
    db.table("signups").create_index(
        ["created_at", *counted, "municipality_id", "association_id"])
    db.table("signups").create_index(["recruiter_id", "source", "created_at", "duplicate_of"])
    # Partial: finds a pair's rows, yet never tempts the planner away from
    # the covering indexes for "duplicate_of is null".
    db.execute("""create index idx_signups_duplicate_of on signups(duplicate_of)
                  where duplicate_of is not null""")


@migrations()
def m014_account_notices_and_fresh_logins(db):
    # When the session's owner last typed their password (and code): "fresh" means
    # within the last 15 minutes, whatever flask_login's flag says.
    db.table("sessions").add_column("confirmed_at", str)
    # Things a member must hear about at their next login (a reset of their password,
    # someone using their e-mail address on an invitation link): kinds and ids only.
    db.table("notices").create(
        {"id": int, "member_id": int, "kind": str, "actor_id": int, "unit_id": int,
         "at": str, "shown_at": str},
        pk="id", not_null={"member_id", "kind", "at"},
        foreign_keys=[("member_id", "members", "id")],
    )
    db.table("notices").create_index(["member_id", "shown_at"])
    # A reset that would let its holder connect the owner's second factor, asked for by one
    # national administrator where no mail is set up: a second one must approve it.
    db.table("reset_requests").create(
        {"id": int, "member_id": int, "requested_by": int, "created_at": str,
         "approved_by": int, "approved_at": str},
        pk="id", not_null={"member_id", "requested_by", "created_at"},
        foreign_keys=[("member_id", "members", "id"), ("requested_by", "members", "id"),
                      ("approved_by", "members", "id")],
    )


@migrations()
def m015_cache_generation(db):
    # The roll-up cache lives in each worker process. This one-row counter is
    # bumped by triggers in the same transaction as the write, so a process
    # sees on its next request that its numbers are stale, whichever process
    # (or the CLI) wrote: sign-ups, withdrawals, erasure, purges, imports.
    db.table("cache_generation").create({"id": int, "generation": int}, pk="id",
                                        not_null={"generation"})
    db.table("cache_generation").insert({"id": 1, "generation": 0})
    # What the overviews' roll-ups count: a write to any of them makes every
    # process's cached numbers stale (cache.py).
    for table in ("signups", "campaigns", "districts", "municipalities", "associations"):
        for event in ("insert", "update", "delete"):
            # Identifiers from the literal tuples just above; a trigger takes no parameters.
            # (The text is kept as the first release stored it in sqlite_master.)
            db.execute(  # nosemgrep
                f"create trigger {table}_{event}_bumps_cache after {event} on {table}\n"  # nosec B608
                "        begin update cache_generation set generation = generation + 1"
                " where id = 1; end")


@migrations()
def m016_enforce_enumerated_values(db):
    # The values a text column may hold, listed once here and enforced by the
    # database, as a CHECK would (SQLite cannot add one to an existing table
    # without rebuilding it). Rows already stored are not re-checked.
    allowed = (
        ("signups", "source", "'link', 'on_the_spot', 'own_initiative'"),
        ("signups", "status", "'registered', 'invoiced', 'paid', 'unpaid_after_reminder', "
                                "'cancelled', 'resigned'"),
        ("members", "leaderboard_name", "'full', 'initial', 'hidden'"),
        ("roles", "role", "'member', 'chair', 'municipal_admin', 'district_admin', 'national_admin'"),
    )
    for table, column, values in allowed:
        for event, name in (("insert", "insert"), (f"update of {column}", "update")):
            # Identifiers and values from the literals just above; triggers take no parameters.
            db.execute(  # nosemgrep
                f"""create trigger {table}_{column}_{name}_is_known before {event} on {table}
                    when new.{column} not in ({values})
                    begin select raise(abort, 'unknown {table}.{column}'); end""")


@migrations()
def m017_call_lists(db):
    # One engine for every list of people to phone (calls.py). kind: welcome |
    # unpaid | partner; a welcome list belongs to one association and is made
    # when first opened. purpose and closes_at: for uploaded lists, erased
    # 30 days after closing.
    db.table("call_lists").create(
        {"id": int, "kind": str, "association_id": int, "purpose": str, "created_at": str,
         "closes_at": str},
        pk="id", not_null={"kind", "created_at"},
        foreign_keys=[("association_id", "associations", "id")],
    )
    db.table("call_lists").create_index(["association_id", "kind"])
    # One person on one list. state: waiting | reached | could_not_reach |
    # not_interested | handed_over | wrong_number. "Locked" is not a state: a
    # caller holds a waiting person until locked_until, then it lapses by itself.
    # due_on: the Swedish date by which the call is due; done_on: the Swedish
    # date it left the list (welcomed in time: reached, done_on <= due_on). needs_decision: an
    # answer the list owner must settle (the recruiter not confirmed).
    db.table("call_targets").create(
        {"id": int, "list_id": int, "signup_id": int, "due_on": str, "state": str,
         "tries": int, "next_try_at": str, "locked_by": int, "locked_until": str,
         "needs_decision": int, "created_at": str, "done_at": str, "done_on": str},
        pk="id", not_null={"list_id", "due_on", "state", "tries", "needs_decision",
                           "created_at"},
        defaults={"state": "waiting", "tries": 0, "needs_decision": 0},
        foreign_keys=[("list_id", "call_lists", "id"), ("signup_id", "signups", "id"),
                      ("locked_by", "members", "id")],
    )
    db.table("call_targets").create_index(["list_id", "state", "due_on"])
    db.table("call_targets").create_index(["signup_id"])
    db.table("call_targets").create_index(["locked_by", "locked_until"])
    # One call and its outcome. client_uuid makes a replayed post (offline, or a
    # double tap) insert nothing. answers: JSON of the list kind's fixed questions.
    db.table("calls").create(
        {"id": int, "target_id": int, "caller_id": int, "client_uuid": str, "outcome": str,
         "answers": str, "note": str, "call_back_at": str, "created_at": str},
        pk="id", not_null={"target_id", "caller_id", "client_uuid", "outcome", "answers",
                           "created_at"},
        foreign_keys=[("target_id", "call_targets", "id"), ("caller_id", "members", "id")],
    )
    db.table("calls").create_index(["client_uuid"], unique=True)
    db.table("calls").create_index(["target_id", "created_at"])
    db.table("calls").create_index(["caller_id", "created_at"])
    # Members a chair names to make the association's welcome calls.
    db.table("welcomers").create(
        {"association_id": int, "member_id": int, "created_at": str},
        pk=("association_id", "member_id"), not_null={"created_at"},
        foreign_keys=[("association_id", "associations", "id"),
                      ("member_id", "members", "id")],
    )
    # Days a new member waits at most for the welcome call; NULL: the default 7.
    db.table("municipalities").add_column("welcome_due_days", int)
    # The values each text column may hold, enforced by the database.
    allowed = (
        ("call_lists", "kind", "'welcome', 'unpaid', 'partner'"),
        ("call_targets", "state", "'waiting', 'reached', 'could_not_reach', 'not_interested', "
                                  "'handed_over', 'wrong_number'"),
        ("calls", "outcome", "'reached', 'no_answer', 'wrong_number', 'call_back', "
                             "'not_interested', 'handed_over'"),
    )
    for table, column, values in allowed:
        for event, name in (("insert", "insert"), (f"update of {column}", "update")):
            # Identifiers and values from the literals just above; triggers take no parameters.
            db.execute(  # nosemgrep
                f"""create trigger {table}_{column}_{name}_is_known before {event} on {table}
                    when new.{column} not in ({values})
                    begin select raise(abort, 'unknown {table}.{column}'); end""")
    # Erasing a sign-up (privacy.py) also empties what callers wrote about the
    # person; the outcomes stay, anonymous, for the welcome figures.
    db.execute("""create trigger signups_erased_clears_calls after update of erased_at on signups
                  when new.erased_at is not null
                  begin update calls set note = null, answers = '{}'
                        where target_id in (select id from call_targets
                                            where signup_id = new.id); end""")


@migrations()
def m018_register_exchange(db):
    # The exchange with the member register (issue 11). Values are literal here
    # on purpose: a migration must not change when the live constants do.
    # A stable reference per sign-up that the register keeps: V-<year>-<id>.
    db.table("signups").add_column("reference", str)
    db.execute("""update signups set reference =
                  'V-' || substr(created_at, 1, 4) || '-' || printf('%06d', id)""")
    db.execute("create unique index idx_signups_reference on signups(reference)")
    db.execute("""create trigger signups_reference after insert on signups
                  when new.reference is null
                  begin update signups set reference =
                    'V-' || substr(new.created_at, 1, 4) || '-' || printf('%06d', new.id)
                    where id = new.id; end""")
    # Exports for invoicing: a batch, and which sign-ups it holds (each at most once).
    db.table("export_batches").create(
        {"id": int, "created_by": int, "created_at": str, "row_count": int, "sha256": str,
         "scope_level": str, "scope_unit_id": int},
        pk="id", not_null={"created_by", "created_at", "row_count", "sha256", "scope_level"},
        foreign_keys=[("created_by", "members", "id")])
    db.table("export_batch_signups").create(
        {"batch_id": int, "signup_id": int}, pk=("batch_id", "signup_id"),
        foreign_keys=[("batch_id", "export_batches", "id"), ("signup_id", "signups", "id")])
    db.table("export_batch_signups").create_index(["signup_id"], unique=True)
    # kind: statuses | figures. A row with applied_at null is a preview: its
    # upload waits in instance/register_uploads/ under the token's hash.
    db.table("register_imports").create(
        {"id": int, "kind": str, "created_by": int, "created_at": str, "sha256": str,
         "token_hash": str, "scope_level": str, "scope_unit_id": int, "based_on": int,
         "row_count": int, "error_count": int, "change_count": int, "summary": str,
         "applied_at": str, "applied_by": int},
        pk="id", not_null={"kind", "created_by", "created_at", "sha256", "scope_level"},
        foreign_keys=[("created_by", "members", "id"), ("applied_by", "members", "id")])
    db.table("register_imports").create_index(["applied_at", "id"])
    # Status history, append-only: invoiced, paid, unpaid_after_reminder,
    # cancelled, resigned (with a reason category). signups.status is kept in
    # step in the same transaction.
    db.table("signup_statuses").create(
        {"id": int, "signup_id": int, "status": str, "on_date": str, "reason": str,
         "import_id": int},
        pk="id", not_null={"signup_id", "status", "on_date"},
        foreign_keys=[("signup_id", "signups", "id"), ("import_id", "register_imports", "id")])
    db.table("signup_statuses").create_index(["signup_id", "on_date"])
    db.table("signup_statuses").create_index(["status", "on_date", "signup_id"])
    db.execute("""create trigger signup_statuses_no_update before update on signup_statuses
                  begin select raise(abort, 'status history is append-only'); end""")
    db.execute("""create trigger signup_statuses_no_delete before delete on signup_statuses
                  begin select raise(abort, 'status history is append-only'); end""")
    # Register figures per association and date: no personal data. members and
    # members_under_45 are the stock on that date; new_members and the
    # resignations count since the association's previous report.
    db.table("register_figures").create(
        {"association_id": int, "on_date": str, "members": int, "members_under_45": int,
         "new_members": int, "import_id": int},
        pk=("association_id", "on_date"),
        not_null={"association_id", "on_date", "members", "members_under_45", "new_members"},
        foreign_keys=[("association_id", "associations", "id"),
                      ("import_id", "register_imports", "id")])
    db.table("register_figures").create_index(["on_date", "association_id"])
    db.table("register_resignations").create(
        {"association_id": int, "on_date": str, "reason": str, "count": int},
        pk=("association_id", "on_date", "reason"), not_null={"count"},
        foreign_keys=[("association_id", "associations", "id")])


@migrations()
def m019_original_recruiter(db):
    """Two facts about credit: who originally recruited a person, and who is
    credited now (recruiter_id). Settling a duplicate or the welcome call's
    credit decision changes only the second."""
    db.execute("alter table signups add column original_recruiter_id integer references members(id)")
    db.execute("update signups set original_recruiter_id = recruiter_id")
    db.execute("""create trigger signups_original_recruiter after insert on signups
                  when new.original_recruiter_id is null and new.recruiter_id is not null
                  begin update signups set original_recruiter_id = new.recruiter_id
                    where id = new.id; end""")


@migrations()
def m020_exportable_signups(db):
    # The export for invoicing looks for sign-ups neither erased nor duplicates
    # and not yet in a batch. Erasure (withdrawal, purge after the retention
    # days) bounds this index to recent sign-ups, so the look never reads all
    # of history.
    db.execute("""create index idx_signups_exportable on signups(id)
                  where erased_at is null and duplicate_of is null""")


@migrations()
def m021_call_targets_closed(db):
    # 'closed': the app took a waiting person off a list because they no longer
    # belong there (the register marked an unpaid fee paid or cancelled, or the
    # person resigned). Not an outcome of a call.
    values = ("'waiting', 'reached', 'could_not_reach', 'not_interested', 'handed_over', "
              "'wrong_number', 'closed'")
    for event, name in (("insert", "insert"), ("update of state", "update")):
        db.execute(f"drop trigger call_targets_state_{name}_is_known")  # nosemgrep
        # Identifiers and values from the literals just above; triggers take no parameters.
        db.execute(  # nosemgrep
            f"""create trigger call_targets_state_{name}_is_known before {event} on call_targets
                when new.state not in ({values})
                begin select raise(abort, 'unknown call_targets.state'); end""")


@migrations()
def m022_partners(db):
    """Partner organisations (issue 13): a coordinator role held over one, the
    members' own statements of belonging to one, and the partner credited on
    links and sign-ups. Values are literal on purpose (see the top)."""
    values = ("'member', 'chair', 'municipal_admin', 'district_admin', 'national_admin', "
              "'partner_coordinator'")
    for event, name in (("insert", "insert"), ("update of role", "update")):
        db.execute(f"drop trigger roles_role_{name}_is_known")  # nosemgrep
        # Identifiers and values from the literals just above; triggers take no parameters.
        db.execute(  # nosemgrep
            f"""create trigger roles_role_{name}_is_known before {event} on roles
                when new.role not in ({values})
                begin select raise(abort, 'unknown roles.role'); end""")
    # A member's own statement; shown only counted, never by name.
    db.table("partner_memberships").create(
        {"member_id": int, "partner_id": int, "created_at": str},
        pk=("member_id", "partner_id"), not_null={"created_at"},
        foreign_keys=[("member_id", "members", "id"),
                      ("partner_id", "partner_organisations", "id")])
    db.table("partner_memberships").create_index(["partner_id"])
    # The partner credited together with the member: on the link, and copied to
    # the sign-up in the sign-up's own insert.
    db.execute("alter table links add column partner_id integer "
               "references partner_organisations(id)")
    db.execute("alter table signups add column partner_id integer "
               "references partner_organisations(id)")
    db.execute("""create index idx_signups_partner_id_created_at on signups(partner_id, created_at)
                  where partner_id is not null""")
    # One-use links from the national office that make a coordinator.
    db.table("partner_invitations").create(
        {"id": int, "partner_id": int, "token_hash": str, "created_by": int, "created_at": str,
         "expires_at": str, "used_at": str, "used_by": int, "revoked_at": str},
        pk="id", not_null={"partner_id", "token_hash", "created_by", "created_at", "expires_at"},
        foreign_keys=[("partner_id", "partner_organisations", "id"),
                      ("created_by", "members", "id"), ("used_by", "members", "id")])
    db.table("partner_invitations").create_index(["token_hash"], unique=True)
    db.table("partner_invitations").create_index(["partner_id", "created_at"])


@migrations()
def m023_partner_call_lists(db):
    """Partner organisations' call lists (issue 12): a list uploaded by a
    coordinator (kind 'partner', no association), the people on it with their
    contact details apart from the list's targets (erased 30 days after the list
    closes, the anonymous outcomes kept), and the members who call for it."""
    for column, kind in (("partner_id", "integer references partner_organisations(id)"),
                         ("script", "text"), ("created_by", "integer references members(id)"),
                         ("closed_at", "text"), ("erased_at", "text")):
        db.execute(f"alter table call_lists add column {column} {kind}")  # nosemgrep
    db.execute("create index idx_call_lists_partner_id on call_lists(partner_id) "
               "where partner_id is not null")
    db.table("partner_contacts").create(
        {"target_id": int, "first_name": str, "last_name": str, "phone": str, "email": str,
         "municipality_id": int, "association_id": int, "line": int},
        pk="target_id", not_null={"first_name", "last_name", "phone", "line"},
        foreign_keys=[("target_id", "call_targets", "id"),
                      ("municipality_id", "municipalities", "id"),
                      ("association_id", "associations", "id")])
    db.table("partner_callers").create(
        {"partner_id": int, "member_id": int, "created_at": str},
        pk=("partner_id", "member_id"), not_null={"created_at"},
        foreign_keys=[("partner_id", "partner_organisations", "id"),
                      ("member_id", "members", "id")])
    db.table("partner_callers").create_index(["member_id"])
    # Caller links: a coordinator shares one inside the organisation; a party
    # member who opens it, logged in, becomes a caller. Many uses until it expires.
    db.table("partner_caller_links").create(
        {"id": int, "partner_id": int, "token_hash": str, "created_by": int, "created_at": str,
         "expires_at": str, "revoked_at": str},
        pk="id", not_null={"partner_id", "token_hash", "created_by", "created_at", "expires_at"},
        foreign_keys=[("partner_id", "partner_organisations", "id"),
                      ("created_by", "members", "id")])
    db.table("partner_caller_links").create_index(["token_hash"], unique=True)


@migrations()
def m024_activities(db):
    """Recruiting activities members sign up for (issue 14).

    An activity belongs to the unit of whoever created it: an association
    (association_id and its municipality_id set) or a municipality
    (association_id null). audience: association | municipality | campaign
    (everyone, while the campaign named by campaign_id runs). kind: one of
    the shift kinds door_knocking, street, workplace, phone, event. Times are
    UTC; cancelled_at set means called off (the row stays for the members
    who were told). sequence counts the changes, as iCalendar's SEQUENCE."""
    db.table("activities").create(
        {"id": int, "kind": str, "association_id": int, "municipality_id": int,
         "campaign_id": int, "audience": str, "starts_at": str, "ends_at": str, "place": str,
         "capacity": int, "description": str, "organiser_id": int, "created_at": str,
         "updated_at": str, "cancelled_at": str, "sequence": int},
        pk="id", defaults={"sequence": 0}, not_null={"sequence", "kind", "audience", "starts_at", "ends_at", "place", "capacity",
                           "organiser_id", "created_at", "updated_at"},
        foreign_keys=[("association_id", "associations", "id"),
                      ("municipality_id", "municipalities", "id"),
                      ("campaign_id", "campaigns", "id"), ("organiser_id", "members", "id")])
    db.table("activities").create_index(["association_id", "starts_at"])
    db.table("activities").create_index(["municipality_id", "starts_at"])
    db.table("activities").create_index(["audience", "starts_at"])
    # attended: null until the organiser checks in; reminded_at: the day-before
    # mail went; confirmed_at: the member answered "kommer du fortfarande?" yes.
    db.table("activity_signups").create(
        {"activity_id": int, "member_id": int, "created_at": str, "attended": int,
         "reminded_at": str, "confirmed_at": str},
        pk=("activity_id", "member_id"), not_null={"created_at"},
        foreign_keys=[("activity_id", "activities", "id"), ("member_id", "members", "id")])
    db.table("activity_signups").create_index(["member_id", "activity_id"])
    db.execute("alter table shifts add column activity_id integer references activities(id)")
    db.table("shifts").create_index(["activity_id"])
    # A member's own calendar feed: the secret is in the feed's URL, only its hash here.
    db.table("calendar_feeds").create(
        {"member_id": int, "token_hash": str, "created_at": str},
        pk="member_id", not_null={"token_hash", "created_at"},
        foreign_keys=[("member_id", "members", "id")])
    db.table("calendar_feeds").create_index(["token_hash"], unique=True)


@migrations()
def m025_member_interests(db):
    """What a member would like to do and when they usually can (issue 14); only
    their own chair sees it. kinds: JSON list of doors | stand | phone | welcome |
    other (the welcome call's "active" answers use the same words); times: JSON
    list of weekday_daytime | weekday_evenings | weekends."""
    db.table("member_interests").create(
        {"member_id": int, "kinds": str, "times": str, "updated_at": str},
        pk="member_id", not_null={"kinds", "times", "updated_at"},
        foreign_keys=[("member_id", "members", "id")])


@migrations()
def m026_leaving_the_board_and_shift_quality(db):
    """'none': the member left the leaderboard entirely (sees only their own and the
    association's figures). A shift that looks implausible gets a quality_flag
    (speed | contact_rate | unusual) and stays off the leaderboard until a chair
    confirms it (quality_confirmed_at)."""
    values = "'full', 'initial', 'hidden', 'none'"
    for event, name in (("insert", "insert"), ("update of leaderboard_name", "update")):
        db.execute(f"drop trigger members_leaderboard_name_{name}_is_known")  # nosemgrep
        # Identifiers and values from the literals just above; triggers take no parameters.
        db.execute(  # nosemgrep
            f"""create trigger members_leaderboard_name_{name}_is_known before {event} on members
                when new.leaderboard_name not in ({values})
                begin select raise(abort, 'unknown members.leaderboard_name'); end""")
    db.execute("alter table shifts add column quality_flag text")
    db.execute("alter table shifts add column quality_confirmed_at text")
    db.execute("alter table shifts add column quality_confirmed_by integer references members(id)")
    db.execute("""create index idx_shifts_quality on shifts(association_id, started_at)
                  where quality_flag is not null and quality_confirmed_at is null""")


@migrations()
def m027_activity_feedback(db):
    # "Hur gick det?" after an activity, one answer per participant: good | ok | bad.
    db.execute("alter table activity_signups add column how_it_went text")
    for event, name in (("insert", "insert"), ("update of how_it_went", "update")):
        # Identifiers and values are literals here; triggers take no parameters.
        db.execute(  # nosemgrep
            f"""create trigger activity_signups_how_it_went_{name}_is_known
                before {event} on activity_signups
                when new.how_it_went is not null and new.how_it_went not in ('good', 'ok', 'bad')
                begin select raise(abort, 'unknown activity_signups.how_it_went'); end""")


@migrations()
def m028_activity_guests(db):
    """Ta med en vän: a friend who is not a member comes along to an activity.
    Not a party sign-up: a first name and a mobile number with the time of
    consent, erased once the activity is over (purge-expired)."""
    db.table("activity_guests").create(
        {"id": int, "activity_id": int, "invited_by": int, "first_name": str, "phone": str,
         "consent_at": str, "created_at": str},
        pk="id", not_null={"activity_id", "invited_by", "first_name", "phone", "consent_at",
                           "created_at"},
        foreign_keys=[("activity_id", "activities", "id"), ("invited_by", "members", "id")])
    db.table("activity_guests").create_index(["activity_id", "invited_by"])


@migrations()
def m029_campaigns_goals_plans(db):
    # Campaigns belong to a unit (issue 13): its administrators make them. The
    # campaigns made before this were the national office's. unit_id is null
    # for the nation, as in roles. A campaign may run inside a higher one.
    db.table("campaigns").add_column("level", str, not_null_default="nation")
    db.table("campaigns").add_column("unit_id", int)
    db.table("campaigns").add_column("description", str)
    db.execute("alter table campaigns add column parent_campaign_id integer "
               "references campaigns(id)")
    db.execute("alter table campaigns add column created_by integer references members(id)")
    db.table("campaigns").create_index(["level", "unit_id", "ends_on"])
    # A campaign's shift goal counts the shifts tied to it, wherever they were.
    db.execute("""create index idx_shifts_campaign_id on shifts(campaign_id)
                  where campaign_id is not null""")
    # The associations taking part when not all below the unit do; none listed: all.
    db.table("campaign_associations").create(
        {"campaign_id": int, "association_id": int}, pk=("campaign_id", "association_id"),
        foreign_keys=[("campaign_id", "campaigns", "id"),
                      ("association_id", "associations", "id")])
    # A yearly action plan (handlingsplan) of a municipal organisation or district.
    db.table("plans").create(
        {"id": int, "level": str, "unit_id": int, "year": int, "body": str,
         "created_by": int, "created_at": str, "updated_at": str},
        pk="id", not_null={"level", "unit_id", "year", "body", "created_at", "updated_at"},
        foreign_keys=[("created_by", "members", "id")])
    db.table("plans").create_index(["level", "unit_id", "year"], unique=True)
    # One goal model: a measure (rollups.MEASURES) with a target, for a unit and
    # a period, belonging to a campaign or to a plan.
    db.table("goals").create(
        {"id": int, "measure": str, "target": float, "level": str, "unit_id": int,
         "starts_on": str, "ends_on": str, "campaign_id": int, "plan_id": int,
         "created_at": str},
        pk="id", not_null={"measure", "target", "level", "starts_on", "ends_on", "created_at"},
        foreign_keys=[("campaign_id", "campaigns", "id"), ("plan_id", "plans", "id")])
    db.table("goals").create_index(["campaign_id"])
    db.table("goals").create_index(["plan_id"])
    # A campaign's old single goal was a number of sign-ups.
    db.execute("""insert into goals (measure, target, level, unit_id, starts_on, ends_on,
                                     campaign_id, created_at)
                  select 'signups', goal, 'nation', null, starts_on, ends_on, id, created_at
                  from campaigns where goal is not null""")
    # What an ended campaign's page showed at its end, written once (JSON).
    db.table("campaign_snapshots").create(
        {"campaign_id": int, "taken_at": str, "body": str}, pk="campaign_id",
        not_null={"taken_at", "body"}, foreign_keys=[("campaign_id", "campaigns", "id")])
    db.execute("""create trigger campaign_snapshots_no_update before update on campaign_snapshots
                  begin select raise(abort, 'campaign snapshots are written once'); end""")


@migrations()
def m030_surveys(db):
    """Surveys (issue 15): the satisfaction pulse and the yearly evaluation, and the
    two-month report's snapshots.

    An answer keeps only its unit and the survey (whose period it is); who answered
    is kept apart, by member or by one-time code, with a date and nothing that
    links it to the answer. Answer ids are random and the tables have no rowid,
    so neither insertion order nor a time joins the two.
    """
    db.table("surveys").create(
        {"id": int, "kind": str, "title": str, "period": str, "opens_on": str, "closes_on": str,
         "audience": str, "questions": str, "created_by": int, "created_at": str},
        pk="id", not_null={"kind", "title", "period", "opens_on", "closes_on", "audience",
                           "questions", "created_by", "created_at"},
        foreign_keys=[("created_by", "members", "id")])
    db.execute("""create trigger surveys_kind_is_known before insert on surveys
                  when new.kind not in ('pulse', 'evaluation')
                  begin select raise(abort, 'unknown surveys.kind'); end""")
    db.table("surveys").create_index(["kind", "opens_on"])
    db.execute("""create table survey_answers (
                    id integer primary key, survey_id integer not null references surveys(id),
                    level text not null, via text not null,
                    association_id integer references associations(id),
                    municipality_id integer references municipalities(id),
                    district_id integer references districts(id),
                    free_text text)""")
    db.execute("create index idx_survey_answers_unit on survey_answers "
               "(survey_id, district_id, municipality_id, association_id)")
    db.execute("""create table survey_scores (
                    answer_id integer not null references survey_answers(id),
                    question text not null, score integer not null check (score between 1 and 5),
                    primary key (answer_id, question)) without rowid""")
    db.execute("""create table survey_answered (
                    survey_id integer not null references surveys(id),
                    member_id integer not null references members(id) on delete cascade,
                    on_date text not null,
                    primary key (survey_id, member_id)) without rowid""")
    db.execute("""create table survey_codes (
                    code_hash text primary key,
                    survey_id integer not null references surveys(id),
                    municipality_id integer not null references municipalities(id),
                    used_on text) without rowid""")
    db.execute("create index idx_survey_codes_survey on survey_codes (survey_id, used_on)")
    # A closed two-month report: numbers and text frozen as JSON, written once.
    db.table("report_snapshots").create(
        {"id": int, "level": str, "unit_id": int, "period": str, "body": str,
         "closed_by": int, "closed_at": str},
        pk="id", not_null={"level", "period", "body", "closed_by", "closed_at"},
        foreign_keys=[("closed_by", "members", "id")])
    db.execute("create unique index idx_report_snapshots_unit on report_snapshots "
               "(level, coalesce(unit_id, 0), period)")
    db.execute("""create trigger report_snapshots_no_update before update on report_snapshots
                  begin select raise(abort, 'a closed report never changes'); end""")
    db.execute("""create trigger report_snapshots_no_delete before delete on report_snapshots
                  begin select raise(abort, 'a closed report never changes'); end""")
    # The analysis being written, until the period is closed (the nation: unit_id null).
    db.table("report_drafts").create(
        {"id": int, "level": str, "unit_id": int, "period": str, "analysis": str,
         "updated_by": int, "updated_at": str},
        pk="id", not_null={"level", "period", "analysis", "updated_by", "updated_at"},
        foreign_keys=[("updated_by", "members", "id")])
    db.execute("create unique index idx_report_drafts_unit on report_drafts "
               "(level, coalesce(unit_id, 0), period)")
