"""Spreadsheets in a real browser (issue 15): download the template from the upload page, fill it
in, upload it; a Hebrew workbook with mistakes gets a report page that names sheet, row and column.
Headless Chromium against a live uvicorn, with test_browser's fixtures (no request leaves the service).
"""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from lcc_graph import tabular
from lcc_graph.tabular.mapping import load_mapping

from .test_browser import LCC, browser, community_token, page, server, shot, sparql_count  # noqa: F401  (fixtures)
from .test_spreadsheets import HARBOURSIDE, by_names, fill

pytestmark = pytest.mark.slow


def download_template(pg, base: str, lang: str, link: str) -> bytes:
    pg.goto(f"{base}/upload?lang={lang}")
    with pg.expect_download() as info:
        pg.locator(link).click()
    download = info.value
    assert download.suggested_filename == f"lcc-template-{lang}.xlsx"
    with open(download.path(), "rb") as fh:
        return fh.read()


def submit(pg, base: str, lang: str, cid: str, token: str, body: bytes, name: str) -> None:
    """Fill in the upload form (in the page's own language) and send the workbook."""
    pg.goto(f"{base}/upload?lang={lang}")
    pg.locator("#community").fill(cid)
    pg.locator("#token").fill(token)
    pg.locator("#file").set_input_files(files=[{"name": name, "mimeType": tabular.XLSX, "buffer": body}])
    with pg.expect_navigation() as navigation:
        pg.locator("#upload-form button[type=submit]").click()
    assert navigation.value.status in (200, 422), pg.locator("main").inner_text()


def test_download_the_template_fill_it_in_and_upload_it(page, server):
    pg = page
    template = download_template(pg, server, "en", "#template-xlsx")
    assert openpyxl.load_workbook(io.BytesIO(template)).sheetnames[2] == "Partners"
    shot(pg, "upload-with-templates")
    token = community_token(server, "harbourside", "Harbourside")
    submit(pg, server, "en", "harbourside", token, fill(template, HARBOURSIDE), "harbourside.xlsx")
    verdict = pg.locator("#verdict")
    assert verdict.get_attribute("data-verdict") == "accepted", pg.locator("main").inner_text()[:2000]
    assert int(pg.locator("#severity-counts li[data-severity=Violation] strong").inner_text()) == 0
    assert pg.locator("#where-in-file tbody tr").count() >= 1  # the findings, at their rows
    shot(pg, "spreadsheet-accepted")
    partners = sparql_count(server, f"""PREFIX lcc: <https://w3id.org/lcc#>
        SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p a lcc:Partner ; lcc:community <{LCC}communities/harbourside> }}""")
    assert partners == 3
    pg.get_by_role("link", name="Go to the community").click()
    pg.wait_for_url("**/communities/harbourside?lang=en")
    assert pg.locator("h1").inner_text() == "Harbourside"
    assert pg.locator("svg.network-svg circle.node").count() == 3


def test_a_hebrew_workbook_with_mistakes_gets_a_located_report(page, server):
    pg = page
    template = download_template(pg, server, "he", "#template-xlsx")
    mapping = load_mapping()
    book = openpyxl.load_workbook(io.BytesIO(template))
    assert book.sheetnames[2] == mapping.table("partners").title("he") == "שותפים"
    public, private = "המגזר הציבורי", "המגזר הפרטי"
    body = by_names(template, "he", {
        "community": [{"name_he": "נווה ים", "population": "8 200"}],
        "partners": [{"name_he": "בית הספר נווה ים ", "sector": public, "fields": "חינוך"},
                     {"name_he": "בנק הנמל", "sector": "מגזר פרטי"},  # not the list's wording
                     {"name_he": "מועדון השחייה", "sector": private}],
        "partnerships": [{"name_he": "ברית הקריאה", "members": "בית הספר נווה ים; מועדון החתירה",  # no such club
                          "start_date": dt.date(2025, 9, 1)}],
    })
    token = community_token(server, "neve-yam", "Neve Yam")
    submit(pg, server, "he", "neve-yam", token, body, "neve-yam.xlsx")
    assert pg.locator("html").get_attribute("dir") == "rtl"
    verdict = pg.locator("#verdict")
    assert verdict.get_attribute("data-verdict") == "rejected"
    rows = pg.locator("#where-in-file tbody tr[data-severity=Violation]")
    assert rows.count() == 2, pg.locator("#where-in-file").inner_text()
    first, second = rows.nth(0), rows.nth(1)
    assert (first.get_attribute("data-sheet"), first.get_attribute("data-row"), first.get_attribute("data-column")) == \
        ("שותפים", "3", "מגזר")
    assert "מגזר פרטי" in first.inner_text()
    assert (second.get_attribute("data-sheet"), second.get_attribute("data-row"), second.get_attribute("data-column")) == \
        ("שותפויות", "2", "חברים")
    assert "מועדון החתירה" in second.inner_text()
    shot(pg, "spreadsheet-rejected-he")
