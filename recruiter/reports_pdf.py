"""The two-month report as PDF, drawn with fpdf2 from the report's own data.

fpdf2's core fonts (Helvetica) hold only Latin-1: Swedish letters are there,
but the en dash, ≥ and a few others are not, so they are mapped to plain
equivalents (LATIN1_MAP) and anything else unknown becomes "?". That keeps
the install free of font files; a closed report gives the same bytes every
time (its creation date is the moment it was closed).
"""
from datetime import datetime, timezone

from fpdf import FPDF

LATIN1_MAP = str.maketrans({"–": "-", "—": "-", "−": "-", "≥": ">=", "≤": "<=", "→": "->",
                            "←": "<-", "…": "...", "‘": "'", "’": "'", "“": '"', "”": '"',
                            "\u2009": " ", "\u202f": " ", "\u200b": ""})


def latin1(text):
    """Text the core fonts can draw."""
    return str(text).translate(LATIN1_MAP).encode("latin-1", "replace").decode("latin-1")


def _heading(pdf, text, size=13):
    pdf.set_font("Helvetica", "B", size)
    pdf.multi_cell(0, 8, latin1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)


def _table(pdf, header, rows, widths=None):
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=6) as table:
        for cells in [header, *rows]:
            row = table.row()
            for cell in cells:
                row.cell(latin1(cell))
    pdf.ln(3)


def render(body, moment=None):
    """The PDF's bytes for a report body (reports_data.build, or a snapshot)."""
    pdf = FPDF(format="A4")
    pdf.set_creation_date(moment or datetime.now(timezone.utc))
    pdf.set_title(latin1(f"Tvåmånadersrapport {body['period']['label']}"))
    pdf.add_page()
    _heading(pdf, f"Tvåmånadersrapport: {body['unit']['name']}, {body['period']['label']}", 15)
    if body.get("closed_at"):
        pdf.multi_cell(0, 6, latin1(f"Stängd och fryst {body['closed_at'][:10]}."),
                       new_x="LMARGIN", new_y="NEXT")
    _heading(pdf, "Indikatorer")
    _table(pdf, ["Nr", "Indikator", body["period"]["label"], body["period"]["previous"], "Mål",
                 "Källa"],
           [[r["ref"], r["name"], r["value"], r["previous"], r["goal"], r["source"]]
            for r in body["indicators"]], widths=(8, 50, 22, 22, 28, 40))
    if body["reasons"]:
        _heading(pdf, "Skäl till utträden")
        _table(pdf, ["Skäl", "Antal"], [[r["name"], r["value"]] for r in body["reasons"]])
    _heading(pdf, "Från anmälan till betalande")
    _table(pdf, ["Steg", "Antal", "Andel av steget före", "Dagar (median)"],
           [[f["step"], f["count"], f["share"], f["median"]] for f in body["funnel"]])
    _heading(pdf, "Anmälningar de senaste sex perioderna")
    _table(pdf, ["Period", "Anmälningar", "Värvade"],
           [[t["label"], t["signups"], t["recruited"]] for t in body["trend"]])
    if body["welcome"]:
        w = body["welcome"]
        _heading(pdf, "Välkomnade i tid")
        pdf.multi_cell(0, 6, latin1(f"{w['in_time']} av {w['due']} ({w['share']}), per {w['as_of']}."),
                       new_x="LMARGIN", new_y="NEXT")
    for s in body["satisfaction"]:
        _heading(pdf, f"Enkät (indikator {s['ref']}), {s['label']}: {s['answers']} svar")
        _table(pdf, ["Fråga", "Medel (1-5)"], [[m["name"], m["value"]] for m in s["means"]])
    for section in body["extra"]:
        _heading(pdf, section["title"])
        _table(pdf, section["columns"], section["rows"])
    _heading(pdf, "Analys och slutsatser")
    pdf.multi_cell(0, 6, latin1(body.get("analysis") or "(ingen text ännu)"),
                   new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
