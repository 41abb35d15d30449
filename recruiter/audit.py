"""The audit log: logins, exports, erasures and role changes, without personal data."""
from .db import now

# Every action the log knows; a new one is added here first, so the office can
# read the log with a fixed list (tests/test_audit.py checks every call site).
AUDIT_ACTIONS = frozenset({
    "login", "login_failed", "login_locked", "logout", "role_switch", "mfa_enabled",
    "sessions_ended", "approve", "reject", "deactivate", "reactivate", "invitation_used",
    "reset_requested", "reset_approved", "reset_created", "reset_used",
    "export", "erase", "purge", "withdraw", "duplicate_resolved",
    "welcome_credit", "welcome_digest", "welcomers_set", "welcome_due_days",
    "register_export", "register_export_again", "register_import",
    "register_followup_export",
    "partner_invitation", "partner_invitation_used", "partner_list_uploaded",
    "partner_list_closed", "partner_lists_erased",
    "survey_codes", "report_closed",
})


def record(db, action, actor_id=None, object_type=None, object_id=None, outcome="ok"):
    """Append one event; only ids and a short outcome word are stored."""
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}: add it to audit.AUDIT_ACTIONS")
    db.table("audit_log").insert({
        "at": now(), "actor_id": actor_id, "action": action, "object_type": object_type,
        "object_id": object_id, "outcome": outcome})


def recent(db, limit=200):
    """The newest events first."""
    return list(db.table("audit_log").rows_where(order_by="id desc", limit=limit))
