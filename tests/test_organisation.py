import io

import pytest

from recruiter import organisation
from recruiter.forms import PARTNER_KINDS

GOOD = """level,code,name,parent_code,kind
district,D-SK,Skånes partidistrikt,,
municipality,K-MA,Malmö arbetarekommun,D-SK,
association,A-MA-1,S-föreningen Väster,K-MA,
partner,SSU,SSU,,youth
"""


def load(db, text):
    return organisation.import_csv(db, io.StringIO(text), PARTNER_KINDS)


def test_import_good_file(db):
    assert load(db, GOOD) == 4
    association = next(db.table("associations").rows_where("code = 'A-MA-1'"))
    municipality = db.table("municipalities").get(association["municipality_id"])
    assert municipality["name"] == "Malmö arbetarekommun"
    assert db.table("districts").get(municipality["district_id"])["code"] == "D-SK"
    assert next(db.table("partner_organisations").rows_where())["kind"] == "youth"


def test_import_twice_renames_instead_of_duplicating(db):
    load(db, GOOD)
    load(db, GOOD.replace("S-föreningen Väster", "S-föreningen Västra"))
    assert db.table("associations").count == 1
    assert next(db.table("associations").rows_where())["name"] == "S-föreningen Västra"


@pytest.mark.parametrize("bad_line,line_no,message", [
    ("association,A-X,Förening X,K-NONE,", 6, "K-NONE"),
    ("county,C-1,Län,,", 6, "okänd nivå"),
    ("district,,Utan kod,,", 6, "kod"),
    ("partner,P1,Partner,,martian", 6, "okänt slag"),
])
def test_bad_row_is_named_and_nothing_is_imported(db, bad_line, line_no, message):
    with pytest.raises(organisation.CsvError) as error:
        load(db, GOOD + bad_line + "\n")
    assert error.value.errors[0].startswith(f"rad {line_no}:")
    assert message in error.value.errors[0]
    for table in ("districts", "municipalities", "associations", "partner_organisations"):
        assert db.table(table).count == 0


def test_every_bad_row_is_reported(db):
    text = GOOD + "county,C-1,Län,,\nassociation,A-Y,Y,K-NONE,\n"
    with pytest.raises(organisation.CsvError) as error:
        load(db, text)
    assert [e.split(":")[0] for e in error.value.errors] == ["rad 6", "rad 7"]


def test_wrong_header_is_refused(db):
    with pytest.raises(organisation.CsvError) as error:
        load(db, "typ,namn\ndistrict,X\n")
    assert "rad 1" in error.value.errors[0]
