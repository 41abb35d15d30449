"""WTForms' own messages in the visitor's language, from a catalogue read once."""
from pathlib import Path

from babel import support
from babel.messages.pofile import read_po

TOO_LONG = {"birth_year": "123456789012", "first_name": "A"}


def test_wtforms_messages_follow_the_language(client):
    swedish = client.post("/bli-medlem", data=TOO_LONG).get_data(as_text=True)
    assert "Fältet får inte vara längre än 10 tecken." in swedish
    client.set_cookie("lang", "en")
    english = client.post("/bli-medlem", data=TOO_LONG).get_data(as_text=True)
    assert "Field cannot be longer than 10 characters." in english
    assert "Fältet får inte" not in english


def test_the_wtforms_catalogue_is_read_once_per_language(client, monkeypatch):
    loads = []
    original = support.Translations.load

    def counting(*args, **kwargs):
        loads.append(kwargs.get("domain"))
        return original(*args, **kwargs)

    monkeypatch.setattr(support.Translations, "load", counting)
    for _ in range(3):
        assert client.get("/bli-medlem").status_code == 200
        client.post("/bli-medlem", data=TOO_LONG)
    assert loads.count("wtforms") == 1
    client.set_cookie("lang", "en")
    client.post("/bli-medlem", data=TOO_LONG)
    assert loads.count("wtforms") == 2


def test_english_catalogue_is_complete():


    path = Path(__file__).parent.parent / "recruiter/translations/en/LC_MESSAGES/messages.po"
    with path.open("rb") as f:
        catalogue = read_po(f)
    missing = [m.id for m in catalogue if m.id and (
        "fuzzy" in m.flags or not all(m.string if isinstance(m.string, tuple) else [m.string]))]
    assert missing == []
