"""A plausible fictional party for demonstrations, from a fixed random seed."""
import random

from . import accounts
from .db import now
from .passwords import hash_password

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
}
HOME_ASSOCIATION = "A-MALMO-1"


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
            member_id = _member(db, first, last, codes[HOME_ASSOCIATION], password_hash, local)
            unit_id = _unit_id(db, role, unit_code) if unit_code else codes[HOME_ASSOCIATION]
            accounts.add_role(db, member_id, role, unit_id)


def _seed_tree(db):
    """Insert the tree where missing; return association code -> id."""
    codes = {}
    for (d_code, d_name), munis in TREE.items():
        district_id = _get_or_add(db, "districts", d_code, {"name": d_name})
        for m_index, ((m_code, m_name), names) in enumerate(munis.items()):
            muni_id = _get_or_add(db, "municipalities", m_code,
                                  {"name": m_name, "district_id": district_id})
            for a_index, name in enumerate(names, 1):
                a_code = f"A-{m_code[2:]}-{a_index}"
                codes[a_code] = _get_or_add(db, "associations", a_code,
                                            {"name": name, "municipality_id": muni_id})
    for code, name, kind in PARTNERS:
        _get_or_add(db, "partner_organisations", code, {"name": name, "kind": kind})
    return codes


def _get_or_add(db, table, code, values):
    rows = list(db.table(table).rows_where("code = ?", [code]))
    if rows:
        return rows[0]["id"]
    return db.table(table).insert({**values, "code": code, "created_at": now()}).last_pk


def _unit_id(db, role, code):
    table = {"municipal_admin": "municipalities", "district_admin": "districts"}[role]
    return next(db.table(table).rows_where("code = ?", [code]))["id"]


def _member(db, first, last, association_id, password_hash, local):
    existing = accounts.find_member_by_email(db, demo_email(local))
    if existing:
        return existing["id"]
    return accounts.create_member(db, demo_email(local), first, last, password_hash,
                                  association_id)
