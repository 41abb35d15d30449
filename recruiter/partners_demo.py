"""Demo content for partner organisations: members who say they belong to one,
and a share of the demo's recruited sign-ups made together with one."""
from datetime import date, timedelta

from . import partners_callers, partners_lists
from .db import now
from .links_data import create_link

MEMBER_SHARE = 0.2  # of the demo members, say they are in a partner organisation
SIGNUP_SHARE = 0.3  # of the recruited demo sign-ups, made through a partner link
PARTNER_SIGNUPS_SQL = """
select s.id, s.recruiter_id from signups s
where s.source = 'link' and s.recruiter_id is not null and s.partner_id is null
order by s.id"""


# PTS reserves 070-174 06 05 … 070-174 06 99 for fiction: nobody is called.
LIST_PEOPLE = [("Alva", "Lind"), ("Bertil", "Holm"), ("Cecilia", "Ström"), ("David", "Sjö"),
               ("Ebba", "Lund")]
LIST_PURPOSE = "Förtroendevalda som vill bli uppringda"
LIST_SCRIPT = ("Hej! Jag ringer från facket, du sa att det gick bra att ringa. Vi jobbar "
               "tillsammans med partiet: vill du bli medlem? Jag kan skicka en länk.")


def seed(db, rng, member_email):
    """Statements and partner links once; a later run changes nothing."""
    if db.execute("select count(*) from partner_memberships").fetchone()[0]:
        return
    partners = [p["id"] for p in db.table("partner_organisations").rows_where(order_by="id")]
    members = [m["id"] for m in db.table("members").rows_where(
        "association_id is not null and is_active = 1", order_by="id")]
    union = next(db.table("partner_organisations").rows_where("code = 'LO'"))["id"]
    likely = partners + [union] * 3  # the unions are the largest by far
    stated = {m: rng.choice(likely) for m in members if rng.random() < MEMBER_SHARE}
    demo_member = next(db.table("members").rows_where("email = ?", [member_email]))["id"]
    stated[demo_member] = union
    db.table("partner_memberships").insert_all(
        {"member_id": m, "partner_id": p, "created_at": now()} for m, p in stated.items())
    links = {}
    for row in db.query(PARTNER_SIGNUPS_SQL):
        if rng.random() >= SIGNUP_SHARE:
            continue
        partner_id = stated.get(row["recruiter_id"]) or rng.choice(partners)
        key = (row["recruiter_id"], partner_id)
        if key not in links:
            links[key] = create_link(db, row["recruiter_id"], "Tillsammans med facket",
                                     partner_id=partner_id)["id"]
        db.execute("update signups set link_id = ?, partner_id = ? where id = ?",
                   [links[key], partner_id, row["id"]])
    _seed_list(db, union, demo_member)


def _seed_list(db, partner_id, caller_id):
    """The union's list of five to call, with the demo member as one of its callers."""
    partners_callers.become_caller(db, partner_id, caller_id)
    municipality_id = next(db.table("municipalities").rows_where("code = 'K-MALMO'"))["id"]
    people = [(line, {"first_name": first, "last_name": last,
                      "mobile": f"+467017406{5 + line:02d}", "email": None,
                      "municipality_id": municipality_id, "association_id": None})
              for line, (first, last) in enumerate(LIST_PEOPLE, 2)]
    coordinator = next(db.query(
        "select member_id from roles where role = 'partner_coordinator' and unit_id = ?",
        [partner_id]), {"member_id": caller_id})["member_id"]
    partners_lists.create_list(db, partner_id, coordinator, LIST_PURPOSE, LIST_SCRIPT,
                               date.today() + timedelta(days=60), people)
