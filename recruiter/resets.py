"""Two-person resets: where no mail is set up, a reset link that would let its holder
connect an account's second factor is asked for by one national administrator and
issued by another (README: resets)."""
from .db import immediate, now

_PENDING_SQL = """
select q.id, q.created_at, q.requested_by, m.id as member_id, m.first_name, m.last_name,
       m.association_id, r.first_name as requester_first, r.last_name as requester_last
from reset_requests q
join members m on m.id = q.member_id
join members r on r.id = q.requested_by
where q.approved_at is null and q.created_at > ?
order by q.id
"""


def request_reset(db, member_id, requested_by):
    """Record the first person's request; returns its id."""
    return db.table("reset_requests").insert({
        "member_id": member_id, "requested_by": requested_by, "created_at": now()}).last_pk


def pending(db, since):
    """Requests not yet approved, made after `since` (ISO time)."""
    return list(db.query(_PENDING_SQL, [since]))


def approve(db, request_id, approved_by, since):
    """Mark a request approved by a second person; the request row, or None.

    None when it is unknown, already approved, older than `since`, or was
    made by `approved_by` themselves.
    """
    with immediate(db):
        rows = [row for row in pending(db, since) if row["id"] == request_id]
        if not rows or rows[0]["requested_by"] == approved_by:
            return None
        db.execute("update reset_requests set approved_by = ?, approved_at = ? where id = ?",
                   [approved_by, now(), request_id])
    return rows[0]
