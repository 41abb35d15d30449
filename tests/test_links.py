import io
import re

import zxingcpp
from PIL import Image

from tests.factories import make_campaign, make_link, make_member, person, personal_link


def test_every_new_account_has_a_personal_link(db):
    member = make_member(db)
    link = personal_link(db, member)
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{8}", link["code"])


def test_varva_screen_shows_qr_and_short_url(login_as, db, app):
    member = make_member(db)
    link = personal_link(db, member)
    page = login_as(member).get("/varva").get_data(as_text=True)
    assert "<svg" in page
    assert f"127.0.0.1:5000/j/{link['code']}" in page


def test_qr_png_decodes_to_the_absolute_public_link(login_as, db, app):
    app.config["PUBLIC_BASE_URL"] = "https://varva.example.se"
    member = make_member(db)
    link = personal_link(db, member)
    response = login_as(member).get(f"/lankar/{link['id']}/qr.png")
    assert response.mimetype == "image/png"
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.get_data())))
    assert decoded[0].text == f"https://varva.example.se/j/{link['code']}"


def test_qr_svg_is_stable_and_cacheable(login_as, db):
    member = make_member(db)
    link = personal_link(db, member)
    client = login_as(member)
    first = client.get(f"/lankar/{link['id']}/qr.svg")
    second = client.get(f"/lankar/{link['id']}/qr.svg")
    assert first.mimetype == "image/svg+xml" and first.get_data() == second.get_data()
    assert "max-age=86400" in first.headers["Cache-Control"]
    again = client.get(f"/lankar/{link['id']}/qr.svg",
                       headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    for response in (first, second, again):
        response.close()


def test_member_makes_extra_link_with_label_and_campaign(login_as, db):
    member = make_member(db)
    campaign = make_campaign(db, name="Valrörelsen 2026")
    client = login_as(member)
    response = client.post("/lankar", data={"label": "Torgmöte Stortorget 12/5",
                                            "campaign_id": campaign["id"]})
    assert response.status_code == 302
    link = next(db.table("links").rows_where("member_id = ? and is_personal = 0", [member["id"]]))
    assert (link["label"], link["campaign_id"]) == ("Torgmöte Stortorget 12/5", campaign["id"])
    page = client.get("/varva").get_data(as_text=True)
    assert "Torgmöte Stortorget 12/5" in page and "Valrörelsen 2026" in page


def test_link_label_is_required_and_limited(login_as, db):
    member = make_member(db)
    client = login_as(member)
    response = client.post("/lankar", data={"label": "x" * 61, "campaign_id": 0},
                           follow_redirects=True)
    assert "Högst 60 tecken." in response.get_data(as_text=True)
    response = client.post("/lankar", data={"label": "", "campaign_id": 0}, follow_redirects=True)
    assert "Ge länken ett namn" in response.get_data(as_text=True)
    assert db.table("links").count_where("is_personal = 0") == 0


def test_link_counts_its_signups(client, login_as, db):
    member = make_member(db)
    link = make_link(db, member, label="Stortorget")
    client.post(f"/j/{link['code']}", data=person())
    client.post(f"/j/{link['code']}", data=person(email="two@example.org"))
    page = login_as(member).get("/varva").get_data(as_text=True)
    assert "2 anmälningar" in page


def test_member_sees_recruits_first_names_only(client, login_as, db):
    member = make_member(db)
    client.post(f"/j/{personal_link(db, member)['code']}",
                data=person(first_name="Vilma", last_name="Hemlig", email="v@example.org"))
    page = login_as(member).get("/varva").get_data(as_text=True)
    assert "Vilma" in page and "Hemlig" not in page and "v@example.org" not in page
    assert re.search(r'data-testid="recruit-count">1<', page)


def test_another_members_link_is_404(login_as, db):
    owner, other = make_member(db), make_member(db)
    link = personal_link(db, owner)
    client = login_as(other)
    for url in (f"/lankar/{link['id']}/qr.png", f"/lankar/{link['id']}/flygblad"):
        response = client.get(url)
        assert response.status_code == 404
        response.close()
    assert client.post(f"/lankar/{link['id']}/stang").status_code == 404
    assert db.table("links").get(link["id"])["revoked_at"] is None


def test_switching_off_the_personal_link_gives_a_new_one(login_as, db):
    member = make_member(db)
    old = personal_link(db, member)
    login_as(member).post(f"/lankar/{old['id']}/stang")
    assert db.table("links").get(old["id"])["revoked_at"] is not None
    active = list(db.table("links").rows_where(
        "member_id = ? and is_personal = 1 and revoked_at is null", [member["id"]]))
    assert len(active) == 1 and active[0]["code"] != old["code"]


def test_flyer_shows_no_name_unless_asked(login_as, db):
    member = make_member(db, first_name="Signe", last_name="Efternamnsson")
    link = personal_link(db, member)
    client = login_as(member)
    plain = client.get(f"/lankar/{link['id']}/flygblad").get_data(as_text=True)
    assert "Signe" not in plain and link["code"] in plain and plain.count("<svg") == 2
    named = client.get(f"/lankar/{link['id']}/flygblad?show_name=y").get_data(as_text=True)
    assert "Hälsningar, Signe" in named and "Efternamnsson" not in named


def test_only_the_chair_sees_contact_details(client, login_as, db):
    chair = make_member(db, role="chair")
    association = db.table("associations").get(chair["association_id"])
    recruiter = make_member(db, association=association)
    client.post(f"/j/{personal_link(db, recruiter)['code']}",
                data=person(email="kontakt@example.org"))
    url = f"/forening/{association['id']}/anmalningar"
    assert "kontakt@example.org" in login_as(chair, role="chair").get(url).get_data(as_text=True)
    assert login_as(recruiter).get(url).status_code == 403
    assert login_as(make_member(db, role="chair"), role="chair").get(url).status_code == 403
    admin = make_member(db, association=None, role="municipal_admin",
                        unit={"id": association["municipality_id"]})
    assert login_as(admin).get(url).status_code == 403
