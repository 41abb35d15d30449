"""A closed two-month report for the demo: the national office's, three periods
back, so a new user sees what closing leaves (the periods after it stay open)."""
from flask_babel import force_locale

from . import reports_data, reports_store
from .periods import add_months, bimonth, bimonth_start, today
from .units import LEVELS, NATION

DEMO_ANALYSIS = ("Anmälningarna ökade under perioden, mest via länkar från dörrknackning.\n\n"
                 "Slutsats: fler föreningar bör ordna torgmöten, och välkomstsamtalen "
                 "måste ringas i tid.")


def seed_report(db, office_id):
    """Close the national report three periods back, once."""
    start = add_months(bimonth_start(today()), -6)
    key = start.strftime("%Y-%m")
    if reports_store.snapshot(db, NATION, None, key) is not None:
        return
    with force_locale("sv"):  # the command line has no request to choose a language
        period = bimonth(start)
        body = reports_data.build(db, NATION, None, LEVELS[NATION].label, period,
                                  reports_data.previous_period(period))
    reports_store.close(db, NATION, None, key, body, DEMO_ANALYSIS, office_id)
