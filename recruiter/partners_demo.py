"""Demo content for partner organisations: members who say they belong to one,
and a share of the demo's recruited sign-ups made together with one."""
from .db import now
from .links import create_link

MEMBER_SHARE = 0.2  # of the demo members, say they are in a partner organisation
SIGNUP_SHARE = 0.3  # of the recruited demo sign-ups, made through a partner link
PARTNER_SIGNUPS_SQL = """
select s.id, s.recruiter_id from signups s
where s.source = 'link' and s.recruiter_id is not null and s.partner_id is null
order by s.id"""


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
