"""Demo welcome calls: the demo association's list with people in every state."""
from datetime import datetime, timedelta, timezone

from . import accounts, calls_data

# (outcome, answers) for the first people on the list, each a day apart.
DEMO_CALLS = [
    ("reached", {"recruiter": "yes", "active": ["doors", "welcome"]}),
    ("reached", {"recruiter": "other"}),
    ("not_interested", {}),
    ("no_answer", {}), ("no_answer", {}), ("no_answer", {}),  # could not reach, after three
    ("no_answer", {}),  # tried once: back tomorrow
]


def seed_welcome(db, association_id, caller_email):
    """Give the demo association's welcome list some history; once only."""
    # A list made four months ago: its recent past fills it (calls_data.LOOKBACK).
    made = (datetime.now(timezone.utc) - timedelta(days=120)).isoformat(timespec="seconds")
    listed = calls_data.sync_welcome(db, association_id, at=made)
    if db.table("calls").count_where(
            "target_id in (select id from call_targets where list_id = ?)", [listed["id"]]):
        return
    caller = accounts.find_member_by_email(db, caller_email)
    start = datetime.now(timezone.utc) - timedelta(days=len(DEMO_CALLS))
    for day, (outcome, answers) in enumerate(DEMO_CALLS):
        at = (start + timedelta(days=day)).isoformat(timespec="seconds")
        target_id = calls_data.next_target(db, listed["id"], caller["id"], at)
        if target_id is None:
            return
        calls_data.record_call(db, calls_data.target(db, target_id), caller["id"], {
            "client_uuid": f"demo-call-{day}", "outcome": outcome, "answers": answers}, at)
    # The demo chair's lock must not outlive the seeding.
    db.execute("update call_targets set locked_by = null, locked_until = null where list_id = ?",
               [listed["id"]])
