"""The mapping from sheets to RDF, kept as data: ``lcc-tables.csv-metadata.json`` beside this module.

The file is CSV on the Web metadata (W3C Metadata Vocabulary for Tabular Data): one table per
sheet (``url``, ``dc:title`` in en/he/ar, ``tableSchema`` with ``aboutUrl`` and ``columns``);
each column its ``name``, ``titles`` per language, ``dc:description``, ``propertyUrl``,
``datatype``, ``lang`` and ``separator`` (several values in a cell); virtual columns give each
row its ``rdf:type`` and ``lcc:community``. Where CSVW has no word, ``lcc:`` properties say it:
``lcc:kind`` (id, label, literal, concept, reference; subject, property, value, value_type for
the statements sheet), ``lcc:scheme`` (the SKOS scheme of a vocabulary column) or ``lcc:class``
(criteria, dialogue questions), ``lcc:refersTo`` (the sheets a reference names rows of) and
``lcc:external`` (references to other communities). ``lcc:words`` holds the workbook's own
words in the three languages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..namespaces import ORG, RDF, RDFS, XSD

MAPPING_FILE = Path(__file__).resolve().parent / "lcc-tables.csv-metadata.json"
LANGS = ("en", "he", "ar")
_PREFIXES = {"rdf": RDF, "rdfs": RDFS, "xsd": XSD, "org": ORG}


def expand(name: str) -> str:
    """A prefixed name of the RDFa initial context (rdf:, rdfs:, xsd:, org:) as an IRI; IRIs as they are."""
    prefix, _, local = name.partition(":")
    if prefix in _PREFIXES and not local.startswith("//"):
        return _PREFIXES[prefix] + local
    return name


@dataclass(frozen=True)
class Column:
    """One column of a sheet and what its cells become."""

    name: str
    kind: str
    titles: dict[str, str]
    descriptions: dict[str, str]
    predicate: str | None = None
    datatype: str | None = None
    lang: str | None = None
    multi: bool = False
    required: bool = False
    scheme: str | None = None
    concept_class: str | None = None
    concept_prefix: str | None = None
    targets: tuple[str, ...] = ()
    external: str | None = None

    def title(self, lang: str) -> str:
        """The column's name in a language (English when it has none)."""
        return self.titles.get(lang) or self.titles.get("en") or self.name

    def header_names(self) -> set[str]:
        """Every header text that names this column (its titles in every language and its name)."""
        return {fold(t) for t in (*self.titles.values(), self.name)}


@dataclass(frozen=True)
class Table:
    """One sheet: the class of its rows, where their ids live, its columns."""

    name: str
    titles: dict[str, str]
    descriptions: dict[str, str]
    columns: tuple[Column, ...]
    rdf_class: str | None = None
    folder: str | None = None  # rows are {community base}{folder}/{id}; None: the community itself
    statements: bool = False  # the "other statements" sheet

    def title(self, lang: str) -> str:
        """The sheet's name in a language."""
        return self.titles.get(lang) or self.titles["en"]

    def column(self, name: str) -> Column:
        """The column of this name."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def ordered(self, lang: str) -> list[Column]:
        """The columns as a sheet in ``lang`` lays them out: the name in that language first."""
        labels = [c for c in self.columns if c.kind == "label"]
        first = sorted(labels, key=lambda c: (c.lang != lang, LANGS.index(c.lang) if c.lang in LANGS else 9))
        out: list[Column] = []
        for c in self.columns:
            if c.kind == "label":
                if not any(x.kind == "label" for x in out):
                    out.extend(first)
            else:
                out.append(c)
        return out

    def sheet_names(self) -> set[str]:
        """Every sheet (or CSV file) name that means this table."""
        return {fold(t) for t in (*self.titles.values(), self.name)}


@dataclass(frozen=True)
class Mapping:
    """The whole mapping: tables in workbook order, and the workbook's words."""

    tables: tuple[Table, ...]
    words: dict = field(repr=False)
    version: str = "1"

    def table(self, name: str) -> Table:
        """The table of this name."""
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(name)

    def word(self, key: str, lang: str, **fields: str) -> str:
        """One of the workbook's own words in a language, with ``{fields}`` filled in."""
        entry = self.words.get(key, {})
        text = entry.get(lang) or entry.get("en") or key
        return text.format(**fields) if fields else text

    def by_class(self) -> dict[str, Table]:
        """rdf:type IRI -> the table whose rows have it."""
        return {t.rdf_class: t for t in self.tables if t.rdf_class}


def fold(text: str) -> str:
    """A header or sheet name compared loosely: case, spaces and a trailing '*' ignored."""
    return " ".join(str(text).replace("\u00a0", " ").split()).rstrip("*").strip().casefold()


def _column(raw: dict) -> Column:
    kind = raw.get("lcc:kind", "literal")
    cls = raw.get("lcc:class") or {}
    datatype = raw.get("datatype")
    return Column(
        name=raw["name"], kind=kind, titles=dict(raw.get("titles") or {"en": raw["name"]}),
        descriptions=dict(raw.get("dc:description") or {}),
        predicate=expand(raw["propertyUrl"]) if raw.get("propertyUrl") else None,
        datatype=XSD + datatype if datatype and ":" not in datatype else datatype,
        lang=raw.get("lang"), multi="separator" in raw, required=bool(raw.get("required")),
        scheme=raw.get("lcc:scheme"), concept_class=cls.get("class"), concept_prefix=cls.get("iriPrefix"),
        targets=tuple(raw.get("lcc:refersTo") or ()), external=raw.get("lcc:external"),
    )


def _table(raw: dict) -> Table:
    schema = raw["tableSchema"]
    columns = tuple(_column(c) for c in schema["columns"] if not c.get("virtual"))
    about = schema.get("aboutUrl", "")
    folder = about.split("/{", 1)[0] if "/{" in about else None
    return Table(name=raw["url"].rsplit(".", 1)[0], titles=dict(raw["dc:title"]),
                 descriptions=dict(raw.get("dc:description") or {}), columns=columns,
                 rdf_class=raw.get("lcc:class"), folder=folder, statements=raw.get("lcc:kind") == "statements")


@lru_cache(maxsize=1)
def load_mapping(path: Path = MAPPING_FILE) -> Mapping:
    """The mapping file, read once."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return Mapping(tables=tuple(_table(t) for t in raw["tables"]), words=raw.get("lcc:words", {}),
                   version=str(raw.get("lcc:version", "1")))


def metadata_json() -> bytes:
    """The mapping file's bytes, as the zip of CSV files carries it (``csv-metadata.json``)."""
    return MAPPING_FILE.read_bytes()
