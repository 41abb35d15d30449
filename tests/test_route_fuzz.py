"""Hostile input to every GET route, every form and every JSON API: never a 5xx.

The routes come from the app's URL map, so a new route is covered without
being listed here; the query parameters are every name a view reads from
request.args (kept in QUERY_PARAMETERS: grep request.args when adding one),
the form fields every field of every form class.
"""
import json
import uuid
from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing.converters import IntegerConverter
from wtforms.fields.core import UnboundField

from recruiter import (activities_forms, activities_guests, activities_interests, calls_forms,
                       campaigns_forms, forms, partners_forms, plans, register, reports,
                       shift_forms, surveys_forms)
from tests.route_support import get_urls

QUERY_PARAMETERS = ("period", "sort", "kvitto", "igen", "next", "q", "show_name", "kind")
HOSTILE = [
    "campaign-²", "campaign-³", "campaign-٣", "campaign-३", "campaign-３", "campaign-",
    "campaign--1", "campaign-" + "9" * 5000, "campaign-1e3", "campaign-0x1", "", " ", "-1",
    "0", "9" * 40, "²", "٤٩١٥١١٢٣٤٥٦٧٨", "\x00", "%00", "a\x00b", "\u202e\u200b",
    "x" * 20000, "../../etc/passwd", "<script>alert(1)</script>", "//evil.example/",
    "javascript:alert(1)", "half", "year", "all", "nation", "ﷺ" * 500,
]
RAW_QUERIES = [b"period=%ff%fe", b"period=%ED%A0%80", b"period&period=year&period",
               b"%00=%00", b"period=" + b"%C2%B2" * 3000, b"sort[]=1&q[x]=2"]
def assert_answers(client, url, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code < 500, (url, kwargs, response.status_code)
    response.close()


def test_every_get_route_survives_hostile_query_values(app, actors):
    ids, clients = actors
    urls = sorted(set(get_urls(app, ids)))
    assert len(urls) > 40
    checked = 0
    for url in urls:
        for client in (clients["member"], clients["national admin"]):
            for value in HOSTILE:
                assert_answers(client, url, query_string={p: value for p in QUERY_PARAMETERS})
                checked += 1
            for raw in RAW_QUERIES:
                assert_answers(client, url, query_string=raw.decode("latin-1"))
    assert checked > 2000


def test_leaderboard_period_with_a_superscript_digit(app, actors):
    """The crash of issue 9: '²'.isdigit() is true but int('²') fails."""
    _, clients = actors
    response = clients["member"].get("/topplista/?period=campaign-%C2%B2")
    assert response.status_code == 200


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.text(max_size=60))
def test_period_and_sort_take_any_text(actors, value):
    ids, clients = actors
    for url in ("/topplista/", f"/forening/{ids['association_id']}/team",
                "/oversikt/nation/0", "/api/indicators/nation/0"):
        client = clients["national admin"] if "nation" in url else clients["chair"]
        assert_answers(client, url, query_string={"period": value, "sort": value})


def post_json(client, body, content_type="application/json"):
    return client.post("/api/shifts", data=body, content_type=content_type,
                       headers={"Accept": "application/json"})


def valid_shift(member_id):
    now = datetime.now(timezone.utc)
    return {"client_uuid": str(uuid.uuid4()), "member_id": member_id, "kind": "street",
            "place": "Stortorget", "started_at": (now - timedelta(hours=1)).isoformat(),
            "ended_at": now.isoformat(), "doors_knocked": 0, "doors_opened": 0,
            "conversations": 1, "paper_signups": 0, "interested": 0, "companions": []}


MALFORMED = ["[" * 50000, "{\"a\":" * 20000, "[" * 500 + "]" * 500, "", "null", "[]", "\"x\"",
             "1e999999", "-" + "9" * 5000, "{", "{\"kind\": }", "\x00", "\ufeff{}",
             "{\"place\": \"" + "x" * 70000 + "\"}", "{\"a\": NaN}", "{\"a\": Infinity}"]


def test_json_api_survives_malformed_bodies(actors):
    _, clients = actors
    for client in clients.values():
        for body in MALFORMED:
            for content_type in ("application/json", "text/plain", None):
                response = post_json(client, body, content_type)
                assert response.status_code < 500, (body[:20], content_type)
                assert response.status_code in (400, 413, 415, 422), (body[:20], response.status_code)


def test_deeply_nested_json_is_a_400_not_a_crash(actors):
    _, clients = actors
    response = post_json(clients["member"], "[" * 50000)
    assert response.status_code == 400


MISTYPED = [None, True, False, 0, -1, 2**64, 1.5, float("1e308"), "", "²", "٣", "x" * 5000, [],
            [1, [2]], {"a": 1}, "0001-01-01T00:30:00+01:00", "9999-12-31T23:59:59-12:00",
            "2026-01-01", "1900-01-01T00:00:00+00:00"]


def test_json_api_survives_a_mistyped_value_in_every_field(actors):
    ids, clients = actors
    client = clients["member"]
    for key in valid_shift(ids["member_id"]):
        for value in MISTYPED:
            body = {**valid_shift(ids["member_id"]), key: value}
            response = post_json(client, json.dumps(body))
            assert response.status_code < 500, (key, value)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12), children, max_size=4), max_leaves=20)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(extra=st.dictionaries(st.sampled_from(sorted(valid_shift(1))), json_values, max_size=5))
def test_json_api_survives_arbitrary_values(actors, extra):
    ids, clients = actors
    body = {**valid_shift(ids["member_id"]), **extra}
    response = post_json(clients["member"], json.dumps(body))
    assert response.status_code < 500


def form_field_names():
    """Every field name of every form, with the prefixes the admin page uses."""


    names = set()
    for module in (forms, shift_forms, surveys_forms, reports, activities_forms, activities_guests,
                   activities_interests, calls_forms, campaigns_forms, partners_forms, plans,
                   register):
        for cls in vars(module).values():
            if isinstance(cls, type) and issubclass(cls, forms.FlaskForm):
                names |= {n for n in dir(cls) if isinstance(getattr(cls, n), UnboundField)}
    return sorted(names | {f"{p}-{n}" for p in ("partner", "campaign") for n in names})


FORM_VALUES = ["²", "١٢٣٤٥٦", "12345\U00010A40", "", "-1", "9" * 5000, "\x00", "x" * 5000,
               "A\x00B\x1b[31m\u202eC", "Anna\r\nBcc: x@evil", "0", "on", "2026-13-45",
               "<script>alert(1)</script>", "ﷺ" * 300]


def post_urls(app, ids):
    """Every POST route that takes a form (not JSON), filled from the data set."""
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.rule.startswith("/api/"):
            continue
        values = {name: ids.get(name, 1 if isinstance(rule._converters[name], IntegerConverter)
                                else "x") for name in rule.arguments}
        if "level" in rule.arguments:
            values["level"] = "municipality"
        if "action" in rule.arguments:
            values["action"] = "inaktivera"
        yield rule.build(values, append_unknown=False)[1]


def test_every_form_survives_hostile_field_values(app, db, actors, login_as):
    ids, clients = actors
    fields = form_field_names()
    assert {"first_name", "code", "place", "campaign-name", "max_uses"} <= set(fields)
    members = {"member": db.table("members").get(ids["member_id"]),
               "national admin": next(db.query(
                   "select m.* from members m join roles r on r.member_id = m.id "
                   "where r.role = 'national_admin'"))}
    for url in sorted(set(post_urls(app, ids))):
        for member in members.values():
            client = login_as(member)  # afresh: some of these log out or end sessions
            for value in FORM_VALUES:
                response = client.post(url, data={name: value for name in fields})
                assert response.status_code < 500, (url, value)
