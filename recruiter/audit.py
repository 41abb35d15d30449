"""The audit log: logins, exports, erasures and role changes, without personal data."""
from .db import now


def record(db, action, actor_id=None, object_type=None, object_id=None, outcome="ok"):
    """Append one event; only ids and a short outcome word are stored."""
    db.table("audit_log").insert({
        "at": now(), "actor_id": actor_id, "action": action, "object_type": object_type,
        "object_id": object_id, "outcome": outcome})


def recent(db, limit=200):
    """The newest events first."""
    return list(db.table("audit_log").rows_where(order_by="id desc", limit=limit))
