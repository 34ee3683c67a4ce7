"""Hostile spreadsheets (issue 15): each refused with a clear 400 or 413 by a live server that goes
on answering /health meanwhile and stores nothing; and the library's bounds one by one (a zip whose
sizes lie, entity declarations refused by defusedxml itself, defusedxml in the sandbox's workers).
"""

from __future__ import annotations

import io
import struct
import zipfile

import httpx
import pytest

from lcc_graph import tabular
from lcc_graph.errors import ParseError, PayloadTooLarge, UnsafeInput
from lcc_graph.sandbox import Sandbox
from lcc_graph.tabular.reading import MAX_MEMBERS, MAX_UNCOMPRESSED, read_sheets, read_xlsx

from .test_never_stall import ADMIN, alive, digest, server  # noqa: F401  (server: a fixture)

PARTNERS_SHEET = "xl/worksheets/sheet3.xml"
LAUGHS = (b'<!DOCTYPE worksheet [<!ENTITY lol "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
          + b"]>")


def template_part(member: str) -> bytes:
    return zipfile.ZipFile(io.BytesIO(tabular.template_bytes("en", "xlsx"))).read(member)


def entity_bomb(encoding: str = "utf-8") -> bytes:
    """The Partners sheet declaring a billion laughs (10^9 'lol's) and using them in a cell."""
    xml = template_part(PARTNERS_SHEET).decode()
    if xml.startswith("<?xml"):
        xml = xml.partition("?>")[2]
    xml = xml.replace("</row></sheetData>", '</row><row r="99"><c r="B99" t="inlineStr"><is><t>&lol9;</t></is></c>'
                      "</row></sheetData>", 1)
    bomb = f'<?xml version="1.0" encoding="{encoding.upper()}"?>' + LAUGHS.decode() + xml
    if encoding == "utf-16":
        return replaced(PARTNERS_SHEET, b"\xff\xfe" + bomb.encode("utf-16-le"))
    return replaced(PARTNERS_SHEET, bomb.encode())


def replaced(member: str, content: bytes) -> bytes:
    """The English template with one part replaced."""
    source = zipfile.ZipFile(io.BytesIO(tabular.template_bytes("en", "xlsx")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            z.writestr(info.filename, content if info.filename == member else source.read(info))
        if member not in source.namelist():
            z.writestr(member, content)
    return out.getvalue()


def zip_bomb() -> bytes:
    """A workbook part that unpacks to 256 MB of zeros (about 250 KB packed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(256):
                fh.write(chunk)
    return out.getvalue()


def million_rows() -> bytes:
    """The Partners sheet with a million filled rows (rows without numbers, as the format allows)."""
    rows = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 1_000_000
    sheet = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             b'spreadsheetml/2006/main"><sheetData>' + rows + b"</sheetData></worksheet>")
    return replaced(PARTNERS_SHEET, sheet)


def many_members(n: int = 10_000) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for i in range(n):
            z.writestr(f"f{i}.csv", b"a")
    return out.getvalue()


HOSTILE = [
    ("zip bomb", zip_bomb, tabular.XLSX, 413, "payload_too_large"),
    ("XML entity bomb", entity_bomb, tabular.XLSX, 400, "unsafe_input"),
    ("a million rows", million_rows, tabular.XLSX, 413, "payload_too_large"),
    ("10,000 files in a zip", many_members, tabular.ZIP, 413, "payload_too_large"),
    ("not a zip, sent as xlsx", lambda: b"name,sector\nHarbour School,public\n", tabular.XLSX, 400, "parse_error"),
    ("an empty file", lambda: b"", tabular.XLSX, 400, "parse_error"),
    ("an empty zip", lambda: many_members(0), tabular.ZIP, 400, "parse_error"),
    ("the empty template", lambda: tabular.template_bytes("en", "xlsx"), tabular.XLSX, 400, "parse_error"),
]


@pytest.mark.parametrize("case, make, media, status, code", HOSTILE, ids=[c[0] for c in HOSTILE])
def test_hostile_spreadsheets_are_refused_and_the_server_answers(server, case, make, media, status, code):  # noqa: F811
    base, proc, poller = server
    community = httpx.get(f"{base}/communities", timeout=30).json()["communities"][0]["id"]
    body = make()
    assert len(body) < 5 * 1024 * 1024, f"{case}: {len(body)} bytes is over the body limit"
    before = digest(base)
    with poller.watch(case):
        r = httpx.put(f"{base}/communities/{community}/data", content=body,
                      headers={**ADMIN, "Content-Type": media}, timeout=120)
    assert r.status_code == status, (case, r.text[:500])
    assert r.json()["error"] == code, (case, r.json())
    assert r.json()["message"]
    alive(proc)
    assert digest(base) == before
    assert httpx.get(f"{base}/health", timeout=5).status_code == 200


# ---- the library's bounds, one by one


def test_the_bounds_are_checked_before_anything_is_unpacked():
    with pytest.raises(PayloadTooLarge, match="unpacks to"):
        read_sheets(zip_bomb(), tabular.XLSX)
    with pytest.raises(PayloadTooLarge, match=f"limit is {MAX_MEMBERS}"):
        read_sheets(many_members(MAX_MEMBERS + 1), tabular.ZIP)
    with pytest.raises(PayloadTooLarge, match="rows"):
        read_sheets(million_rows(), tabular.XLSX)
    formulas = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main"><sheetData>' + b"<row><c><f>1+1</f></c></row>" * 150_000 +
                b"</sheetData></worksheet>")
    with pytest.raises(PayloadTooLarge, match="rows"):  # the pass that looks for formulas has the same budget
        read_sheets(replaced(PARTNERS_SHEET, formulas), tabular.XLSX)
    with pytest.raises(ParseError, match="not a zip file"):
        read_sheets(b"PK\x03\x04 not really", tabular.XLSX)
    with pytest.raises(ParseError, match="not an .xlsx workbook"):
        read_sheets(many_members(3), tabular.XLSX)
    assert MAX_UNCOMPRESSED < 256 * 1024 * 1024


def test_a_zip_whose_sizes_lie_gives_no_more_than_it_declares():
    """A member that declares 1,000 bytes but inflates to 10 MB: zipfile stops at the declared size
    and the CRC check fails, so the reader refuses it instead of unpacking the rest."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("partners.csv", b"x" * (10 * 1024 * 1024))
    data = bytearray(out.getvalue())
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, 1000)
    struct.pack_into("<I", data, central + 24, 1000)
    with pytest.raises(ParseError, match="cannot be read"):
        read_sheets(bytes(data), tabular.ZIP)


def test_entities_are_refused_by_the_scan_and_by_defusedxml_itself():
    with pytest.raises(UnsafeInput, match="DOCTYPE or ENTITY"):
        read_xlsx(entity_bomb())
    with pytest.raises(UnsafeInput, match="defusedxml"):
        read_xlsx(entity_bomb(), prescan=False)  # openpyxl reading with defusedxml refuses it too
    with pytest.raises(UnsafeInput, match="DOCTYPE or ENTITY"):
        read_xlsx(entity_bomb("utf-16"))


def test_the_sandbox_workers_read_with_defusedxml():
    with Sandbox(warm=1, max_workers=1) as box:
        assert box.run("lcc_graph.tabular.reading:defused") is True


def test_a_sheet_of_a_million_rows_is_refused_by_its_row_count_before_openpyxl_sizes_it():
    """openpyxl reads a sheet without a <dimension> whole before its first row (10 to 50 s for a
    million rows: under load the upload's 20 s budget ran out first, and said "too complex")."""
    from lcc_graph.errors import PayloadTooLarge
    from lcc_graph.tabular.reading import XLSX, read_sheets

    with pytest.raises(PayloadTooLarge, match="has 1000000 rows, more than 100000"):
        read_sheets(million_rows(), XLSX)
