import random

import pytest

from recruiter import passwords
from recruiter.passwords import MIN_LENGTH, breached_passwords, is_too_common
from tests.factories import PASSWORD, make_member


def test_the_breached_list_is_shipped_whole():
    entries = breached_passwords()
    assert len(entries) == 19640  # the whole file but its header
    assert {"123456", "password", "qwerty", "iloveyou", "sunshine"} <= entries
    assert all(entry == entry.lower() and entry.strip() == entry for entry in entries)


def test_the_list_is_read_once(monkeypatch):
    breached_passwords()
    monkeypatch.setattr(passwords, "BREACHED_LIST", passwords.BREACHED_LIST.with_name("gone"))
    assert is_too_common("sunshine1")  # no second read of the (now missing) file


def _sample(count, seed):
    long_enough = sorted(e for e in breached_passwords() if len(e) >= MIN_LENGTH)
    return random.Random(seed).sample(long_enough, count)


@pytest.mark.parametrize("password", [*_sample(200, 2026), "Sunshine1", "DRAGON2026!",
                                      "trustno1", "  letmein1  ", "Baseball!!"])
def test_breached_passwords_are_refused_case_and_decoration_aside(password):
    assert is_too_common(password)


@pytest.mark.parametrize("password", [PASSWORD, "ny-fin-fras-2026", "korvkiosken-vid-torget",
                                      "x7#kq9!2", "Gul bil på Storgatan 5"])
def test_ordinary_passphrases_pass(password):
    assert not is_too_common(password)


def test_a_breached_password_is_refused_on_the_form(login_as, db):
    member = make_member(db)
    client = login_as(member)
    response = client.post("/konto/losenord", data={
        "current": PASSWORD, "password": "football1", "repeat": "football1"})
    assert "för vanligt" in response.get_data(as_text=True)
    assert db.table("members").get(member["id"])["password_hash"] == member["password_hash"]
