"""Demo surveys: an open satisfaction pulse with answers, and the one before it, so
the results page has figures and a trend; the demo logins have not answered."""
import random
from datetime import timedelta

from .periods import add_months, today
from .scope import unit_path
from .surveys_data import PULSE, create_survey, record_member_answer, survey

DEMO_TEXTS = ["Fler träffar på kvällstid.", "Välkomstsamtalet var fint.",
              "Svårt att veta vad föreningen gör.", "Mer utbildning i att värva."]


def seed_surveys(db, office_email, login_emails, seed_value=15):
    """Seed the two pulses once; most demo members (not the logins) answer them."""
    if db.table("surveys").count:
        return
    rng = random.Random(seed_value)
    office = next(db.table("members").rows_where("email = ?", [office_email]))
    day = today()
    earlier_start = add_months(day.replace(day=1), -6)
    earlier = create_survey(db, PULSE, "Hur trivs du som medlem? (förra halvåret)",
                            earlier_start, earlier_start + timedelta(days=20), office["id"])
    current = create_survey(db, PULSE, "Hur trivs du som medlem?", day - timedelta(days=7),
                            day + timedelta(days=21), office["id"])
    members = [m for m in db.table("members").rows_where(
        "association_id is not null and is_active = 1", order_by="id")
        if m["email"] not in login_emails]
    for survey_id, share, lean, opened in ((earlier, 0.5, 0, earlier_start),
                                          (current, 0.6, 1, day)):
        row = survey(db, survey_id)
        for member in members:
            if rng.random() < share:
                scores = {q["key"]: min(5, max(1, round(rng.gauss(3 + lean * 0.4, 1))))
                          for q in row["questions"]["scale"]}
                text = rng.choice(DEMO_TEXTS) if rng.random() < 0.1 else None
                record_member_answer(db, row, member["id"],
                                     unit_path(db, "association", member["association_id"]),
                                     scores, text, opened)
