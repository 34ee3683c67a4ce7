"""Spreadsheets in and out: templates made from the ontology, uploads read through a mapping kept
as data (``lcc-tables.csv-metadata.json``), problems named by sheet, row and column, and a
community's data exported into the same templates.

- :func:`template_bytes` (``lang`` en/he/ar, ``fmt`` xlsx/zip): the empty templates;
- :func:`export_bytes`: a community's triples in the templates (uploading the file again gives
  the same triples, so the same checksum);
- :func:`read_upload`: the untrusted bytes of an .xlsx workbook or a zip of CSV files as triples,
  with where each came from and the problems met (run it in the upload sandbox:
  ``uploads.check_upload`` does);
- :func:`locate`: a validation report whose results name sheet, row, column and cell value.
"""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox

from .convert import Converted, check_size, convert
from .locate import locate, locate_problems
from .mapping import LANGS, load_mapping
from .reading import XLSX, ZIP, normalise_media_type, read_sheets
from .workbook import Filled, csv_zip_bytes, workbook_bytes

FORMATS = {"xlsx": XLSX, "zip": ZIP}
EXTENSIONS = {".xlsx": XLSX, ".zip": ZIP}

__all__ = ["EXTENSIONS", "FORMATS", "LANGS", "XLSX", "ZIP", "Converted", "export_bytes", "is_tabular", "load_mapping",
           "locate", "locate_problems", "read_upload", "template_bytes"]


def is_tabular(media_type: str | None) -> bool:
    """True for the spreadsheet media types (.xlsx, and a zip of CSV files)."""
    return normalise_media_type(media_type) is not None


def _write(fmt: str, lang: str, filled: Filled | None) -> bytes:
    if fmt == "xlsx":
        return workbook_bytes(lang, filled)
    if fmt == "zip":
        return csv_zip_bytes(lang, filled)
    raise ValueError(f"unknown template format {fmt!r}: use xlsx or zip")


@lru_cache(maxsize=8)
def template_bytes(lang: str = "en", fmt: str = "xlsx") -> bytes:
    """The empty templates in a language, as one workbook (``xlsx``) or CSV files in a zip (``zip``)."""
    return _write(fmt, lang, None)


def export_bytes(triples: list[ox.Triple], community_id: str, lang: str = "en", fmt: str = "xlsx") -> tuple[bytes, int]:
    """A community's data in the templates, and how many statements could not be written (0 as a rule)."""
    from .export import fill

    filled = fill(triples, community_id, lang)
    return _write(fmt, lang, filled), filled.not_exported


def read_upload(data: bytes, media_type: str, community_id: str, *, max_triples: int) -> Converted:
    """The triples of an uploaded workbook or zip of CSV files, their origins and the problems met."""
    sheets = read_sheets(data, media_type)
    converted = convert(sheets, community_id)
    check_size(converted, max_triples)
    return converted
