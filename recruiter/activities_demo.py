"""Demo activities: something to join on the demo member's start page."""
from datetime import datetime, timedelta, timezone

from . import accounts, activities_data, activities_interests

# (kind, days ahead, hour in UTC, hours long, place, capacity, audience, text)
DEMO_ACTIVITIES = [
    ("door_knocking", 2, 16, 2, "Möllevångstorget", 8, "association",
     "Vi knackar dörr runt torget. Samling vid fontänen."),
    ("street", 6, 10, 3, "Triangeln", 6, "municipality",
     "Bokbord och samtal med förbipasserande."),
    ("phone", 9, 17, 2, "Folkets hus, Malmö", 10, "association",
     "Telefonkväll: vi ringer nya medlemmar och hälsar dem välkomna."),
]

DEMO_INTERESTS = [(["doors", "welcome"], ["weekday_evenings"]), (["stand"], ["weekends"]),
                  (["phone", "other"], ["weekday_daytime", "weekends"])]


def seed(db, association_id, chair_email, member_email):
    """Give the demo association a few coming activities; once only."""
    if db.table("activities").count_where("association_id = ?", [association_id]):
        return
    chair = accounts.find_member_by_email(db, chair_email)
    member = accounts.find_member_by_email(db, member_email)
    municipality_id = db.table("associations").get(association_id)["municipality_id"]
    today = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    for kind, days, hour, hours, place, capacity, audience, text in DEMO_ACTIVITIES:
        start = (today + timedelta(days=days)).replace(hour=hour)
        activity_id = activities_data.create(db, {
            "kind": kind, "association_id": association_id, "municipality_id": municipality_id,
            "audience": audience, "starts_at": start.isoformat(timespec="seconds"),
            "ends_at": (start + timedelta(hours=hours)).isoformat(timespec="seconds"),
            "place": place, "capacity": capacity, "description": text,
            "organiser_id": chair["id"]})
        activities_data.sign_up(db, activity_id, chair["id"])
        if kind == "street":
            activities_data.sign_up(db, activity_id, member["id"])
    _seed_interests(db, association_id, member["id"])
    # One recent shift looks implausible: the chair has one to review.
    db.execute("""update shifts set quality_flag = 'unusual', doors_knocked = 400
                  where id = (select id from shifts where association_id = ? and member_id != ?
                              order by started_at desc limit 1)""",
               [association_id, member["id"]])


def _seed_interests(db, association_id, member_id):
    """A few of the association's members have said what they would like to do."""
    others = [r["id"] for r in db.query(
        "select id from members where association_id = ? and id != ? order by id limit 3",
        [association_id, member_id])]
    for n, other in enumerate([member_id, *others]):
        kinds, times = DEMO_INTERESTS[n % len(DEMO_INTERESTS)]
        activities_interests.save(db, other, kinds, times)
