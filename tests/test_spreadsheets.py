"""Spreadsheets in and out (issue 15): templates from the ontology in three languages, filled
workbooks uploaded and read back through the views and /sparql, problems named by sheet, row and
column through the API and the command line, and the round trip of every demo community.

``python -m tests.test_spreadsheets`` writes docs/examples/harbourside.xlsx, the example the
guide (docs/spreadsheets.md) shows; a test checks that the committed file still matches.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from lcc_graph import tabular
from lcc_graph.tabular.mapping import load_mapping
from lcc_graph.tabular.reading import read_sheets, read_xlsx
from lcc_graph.tabular.convert import convert

ADMIN = {"Authorization": "Bearer admin-secret"}
LCC = "https://w3id.org/lcc#"
BASE = "https://w3id.org/lcc/communities/harbourside/"
EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "harbourside.xlsx"

# What a coordinator types into the English template, the way people do: an empty row between
# partners, trailing spaces, numbers typed as text ("12 345", "1,200.5"), dates as date cells,
# lists separated by ';' with odd spacing, names instead of ids.
HARBOURSIDE: dict[str, list[dict | None]] = {
    "Community": [{"Name (English)": "Harbourside", "Population": "12 345", "Stage": "Early stage"}],
    "Partners": [
        {"Name (English)": "Harbour School ", "Sector": "Public sector", "Fields": "Education",
         "Levels": "Neighbourhood"},
        {"Id": "bank", "Name (English)": "Harbour Savings Bank", "Name (Hebrew)": "בנק החיסכון של הנמל",
         "Sector": "Private sector", "Fields": "Finance;Business", "Levels": "Municipal"},
        None,
        {"Name (English)": "Harbour Rowing Club", "Sector": "social", "Fields": "Sport", "Levels": "Neighbourhood"},
    ],
    "Citizen groups": [
        {"Name (English)": "Newcomer families", "Size (people)": "120", "Inclusion needs": "Language",
         "Engagement": "Engaged"},
    ],
    "Partnerships": [
        {"Name (English)": "Reading Alliance", "Members": "Harbour School ;  bank; Harbour Rowing Club",
         "Citizen groups linked": "Newcomer families",
         "Agenda": "Monthly open meetings in the school library; minutes on the notice board.",
         "Start date": dt.date(2025, 9, 1)},
    ],
    "Resources": [
        {"Name (English)": "School library hours", "Kind": "Space", "Availability": "Available",
         "Amount": "1,200.5", "Unit": "Square metres", "Provided by": "Harbour School"},
    ],
    "Needs": [
        {"Name (English)": "Reading support in the home language", "Expressed by": "Newcomer families",
         "Identified by": "Reading Alliance", "Discussed with": "Newcomer families", "Emerging": "yes"},
    ],
    "Initiatives": [
        {"Name (English)": "Evening reading circle", "Led by": "Reading Alliance", "Target groups": "Newcomer families",
         "Co-designed with": "Newcomer families", "Needs addressed": "Reading support in the home language",
         "Learning modes": "Non-formal learning", "Purposes": "Learning; Inclusion", "Levels": "Citizens; Neighbourhood",
         "Depth": "Recurring", "Participants (number)": 35, "Resources used": "School library hours",
         "Status": "Active", "Start date": dt.datetime(2025, 10, 6), "Public channel (web address)":
         "https://harbourside.example.org/reading-circle"},
    ],
}


def fill(template: bytes, sheets: dict[str, list[dict | None]]) -> bytes:
    """The template with the rows typed into it (None: a row left empty), as a spreadsheet program saves it."""
    book = openpyxl.load_workbook(io.BytesIO(template))
    for title, rows in sheets.items():
        ws = book[title]
        header = {cell.value: cell.column for cell in ws[1] if cell.value}
        for r, row in enumerate(rows, start=2):
            for name, value in (row or {}).items():
                ws.cell(row=r, column=header[name], value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def by_names(template: bytes, lang: str, rows: dict[str, list[dict]]) -> bytes:
    """The template with rows given by table and column names (the headers are in ``lang``)."""
    mapping = load_mapping()
    sheets = {}
    for table_name, items in rows.items():
        table = mapping.table(table_name)
        sheets[table.title(lang)] = [{table.column(k).title(lang): v for k, v in item.items()} for item in items]
    return fill(template, sheets)


def example_workbook() -> bytes:
    return fill(tabular.template_bytes("en", "xlsx"), HARBOURSIDE)


def sparql(client, query: str) -> list[dict]:
    r = client.get("/sparql", params={"query": "PREFIX lcc: <https://w3id.org/lcc#> "
                                               "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
                                               "PREFIX org: <http://www.w3.org/ns/org#> " + query},
                   headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    return [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]


@pytest.fixture
def harbourside(client):
    client.post("/communities", json={"id": "harbourside", "label": "Harbourside"}, headers=ADMIN)
    token = client.post("/communities/harbourside/tokens", headers=ADMIN).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def located(report: dict) -> list[dict]:
    """Every violation of a JSON report: its shape's local name, message and location."""
    out = []
    for group in report["criteria"]:
        for shape in group["shapes"]:
            for r in shape["results"]:
                if r["severity"] == "Violation":
                    out.append({"shape": shape["shape"].rsplit("/", 1)[-1].rsplit("#", 1)[-1], "message": r["message"],
                                **(r["location"] or {})})
    return sorted(out, key=lambda v: (v["sheet"], v["row"]))


# ---- templates


@pytest.mark.parametrize("lang", ["en", "he", "ar"])
def test_the_templates_in_each_language(client, lang):
    mapping = load_mapping()
    r = client.get("/templates", params={"lang": lang})
    assert r.status_code == 200
    assert r.headers["content-type"] == tabular.XLSX
    assert f"lcc-template-{lang}.xlsx" in r.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    wanted = [mapping.word("instructions", lang), *(t.title(lang) for t in mapping.tables), mapping.word("lists", lang)]
    assert book.sheetnames == wanted
    partners = book[mapping.table("partners").title(lang)]
    header = [c.value for c in partners[1]]
    table = mapping.table("partners")
    assert header == [c.title(lang) for c in table.ordered(lang)]
    assert header[1] == table.column(f"name_{lang}").title(lang)  # the name in the workbook's language first
    assert partners.sheet_view.rightToLeft is (lang != "en")
    sector = header.index(table.column("sector").title(lang)) + 1
    letter = openpyxl.utils.get_column_letter(sector)
    checks = [dv for dv in partners.data_validations.dataValidation if f"{letter}2" in dv.sqref]
    assert checks and checks[0].type == "list" and mapping.word("lists", lang) in checks[0].formula1
    assert partners[f"{letter}1"].comment is not None  # every column described where it is named
    lists = book[mapping.word("lists", lang)]
    labels = {c.value for row in lists.iter_rows() for c in row if c.value}
    sectors = {"en": "Public sector", "he": "המגזר הציבורי", "ar": "القطاع العام"}[lang]
    assert sectors in labels and "public" in labels
    guide = [c.value for row in book[mapping.word("instructions", lang)].iter_rows() for c in row if c.value]
    assert any(table.column("sector").descriptions[lang] == v for v in guide)

    r = client.get("/templates", params={"lang": lang, "format": "zip"})
    assert r.status_code == 200 and r.headers["content-type"] == tabular.ZIP
    archive = zipfile.ZipFile(io.BytesIO(r.content))
    names = set(archive.namelist())
    assert {f"{t.name}.csv" for t in mapping.tables} | {"csv-metadata.json", "README.txt"} == names
    first = archive.read("partners.csv").decode("utf-8-sig").splitlines()[0]
    assert first.split(",") == [c.title(lang) for c in table.ordered(lang)]
    assert json.loads(archive.read("csv-metadata.json"))["@context"][0] == "http://www.w3.org/ns/csvw"


def test_template_negotiation_and_errors(client):
    assert client.get("/templates", headers={"Accept-Language": "he"}).headers["content-language"] == "he"
    assert client.get("/templates", headers={"Accept": tabular.ZIP}).headers["content-type"] == tabular.ZIP
    r = client.get("/templates", headers={"Accept": "application/json"})
    assert r.status_code == 406 and r.json()["error"] == "not_acceptable"
    assert client.get("/templates", params={"format": "ods"}).status_code == 400
    assert client.get("/templates", params={"lang": "fr"}).status_code == 400
    page = client.get("/upload", params={"lang": "ar"}).text
    assert 'href="/templates?format=xlsx&amp;lang=ar"' in page and 'href="/templates?format=zip&amp;lang=ar"' in page


def test_lcc_template_writes_the_file(tmp_path):
    target = tmp_path / "t.xlsx"
    r = subprocess.run([sys.executable, "-m", "lcc_graph.cli", "template", "--lang", "he", "-o", str(target)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert openpyxl.load_workbook(target).sheetnames[2] == "שותפים"
    r = subprocess.run([sys.executable, "-m", "lcc_graph.cli", "template", "--format", "ods"], capture_output=True,
                       text=True, timeout=120, cwd=tmp_path)
    assert r.returncode == 2 and "xlsx or zip" in r.stderr


# ---- a filled workbook, read back


def test_a_filled_workbook_is_stored_and_read_back(client, harbourside):
    r = client.put("/communities/harbourside/data", content=example_workbook(),
                   headers={**harbourside, "Content-Type": tabular.XLSX})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["report"]["conforms"] and body["version"]["version"] == 1

    profile = client.get("/communities/harbourside").json()
    assert profile["label"] == "Harbourside" and profile["population"] == 12345
    names = sorted(p["label"] for p in profile["partners"]["items"])
    assert names == ["Harbour Rowing Club", "Harbour Savings Bank", "Harbour School"]  # the trailing space trimmed

    members = sparql(client, f"""SELECT ?name WHERE {{ ?p a lcc:Partnership ; rdfs:label "Reading Alliance"@en ;
        lcc:community <{BASE[:-1]}> ;
        org:hasMember ?m . ?m rdfs:label ?name FILTER(LANG(?name) = "en") }} ORDER BY ?name""")
    assert [m["name"] for m in members] == names  # by name, and by id ("bank")
    rows = sparql(client, f"""SELECT ?p ?he WHERE {{ ?p a lcc:Partner ; lcc:community <{BASE[:-1]}> ;
        rdfs:label ?he FILTER(LANG(?he) = "he") }}""")
    assert rows == [{"p": BASE + "partners/bank", "he": "בנק החיסכון של הנמל"}]
    rows = sparql(client, f"""SELECT ?amount ?unit ?provider WHERE {{ ?r a lcc:Resource ; lcc:amount ?amount ;
        lcc:unit ?unit ; lcc:providedBy ?provider ; lcc:community <{BASE[:-1]}> }}""")
    assert rows == [{"amount": "1200.5", "unit": "https://w3id.org/lcc/units/m2",
                     "provider": BASE + "partners/harbour-school"}]  # an id made from the name
    rows = sparql(client, f"""SELECT ?start ?n ?channel (DATATYPE(?start) AS ?dt) WHERE {{ ?i a lcc:Initiative ;
        lcc:startDate ?start ; lcc:participants ?n ; lcc:publicChannel ?channel ;
        lcc:community <https://w3id.org/lcc/communities/harbourside> }}""")
    assert rows == [{"start": "2025-10-06", "n": "35", "channel": "https://harbourside.example.org/reading-circle",
                     "dt": "http://www.w3.org/2001/XMLSchema#date"}]
    purposes = sparql(client, """SELECT ?x WHERE { ?i a lcc:Initiative ; lcc:purpose ?x ;
        lcc:community <https://w3id.org/lcc/communities/harbourside> } ORDER BY ?x""")
    assert [p["x"] for p in purposes] == ["https://w3id.org/lcc/purposes/inclusion", "https://w3id.org/lcc/purposes/learning"]
    network = client.get("/communities/harbourside/network").json()
    assert network["data"]["nodeCount"] == 3 and network["data"]["edgeCount"] == 3  # three members: three ties

    # The community's data in the templates, uploaded again, is the same version.
    export = client.get("/communities/harbourside/data", params={"format": "xlsx"})
    assert export.status_code == 200 and export.headers["x-lcc-not-exported"] == "0"
    r = client.put("/communities/harbourside/data", content=export.content,
                   headers={**harbourside, "Content-Type": tabular.XLSX})
    assert r.status_code == 200 and r.json()["unchanged"] is True and r.json()["version"]["version"] == 1


def test_a_zip_of_csv_files_is_read_like_the_workbook(client, harbourside):
    r = client.put("/communities/harbourside/data", content=example_workbook(),
                   headers={**harbourside, "Content-Type": tabular.XLSX})
    assert r.status_code == 200
    export = client.get("/communities/harbourside/data", params={"format": "zip", "lang": "ar"})
    assert export.status_code == 200 and export.headers["content-type"] == tabular.ZIP
    r = client.put("/communities/harbourside/data", content=export.content,
                   headers={**harbourside, "Content-Type": "application/x-zip-compressed"})
    assert r.status_code == 200 and r.json()["unchanged"] is True


def test_an_arabic_workbook_as_people_type_it(client):
    """Arabic headers and list labels, Arabic-Indic digits with Arabic separators, a date typed as text."""
    client.post("/communities", json={"id": "wadi", "label": "Wadi"}, headers=ADMIN)
    body = by_names(tabular.template_bytes("ar", "xlsx"), "ar", {
        "community": [{"name_ar": "الوادي", "population": "١٢٬٣٤٥", "stage": "المرحلة المبكرة"}],
        "partners": [{"name_ar": "مدرسة الوادي", "sector": "القطاع العام"},
                     {"name_ar": "بنك الوادي", "sector": "القطاع الخاص"}],
        "partnerships": [{"name_ar": "تحالف القراءة", "members": "مدرسة الوادي؛ بنك الوادي", "start_date": "٢٠٢٥-٠٩-٠١"}],
        "resources": [{"name_ar": "قاعة المدرسة", "kind": "الأماكن", "availability": "متاح", "amount": "١٢٠٫٥",
                       "unit": "أمتار مربعة", "provided_by": "مدرسة الوادي"}],
    })
    r = client.put("/communities/wadi/data", content=body, headers={**ADMIN, "Content-Type": tabular.XLSX})
    assert r.status_code == 200, json.dumps(r.json(), ensure_ascii=False)[:3000]
    rows = sparql(client, """SELECT ?pop ?start ?amount WHERE { <https://w3id.org/lcc/communities/wadi> lcc:population ?pop .
        ?p a lcc:Partnership ; lcc:startDate ?start ; lcc:community <https://w3id.org/lcc/communities/wadi> .
        ?r a lcc:Resource ; lcc:amount ?amount ; lcc:community <https://w3id.org/lcc/communities/wadi> }""")
    assert rows == [{"pop": "12345", "start": "2025-09-01", "amount": "120.5"}]


# ---- problems by sheet, row and column


def broken_workbook() -> bytes:
    sheets = json.loads(json.dumps(HARBOURSIDE, default=str))
    sheets["Partnerships"][0]["Start date"] = dt.date(2025, 9, 1)
    sheets["Initiatives"][0]["Start date"] = dt.date(2025, 10, 6)
    sheets["Partners"][0]["Sector"] = "Pubic sector"  # row 2
    sheets["Partnerships"][0]["Members"] = "Harbour School; Harbour Ferry Company; bank"  # row 2
    sheets["Partnerships"].append({"Name (English)": "Rowing for all", "Members": "Harbour Rowing Club"})  # row 3
    return fill(tabular.template_bytes("en", "xlsx"), sheets)


EXPECTED = [
    {"sheet": "Partners", "row": 2, "column": "Sector", "cell": "E2", "value": "Pubic sector", "shape": "unknown-value"},
    {"sheet": "Partnerships", "row": 2, "column": "Members", "cell": "E2",
     "value": "Harbour School; Harbour Ferry Company; bank", "shape": "unresolved-reference"},
    {"sheet": "Partnerships", "row": 3, "column": "Members", "cell": "E3", "value": "Harbour Rowing Club",
     "shape": "Partnership-members"},
]


def test_three_problems_with_sheet_row_and_column(client, harbourside):
    before = client.app.state.stores.public.canonical_nquads()
    r = client.put("/communities/harbourside/data", content=broken_workbook(),
                   headers={**harbourside, "Content-Type": tabular.XLSX})
    assert r.status_code == 422
    report = r.json()["report"]
    assert report["counts"]["Violation"] == 3
    found = located(report)
    assert [{k: v[k] for k in ("sheet", "row", "column", "cell", "value", "shape")} for v in found] == EXPECTED
    assert "Harbour Ferry Company" in found[1]["message"] and "names no row of 'Partners'" in found[1]["message"]
    assert "Public sector" in found[0]["message"]  # the allowed values are named
    assert client.app.state.stores.public.canonical_nquads() == before  # nothing stored

    page = client.put("/communities/harbourside/data", content=broken_workbook(),
                      headers={**harbourside, "Content-Type": tabular.XLSX, "Accept": "text/html"})
    assert page.status_code == 422
    for want in EXPECTED:
        assert f'data-sheet="{want["sheet"]}" data-row="{want["row"]}" data-column="{want["column"]}"' in page.text
    assert "Harbour Ferry Company" in page.text

    dry = client.post("/validate", params={"community": "harbourside"}, content=broken_workbook(),
                      headers={"Content-Type": tabular.XLSX})
    assert dry.status_code == 200 and [v["cell"] for v in located(dry.json())] == ["E2", "E2", "E3"]


def test_three_problems_through_the_command_line(tmp_path):
    path = tmp_path / "harbourside.xlsx"
    path.write_bytes(broken_workbook())
    cli = [sys.executable, "-m", "lcc_graph.cli", "validate", str(path), "--community", "harbourside"]
    r = subprocess.run([*cli, "--format", "json"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 1, r.stderr
    found = located(json.loads(r.stdout))
    assert [{k: v[k] for k in ("sheet", "row", "column", "cell", "value", "shape")} for v in found] == EXPECTED
    r = subprocess.run(cli, capture_output=True, text=True, timeout=300)
    assert r.returncode == 1
    assert "sheet 'Partners', row 2, column 'Sector' (E2): 'Pubic sector'" in r.stdout
    assert "sheet 'Partnerships', row 3, column 'Members' (E3): 'Harbour Rowing Club'" in r.stdout
    r = subprocess.run(cli[:-2], capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and "community" in r.stderr  # a spreadsheet's rows need their community

    good = tmp_path / "good.xlsx"
    good.write_bytes(example_workbook())
    data = tmp_path / "data"
    load = [sys.executable, "-m", "lcc_graph.cli", "load", str(good), "--community", "harbourside", "--data-dir", str(data)]
    r = subprocess.run(load, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and "as version 1" in r.stderr, r.stderr
    out = tmp_path / "back.zip"
    r = subprocess.run([sys.executable, "-m", "lcc_graph.cli", "template", "--community", "harbourside", "--format",
                        "zip", "-o", str(out), "--data-dir", str(data)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([*load[:4], str(out), *load[5:]], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and "unchanged" in r.stderr, r.stderr


def test_every_kind_of_cell_problem_is_located():
    """Unknown sheets and columns, a bad number, a bad date, an ambiguous name, a duplicate row and a
    formula without a saved value each name their place."""
    sheets = {
        "Partners": [{"Name (English)": "Twin", "Sector": "Public sector"},
                     {"Name (English)": "Twin", "Sector": "Private sector"}],
        "Citizen groups": [{"Name (English)": "Twin", "Size (people)": "about 40"}],
        "Initiatives": [{"Name (English)": "Fair", "Led by": "Twin", "Start date": "next spring"}],
    }
    book = openpyxl.load_workbook(io.BytesIO(fill(tabular.template_bytes("en", "xlsx"), sheets)))
    book.create_sheet("My notes")["A1"] = "remember the budget"
    book["Partners"]["K1"] = "Phone"
    book["Partners"]["K2"] = "555"
    book["Resources"]["B2"] = "Hall"
    book["Resources"]["F2"] = "=10*12"  # no saved value: openpyxl does not compute it
    out = io.BytesIO()
    book.save(out)
    conv = convert(read_xlsx(out.getvalue()), "town")
    where = sorted((p.kind, p.origin.sheet, p.origin.row, p.origin.cell) for p in conv.problems)
    assert where == [
        ("ambiguous-reference", "Initiatives", 2, "E2"),
        ("bad-value", "Citizen groups", 2, "E2"),
        ("bad-value", "Initiatives", 2, "Q2"),
        ("duplicate-id", "Partners", 3, "B3"),
        ("formula", "Resources", 2, "F2"),
        ("unknown-column", "Partners", 1, "K1"),
        ("unknown-sheet", "My notes", 1, None),
    ]


def test_formulas_are_read_as_their_saved_values():
    data = fill(tabular.template_bytes("en", "xlsx"), {"Citizen groups": [{"Name (English)": "Parents"}]})
    archive = zipfile.ZipFile(io.BytesIO(data))
    sheet = "xl/worksheets/sheet6.xml"  # the sixth sheet: Citizen groups
    xml = archive.read(sheet).replace(b"</row></sheetData>",
                                      b'<c r="E2"><f>40+2</f><v>42</v></c></row></sheetData>', 1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in archive.infolist():
            z.writestr(info, xml if info.filename == sheet else archive.read(info))
    conv = convert(read_xlsx(out.getvalue()), "town")
    assert not conv.problems
    sizes = [t.object.value for t in conv.triples if t.predicate.value == LCC + "size"]
    assert sizes == ["42"]


def test_a_workbook_saved_by_libreoffice_reads_the_same(tmp_path):
    """LibreOffice opens the template, keeps its drop-down lists, computes a formula openpyxl could
    not, and saves the file its own way (shared strings, date styles): it reads as the original."""
    import shutil

    from .conftest import require_program

    soffice = shutil.which("libreoffice") or require_program("soffice")  # .ci/run installs libreoffice-calc-nogui
    book = openpyxl.load_workbook(io.BytesIO(example_workbook()))
    book["Resources"]["G2"] = "=1200+0.5"  # the amount, as a formula without a saved value
    source = tmp_path / "harbourside.xlsx"
    book.save(source)
    assert [p.kind for p in convert(read_xlsx(source.read_bytes()), "harbourside").problems] == ["formula"]
    out = tmp_path / "out"
    r = subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
                        "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(source)],
                       capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stderr
    saved = (out / "harbourside.xlsx").read_bytes()
    ws = openpyxl.load_workbook(io.BytesIO(saved))["Partners"]
    assert any(dv.type == "list" and "E2" in dv.sqref for dv in ws.data_validations.dataValidation)
    again = convert(read_xlsx(saved), "harbourside")
    assert not again.problems, [p.message for p in again.problems]
    first = convert(read_xlsx(example_workbook()), "harbourside")
    assert set(again.triples) == set(first.triples)


# ---- the round trip


def test_round_trip_of_every_demo_community(client):
    """Export each demo community (xlsx, and zip in Hebrew), upload the file: no new version."""
    communities = client.get("/communities").json()["communities"]
    assert len(communities) == 12
    for c in communities:
        versions = client.get(f"/communities/{c['id']}/history", headers=ADMIN).json()["versions"]
        for fmt, lang, media in (("xlsx", "en", tabular.XLSX), ("zip", "he", tabular.ZIP)):
            r = client.get(f"/communities/{c['id']}/data", params={"format": fmt, "lang": lang})
            assert r.status_code == 200 and r.headers["x-lcc-not-exported"] == "0", c["id"]
            again = client.put(f"/communities/{c['id']}/data", content=r.content,
                               headers={**ADMIN, "Content-Type": media})
            assert again.status_code == 200, (c["id"], fmt, again.text[:2000])
            body = again.json()
            assert body["unchanged"] is True, (c["id"], fmt)
            assert body["version"] == versions[-1], (c["id"], fmt)
        after = client.get(f"/communities/{c['id']}/history", headers=ADMIN).json()["versions"]
        assert after == versions


def test_export_etag_and_missing_data(client):
    r = client.get("/communities/stanerwick/data")
    assert r.status_code == 200 and r.headers["content-type"] == tabular.XLSX
    again = client.get("/communities/stanerwick/data", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304
    assert client.get("/communities/no-such-town/data").status_code == 404
    client.post("/communities", json={"id": "empty-town", "label": "Empty"}, headers=ADMIN)
    assert client.get("/communities/empty-town/data").status_code == 404


def test_export_keeps_what_no_column_takes():
    """A language-tagged agenda, a second sector, another property and a blank node go to the
    Other statements sheet and come back exactly (the same canonical checksum)."""
    import pyoxigraph as ox

    from lcc_graph.history import checksum

    text = """@prefix lcc: <https://w3id.org/lcc#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    @prefix org: <http://www.w3.org/ns/org#> .
    <../town> a lcc:Community ; rdfs:label "Town"@en , "Ville"@fr .
    <partners/a> a lcc:Partner ; lcc:community <../town> ; rdfs:label "A"@en , "Another A"@en ;
        lcc:sector <https://w3id.org/lcc/sectors/public> , <https://w3id.org/lcc/sectors/social> ;
        rdfs:comment "  spaces kept  " ; lcc:agenda "Open books"@en ; org:hasMember [ rdfs:label "blank" ] .
    <partners/b;c> a lcc:Partner ; lcc:community <../town> ; rdfs:label "B; C"@en ;
        lcc:sector <https://w3id.org/lcc/sectors/private> .
    <partnerships/x> a lcc:Partnership ; lcc:community <../town> ; org:hasMember <partners/a> , <partners/b;c> ;
        lcc:startDate "2020-02-30"^^<http://www.w3.org/2001/XMLSchema#date> .
    """
    triples = [q.triple for q in ox.parse(text.encode(), format=ox.RdfFormat.TURTLE,
                                          base_iri="https://w3id.org/lcc/communities/town/")]
    for fmt in ("xlsx", "zip"):
        data, missing = tabular.export_bytes(triples, "town", "en", fmt)
        assert missing == 0
        conv = convert(read_sheets(data, tabular.FORMATS[fmt]), "town")
        assert not conv.problems, [p.message for p in conv.problems]
        assert checksum(conv.triples) == checksum(triples), fmt


# ---- the example in the docs


def test_the_documented_example_is_current():
    committed = openpyxl.load_workbook(EXAMPLE)
    made = openpyxl.load_workbook(io.BytesIO(example_workbook()))
    assert committed.sheetnames == made.sheetnames
    for name in made.sheetnames:
        assert [[c.value for c in row] for row in committed[name].iter_rows()] == \
               [[c.value for c in row] for row in made[name].iter_rows()], name
    conv = convert(read_xlsx(EXAMPLE.read_bytes()), "harbourside")
    assert not conv.problems and len(conv.triples) > 50


if __name__ == "__main__":
    EXAMPLE.write_bytes(example_workbook())
    print(f"wrote {EXAMPLE}")
