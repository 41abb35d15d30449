"""A plausible fictional party for demonstrations, from a fixed random seed."""
import csv
import os
import random
import tempfile
import uuid
from datetime import date, datetime, timedelta, timezone

from . import (accounts, activities_demo, calls_demo, campaigns_data, partners_demo, plans_data,
               reports_demo, signups, surveys_demo)
from .db import now
from .passwords import hash_password
from .units import ASSOCIATION, DISTRICT, LEVELS, MUNICIPALITY, NATION, PARTNER, ROLES, UNIT_TABLES

DEMO_PASSWORD = "demo-varva-2026"
DEMO_DOMAIN = "demo.example"

# district -> municipal organisations -> associations
TREE = {
    ("D-SKANE", "Skånes partidistrikt"): {
        ("K-MALMO", "Malmö arbetarekommun"): ["S-föreningen Väster", "S-föreningen Rosengård",
                                              "S-föreningen Limhamn", "S-föreningen Centrum"],
        ("K-LUND", "Lunds arbetarekommun"): ["S-föreningen Norra Fäladen", "S-föreningen Linero"],
        ("K-HBG", "Helsingborgs arbetarekommun"): ["S-föreningen Drottninghög"],
    },
    ("D-VGR", "Västra Götalands partidistrikt"): {
        ("K-GBG", "Göteborgs arbetarekommun"): ["S-föreningen Hisingen", "S-föreningen Majorna",
                                                "S-föreningen Angered"],
        ("K-BORAS", "Borås arbetarekommun"): ["S-föreningen Hässleholmen"],
    },
    ("D-STHLM", "Stockholms partidistrikt"): {
        ("K-STHLM", "Stockholms arbetarekommun"): ["S-föreningen Södermalm", "S-föreningen Tensta",
                                                   "S-föreningen Farsta"],
        ("K-SOLNA", "Solna arbetarekommun"): ["S-föreningen Hagalund"],
    },
}
PARTNERS = [("SSU", "SSU", "youth"), ("S-STUD", "S-studenter", "students"),
            ("S-KV", "S-kvinnor", "women"), ("LO", "LO-förbunden", "union"),
            ("TOS", "Tro och Solidaritet", "faith"), ("HBTS", "HBT-socialdemokraterna", "lgbt")]
FIRST = ["Anna", "Erik", "Fatima", "Johan", "Maria", "Ali", "Sara", "Lars", "Emma", "Ahmed",
         "Karin", "Mikael", "Leila", "Per", "Elin", "Omar", "Ingrid", "Jonas", "Amina", "Nils"]
LAST = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Hassan",
        "Olsson", "Persson", "Svensson", "Gustafsson", "Ali", "Lindberg", "Jakobsson", "Berg"]

# e-mail local part -> (role, where the role is held, first, last)
LOGINS = {
    "medlem": ("member", None, "Maja", "Medlem"),
    "ordforande": ("chair", None, "Olle", "Ordförande"),
    "kommun": ("municipal_admin", "K-MALMO", "Karin", "Kommunsson"),
    "distrikt": ("district_admin", "D-SKANE", "Dina", "Distriktsson"),
    "kansli": ("national_admin", None, "Kim", "Kanslisson"),
    "samordnare": ("partner_coordinator", "LO", "Sam", "Samordnare"),
}
HOME_ASSOCIATION = "A-MALMO-1"
# municipal organisation -> the first three digits of its postcodes
POSTCODES = {"K-MALMO": ["211", "212", "213", "214", "215", "216", "217"],
             "K-LUND": ["222", "223", "224", "225", "226", "227"], "K-HBG": ["252", "253", "254"],
             "K-GBG": ["411", "412", "413", "414", "415", "416", "417", "418"],
             "K-BORAS": ["503", "504", "506"], "K-STHLM": ["111", "112", "113", "114", "116", "117"],
             "K-SOLNA": ["169", "170", "171"]}
CAMPAIGNS = [("Vårkampanjen 2026", "2026-03-01", "2026-05-31", 300),
             ("Valrörelsen 2026", "2026-08-01", "2026-09-13", 1000),
             ("Höstvärvning 2026", "2026-10-01", "2026-12-31", 400)]
SIGNUPS_PER_YEAR = 600
SHIFTS_PER_YEAR = 1500
PLACES = ["Centrum", "Stortorget", "Södra förstaden", "Norra hamnen", "Vårdcentralen",
          "Biblioteket", "Folkets park", "Stationen", "Köpcentret", "Skolgatan"]


def demo_email(local):
    return f"{local}@{DEMO_DOMAIN}"


def seed(db, seed_value=1889):
    """Create the demo organisation, accounts and logins; safe to run twice."""
    rng = random.Random(seed_value)
    password_hash = hash_password(DEMO_PASSWORD)
    with db.atomic():
        codes = _seed_tree(db)
        for code, association_id in codes.items():
            for _ in range(rng.randint(5, 12)):
                _member(db, rng.choice(FIRST), rng.choice(LAST), association_id,
                        password_hash, f"{code.lower()}.{rng.randrange(10**6):06d}")
        for local, (role, unit_code, first, last) in LOGINS.items():
            # A partner organisation's coordinator need not be a party member.
            unit_id = _unit_id(db, ROLES[role].level, unit_code) if unit_code else codes[HOME_ASSOCIATION]
            if ROLES[role].level == PARTNER:
                _member(db, first, last, None, password_hash, local, ((role, unit_id),))
                continue
            member_id = _member(db, first, last, codes[HOME_ASSOCIATION], password_hash, local)
            accounts.add_role(db, member_id, role, unit_id)
        _seed_postcodes(db)
        if db.table("signups").count == 0:
            campaigns = _seed_campaigns(db)
            active = _seed_signups(db, rng, campaigns)
            _seed_shifts(db, rng, active, campaigns)
    seed_register(db, random.Random(seed_value + 1))
    _seed_municipal_campaign(db)
    calls_demo.seed_welcome(db, codes[HOME_ASSOCIATION], demo_email("ordforande"))
    partners_demo.seed(db, random.Random(seed_value + 2), demo_email("medlem"))
    activities_demo.seed(db, codes[HOME_ASSOCIATION], demo_email("ordforande"),
                         demo_email("medlem"))
    surveys_demo.seed_surveys(db, demo_email("kansli"), {demo_email(k) for k in LOGINS})
    reports_demo.seed_report(db, accounts.find_member_by_email(db, demo_email("kansli"))["id"])


def _seed_postcodes(db):
    for code, prefixes in POSTCODES.items():
        municipality_id = _unit_id(db, MUNICIPALITY, code)
        for prefix in prefixes:
            db.execute("insert or ignore into postcode_areas values (?, ?)",
                       [prefix, municipality_id])


def _seed_campaigns(db):
    return [_get_or_add_campaign(db, *campaign) for campaign in CAMPAIGNS]


def _get_or_add_campaign(db, name, starts_on, ends_on, goal):
    rows = list(db.table("campaigns").rows_where("name = ?", [name]))
    if rows:
        return rows[0]
    row = {"name": name, "level": NATION, "unit_id": None, "starts_on": starts_on,
           "ends_on": ends_on, "goal": goal}
    return db.table("campaigns").get(campaigns_data.add_campaign(db, row, [("signups", goal)], []))


MUNICIPAL_CAMPAIGN = ("K-MALMO", "Malmö värvar i vinter",
                      "Varje förening i Malmö värvar: ta med kampanjlänken när du knackar dörr.",
                      [("signups", 60), ("shifts", 40)])


PLAN_TEXT = ("Varje förening håller ett dörrknackningspass i månaden.\n"
             "Nya medlemmar får ett välkomstsamtal inom en vecka.")
PLAN_GOALS = [("signups", 200), ("recruited_share", 50), ("welcome_in_time", 90)]


def _seed_municipal_campaign(db):
    """A municipal campaign running around today, with goals, and the municipal
    organisation's action plan for the year (issue 13)."""
    code, name, text, goals = MUNICIPAL_CAMPAIGN
    if list(db.table("campaigns").rows_where("name = ?", [name])):
        return
    day = date.today()
    unit_id = _unit_id(db, MUNICIPALITY, code)
    plans_data.save_plan(db, MUNICIPALITY, unit_id, day.year, PLAN_TEXT, PLAN_GOALS, None)
    campaigns_data.add_campaign(db, {
        "name": name, "level": MUNICIPALITY, "unit_id": unit_id, "description": text,
        "starts_on": (day - timedelta(days=30)).isoformat(),
        "ends_on": (day + timedelta(days=45)).isoformat()}, goals, [])


def _seed_signups(db, rng, campaigns):
    """A year of sign-ups: about half through members' links, the rest on their own."""
    links = list(db.query(
        """select l.id, l.member_id, m.association_id, a.municipality_id
           from links l join members m on m.id = l.member_id
           join associations a on a.id = m.association_id where l.is_personal = 1"""))
    active = rng.sample(links, k=len(links) // 3)
    consent_id = db.execute("select max(id) from consent_texts").fetchone()[0]
    today = datetime.now(timezone.utc)
    rows = []
    for n in range(SIGNUPS_PER_YEAR):
        at = (today - timedelta(days=rng.randrange(365), minutes=rng.randrange(1440)))
        row = _signup_row(rng, n, at, rng.random() < 0.45 and rng.choice(active),
                          campaigns, consent_id)
        rows.append(row if row["source"] != "own_initiative" else _placed(db, row))
    db.table("signups").insert_all(rows)
    return active


def _placed(db, row):
    """An own-initiative sign-up placed by its postcode, as the join form does."""
    municipality_id = signups.municipality_for_postcode(db, row["postcode"])
    return {**row, "municipality_id": municipality_id,
            "association_id": signups.association_for_municipality(db, municipality_id)}


def _seed_shifts(db, rng, active, campaigns):
    """A year of shifts by the active recruiters, counts only."""
    today = datetime.now(timezone.utc)
    rows = []
    for _ in range(SHIFTS_PER_YEAR):
        link = rng.choice(active)
        start = today - timedelta(days=rng.randrange(1, 365), hours=rng.randrange(8, 14))
        kind = rng.choice(["door_knocking", "door_knocking", "street", "phone", "workplace"])
        knocked = rng.randrange(10, 80) if kind == "door_knocking" else 0
        day = start.date().isoformat()
        campaign = next((c for c in campaigns if c["starts_on"] <= day <= c["ends_on"]), None)
        rows.append({
            "client_uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "member_id": link["member_id"], "association_id": link["association_id"],
            "kind": kind, "place": rng.choice(PLACES), "municipality_id": link["municipality_id"],
            "campaign_id": campaign["id"] if campaign else None,
            "doors_knocked": knocked, "doors_opened": knocked * rng.randrange(25, 60) // 100,
            "conversations": rng.randrange(2, 25), "paper_signups": rng.randrange(0, 3),
            "interested": rng.randrange(0, 5), "note": None,
            "started_at": start.isoformat(timespec="seconds"),
            "ended_at": (start + timedelta(minutes=rng.randrange(45, 180))).isoformat(timespec="seconds"),
            "created_at": start.isoformat(timespec="seconds"),
            "updated_at": start.isoformat(timespec="seconds"),
        })
    db.table("shifts").insert_all(rows)


def _signup_row(rng, n, at, link, campaigns, consent_id):
    stamp = at.isoformat(timespec="seconds")
    day = stamp[:10]
    campaign = next((c for c in campaigns if c["starts_on"] <= day <= c["ends_on"]), None)
    source = "own_initiative" if not link else rng.choice(["link", "link", "on_the_spot"])
    status = rng.choices(["registered", "invoiced", "paid", "cancelled"], [2, 3, 6, 1])[0]
    return {
        "submission_id": f"demo-{n}", "source": source,
        "link_id": link["id"] if link else None,
        "recruiter_id": link["member_id"] if link else None,
        "campaign_id": campaign["id"] if campaign and link else None,
        "association_id": link["association_id"] if link else None,
        "municipality_id": link["municipality_id"] if link else None,
        "first_name": rng.choice(FIRST), "last_name": rng.choice(LAST),
        "email": f"anmalan{n}@{DEMO_DOMAIN}", "phone": None,
        "birth_year": rng.choice(range(1950, 2009)),
        "postcode": f"{rng.choice(sum(POSTCODES.values(), []))} {rng.randrange(100):02d}",
        "consent_id": consent_id, "consent_at": stamp, "status": status,
        "status_at": stamp, "created_at": stamp,
    }


def _seed_tree(db):
    """Insert the tree where missing; return association code -> id."""
    codes = {}
    for (d_code, d_name), munis in TREE.items():
        district_id = _get_or_add(db, LEVELS[DISTRICT].table, d_code, {"name": d_name})
        for m_index, ((m_code, m_name), names) in enumerate(munis.items()):
            muni_id = _get_or_add(db, LEVELS[MUNICIPALITY].table, m_code,
                                  {"name": m_name, "district_id": district_id})
            for a_index, name in enumerate(names, 1):
                a_code = f"A-{m_code[2:]}-{a_index}"
                codes[a_code] = _get_or_add(db, LEVELS[ASSOCIATION].table, a_code,
                                            {"name": name, "municipality_id": muni_id})
    for code, name, kind in PARTNERS:
        _get_or_add(db, UNIT_TABLES[PARTNER], code, {"name": name, "kind": kind})
    return codes


def _get_or_add(db, table, code, values):
    rows = list(db.table(table).rows_where("code = ?", [code]))
    if rows:
        return rows[0]["id"]
    return db.table(table).insert({**values, "code": code, "created_at": now()}).last_pk


def _unit_id(db, level, code):
    table = UNIT_TABLES[level]
    return next(db.table(table).rows_where("code = ?", [code]))["id"]


def _member(db, first, last, association_id, password_hash, local, roles=(("member", None),)):
    existing = accounts.find_member_by_email(db, demo_email(local))
    if existing:
        return existing["id"]
    return accounts.create_member(db, demo_email(local), first, last, password_hash,
                                  association_id, roles)


def seed_register(db, rng):
    """An example exchange with the member register, applied through the import
    code: the sign-ups the demo marked invoiced or paid get those statuses from
    two status files (so they have a history), and every association gets a
    year of monthly register figures. Done once; later runs change nothing."""
    from . import register_import

    if db.table("register_imports").count:
        return
    office = next(db.table("members").rows_where("email = ?", [demo_email("kansli")]))["id"]
    today = datetime.now(timezone.utc).date()
    wanted = {r["id"]: r for r in db.query(
        """select id, reference, status, created_at from signups
           where status in ('invoiced', 'paid') and duplicate_of is null""")}
    db.execute("""update signups set status = 'registered', status_at = created_at
                  where status in ('invoiced', 'paid') and duplicate_of is null""")
    invoiced, paid, unpaid = [], [], []
    for row in wanted.values():
        signed_up = date.fromisoformat(row["created_at"][:10])
        sent = min(signed_up + timedelta(days=rng.randint(1, 10)), today)
        invoiced.append((row["reference"], "invoiced", sent, ""))
        if row["status"] == "paid":
            paid.append((row["reference"], "paid", min(sent + timedelta(days=rng.randint(3, 25)),
                                                       today), ""))
        elif (today - sent).days > UNPAID_AFTER_DAYS and rng.random() < 0.5:
            # Half the old unpaid invoices got a reminder that went unanswered:
            # the demo's unpaid-fee call lists.
            unpaid.append((row["reference"], "unpaid_after_reminder",
                           sent + timedelta(days=UNPAID_AFTER_DAYS), ""))
    with tempfile.TemporaryDirectory() as folder:
        for name, rows in (("invoiced", invoiced), ("paid", paid), ("unpaid", unpaid)):
            path = _write_csv(folder, name, ["reference", "status", "date", "reason"], rows)
            register_import.import_file(db, "statuses", path, office, today)
        path = _write_csv(folder, "figures", _figure_columns(), _figure_rows(db, rng, today))
        register_import.import_file(db, "figures", path, office, today)


UNPAID_AFTER_DAYS = 30  # invoice, reminder, then the register calls it unpaid
DEMO_REASONS = ("economy", "politics", "moved", "inactive", "removed")


def _figure_columns():
    return ["association_code", "date", "members", "members_under_45", "new_members",
            *(f"resigned_{reason}" for reason in DEMO_REASONS)]


def _figure_rows(db, rng, today):
    """Month-end figures for the last year: the stock grows by the new members
    (the app's paid recruits and about as many who joined on their own) less
    those who left."""
    paid = {(r["association_id"], r["month"]): r["n"] for r in db.query(
        """select s.association_id, substr(h.on_date, 1, 7) as month, count(*) as n
           from signup_statuses h join signups s on s.id = h.signup_id
           where h.status = 'paid' group by 1, 2""")}
    rows = []
    for association in db.query("select id, code from associations order by id"):
        members = rng.randint(60, 400)
        for back in range(11, -1, -1):
            month_end = _month_end(today, back)
            new = paid.get((association["id"], month_end.isoformat()[:7]), 0) + rng.randint(0, 4)
            left = [rng.choices([0, 1, 2], [6, 3, 1])[0] for _ in DEMO_REASONS]
            members = max(members + new - sum(left), 10)
            rows.append((association["code"], month_end, members,
                         int(members * rng.uniform(0.25, 0.45)), new, *left))
    return rows


def _month_end(today, back):
    """The last day of the month `back` months before today's (today itself for this month)."""
    year, month = today.year, today.month - back
    while month < 1:
        year, month = year - 1, month + 12
    if back == 0:
        return today
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def _write_csv(folder, name, header, rows):
    path = os.path.join(folder, f"{name}.csv")
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(header)
        writer.writerows([[v.isoformat() if isinstance(v, date) else v for v in row]
                          for row in rows])
    return path
