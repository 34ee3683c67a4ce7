"""The words people read, through gettext: complete catalogs, plural forms, language negotiation,
the text of the graph marked with its own language, and ``lcc validate`` in Hebrew and Arabic."""

from __future__ import annotations

import re
import string
import zipfile
from pathlib import Path

import pytest
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from api import i18n
from api.deps import negotiate_lang

from .conftest import REPO

LANGS = ("en", "he", "ar")
HTML = {"Accept": "text/html"}
COUNTS = (0, 1, 2, 3, 11, 100)


def catalog(lang: str):
    with i18n.catalog_path(lang).open("rb") as f:
        return read_po(f, locale=lang, domain=i18n.DOMAIN)


def forms(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def fields(text: str) -> set[str]:
    return {name.split("!")[0].split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text) if name}


# --------------------------------------------------------------------------- the catalogs


@pytest.mark.parametrize("lang", LANGS)
def test_no_catalog_entry_is_untranslated_or_fuzzy(lang):
    cat = catalog(lang)
    assert cat.num_plurals == get_plural(lang).num_plurals
    untranslated, fuzzy = [], []
    for m in cat:
        if not m.id:
            continue
        if m.fuzzy:
            fuzzy.append((m.context, m.id))
        if not all(forms(m)) or (m.pluralizable and len(forms(m)) != cat.num_plurals):
            untranslated.append((m.context, m.id))
    assert not untranslated, f"{lang}: untranslated entries: {untranslated}"
    assert not fuzzy, f"{lang}: fuzzy entries (check the translation, then drop the flag): {fuzzy}"
    assert not cat.obsolete, f"{lang}: obsolete entries: {list(cat.obsolete)}"


def test_the_english_catalog_says_the_english_of_the_code():
    """English is reworded in the code (the msgid), never in the English catalog, so that Hebrew and
    Arabic see the change (their entries turn fuzzy)."""
    for m in catalog("en"):
        if m.id:
            assert forms(m) == (m.id if isinstance(m.id, tuple) else (m.id,)), (m.context, m.id, m.string)


@pytest.mark.parametrize("lang", LANGS)
def test_translations_keep_to_their_fields(lang):
    """A translation may leave a field out (Arabic says 'one row' without the 1) but never invents
    one, and every form formats."""
    for m in catalog(lang):
        if not m.id or "python-brace-format" not in m.flags:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        allowed = set().union(*(fields(i) for i in ids))
        for text in forms(m):
            assert fields(text) <= allowed, (lang, m.context, m.id, text)
            text.format(**{name: 1 for name in allowed})


def test_the_catalogs_hold_every_text_and_only_those():
    """What extraction finds now (babel.cfg: i18n.TEXTS, the templates, the named queries, the SPARQL
    examples, lcc validate) is what the template and each catalog hold: run
    ``.venv/bin/python -m api.i18n`` after changing a text."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with (REPO / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = set()
    for _, _, message, _, context in extract_from_dir(str(REPO), method_map, options_map):
        msgid = message[0] if isinstance(message, (list, tuple)) else message
        found.add((context, msgid))
    with (i18n.locale_dir() / "messages.pot").open("rb") as f:
        template = {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id) for m in read_po(f) if m.id}
    assert found - template == set(), "texts missing from locale/messages.pot"
    assert template - found == set(), "texts in locale/messages.pot that nothing uses"
    for lang in LANGS:
        held = {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id) for m in catalog(lang) if m.id}
        assert held == template, lang


def test_every_key_a_template_uses_has_a_text():
    keys, prefixes = set(), set()
    for path in (REPO / "api" / "templates").glob("*.html"):
        text = path.read_text()
        keys |= set(re.findall(r"""\bt\(\s*["']([\w.-]*\w)["']""", text))
        prefixes |= set(re.findall(r"""\bt\(\s*["']([\w.-]+\.)["']\s*~""", text))
    assert keys, "no t() calls found"
    missing = sorted(k for k in keys if k not in i18n.TEXTS)
    assert not missing, missing
    for prefix in prefixes:
        assert any(k.startswith(prefix) for k in i18n.TEXTS), prefix
    for sev in ("Violation", "Warning", "Info"):
        assert f"sev.{sev}" in i18n.TEXTS
    for status in (400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 500, 503):
        assert f"error.{status}" in i18n.TEXTS


#: Names that stay as they are in every language: formats, protocols, keys, the programs' own words.
PROPER_NAMES = ("SPARQL", "API", "JSON-LD", "JSON", "CSV", "RDF/XML", "RDF", "Turtle", "N-Triples", "GraphML", "Cytoscape.js",
                "POST", "Ctrl", "Shift", "Enter", "Tab", "E-I", "xlsx", "zip", "lcc load", "true", "false",
                "JavaScript", "docs/relative-evaluation.md", "k")


def test_hebrew_and_arabic_translations_are_in_their_script():
    """No translation is a copy of the English: once fields, IRIs and the names of formats, keys and
    programs are left aside, every Hebrew and Arabic text is in its own script, with no Latin word."""
    script = {"he": re.compile("[\u0590-\u05ff]"), "ar": re.compile("[\u0600-\u06ff]")}
    for lang in ("he", "ar"):
        for m in catalog(lang):
            if not m.id:
                continue
            for text in forms(m):
                rest = re.sub(r"\{[^}]*\}|https?://\S+|(?<!\w)/[\w/{}.?=&-]+|(?<![A-Za-z])[a-z]{2,8}:[A-Za-z][\w-]*|\.xlsx|\.zip",
                              " ", text)
                for name in PROPER_NAMES:
                    rest = re.sub(rf"(?<![A-Za-z0-9/]){re.escape(name)}(?![A-Za-z0-9/])", " ", rest)
                assert not re.search("[A-Za-z]", rest), (lang, m.context, m.id, text)
                if re.search(r"\w", rest) and not rest.strip().isdigit():
                    assert script[lang].search(text), (lang, m.context, m.id, text)


# --------------------------------------------------------------------------- plural forms


def test_plural_rules_are_babels():
    """Hebrew has three forms (one, two, other), Arabic six (zero, one, two, few, many, other), as
    Babel's CLDR data gives them; the catalogs say the same in their Plural-Forms header."""
    he, ar = catalog("he"), catalog("ar")
    assert he.num_plurals == 3 and ar.num_plurals == 6
    assert he.plural_expr == get_plural("he").plural_expr
    assert ar.plural_expr == get_plural("ar").plural_expr
    he_tr, ar_tr = i18n.translations("he"), i18n.translations("ar")
    assert [he_tr.plural(n) for n in COUNTS] == [2, 0, 1, 2, 2, 2]
    assert [ar_tr.plural(n) for n in COUNTS] == [0, 1, 2, 3, 4, 5]


EXPECTED = {
    ("query.total", "he"): ["0 שורות; מוצגות 1 עד 0.", "שורה אחת.", "שתי שורות; מוצגות 1 עד 2.", "3 שורות; מוצגות 1 עד 3.",
                            "11 שורות; מוצגות 1 עד 11.", "100 שורות; מוצגות 1 עד 100."],
    ("query.total", "ar"): ["لا صفوف.", "صف واحد.", "صفان؛ المعروض من 1 إلى 2.", "3 صفوف؛ المعروض من 1 إلى 3.",
                            "11 صفًا؛ المعروض من 1 إلى 11.", "100 صف؛ المعروض من 1 إلى 100."],
    ("peers", "he"): ["0 עמיתים", "עמית אחד", "שני עמיתים", "3 עמיתים", "11 עמיתים", "100 עמיתים"],
    ("peers", "ar"): ["لا أقران", "قرين واحد", "قرينان", "3 أقران", "11 قرينًا", "100 قرين"],
    ("criterion.findings.communities", "he"): ["ב־0 קהילות", "בקהילה אחת", "בשתי קהילות", "ב־3 קהילות", "ב־11 קהילות",
                                               "ב־100 קהילות"],
    ("criterion.findings.communities", "ar"): ["في 0 مجتمع", "في مجتمع واحد", "في مجتمعين", "في 3 مجتمعات",
                                               "في 11 مجتمعًا", "في 100 مجتمع"],
    ("count.communities", "ar"): ["مجتمعات", "مجتمع", "مجتمعان", "مجتمعات", "مجتمعًا", "مجتمع"],
    ("count.communities", "en"): ["communities", "community", "communities", "communities", "communities", "communities"],
}


@pytest.mark.parametrize(("key", "lang"), sorted(EXPECTED))
def test_counts_read_right_in_every_form(key, lang):
    entry = i18n.TEXTS[key]
    got = [i18n.translate(key, lang, **{entry.count: n, "first": 1, "last": n}) for n in COUNTS]
    assert got == EXPECTED[key, lang]


@pytest.mark.parametrize("lang", ("he", "ar"))
def test_every_count_has_its_forms(lang):
    """Every text that counts is a plural entry with a form for each of the language's plural
    categories, and the forms for 1, 2 and many differ where the language has them."""
    cat = catalog(lang)
    plural_keys = {k for k, v in i18n.TEXTS.items() if isinstance(v, i18n.Plural)}
    assert {"query.total", "criteria.intro", "communities.intro", "peers", "report.version", "history.link",
            "network.count.partners", "network.count.links", "count.criteria", "sheet.more"} <= plural_keys
    for key in plural_keys:
        entry = i18n.TEXTS[key]
        message = cat.get((entry.singular, entry.plural), context=key)
        assert message is not None and len(forms(message)) == cat.num_plurals, key
        if entry.singular != entry.plural:
            shown = {i18n.translate(key, lang, **{entry.count: n}) for n in (1, 2, 11)}
            assert len(shown) >= 2, (key, lang, shown)
    for key, text in i18n.TEXTS.items():
        if isinstance(text, str):
            assert "(s)" not in text and "(ies)" not in text, f"{key}: a count without plural forms"


def test_a_plural_text_without_its_count_takes_the_general_form():
    assert i18n.translate("peers", "he") == "100 עמיתים".replace("100", "{n}")
    assert i18n.translate("no.such.key", "he") == "no.such.key"


# --------------------------------------------------------------------------- the reader's language


@pytest.mark.parametrize(("header", "lang"), [
    ("he;q=0.9, ar;q=0.8, en;q=0.1", "he"),
    ("en;q=0.1, ar;q=0.8, he;q=0.9", "he"),
    ("fr, ar;q=0.5, en;q=0.4", "ar"),
    ("ar;q=0.5, he;q=0.5", "ar"),  # a tie goes to the first named
    ("he-IL, en;q=0.5", "he"),
    ("iw", "he"),
    ("en;q=0, *", "he"),
    ("he;q=0, ar;q=0.1", "ar"),
    ("he;q=zero, ar;q=0.2", "ar"),
    ("fr, de", None),
    ("", None),
])
def test_accept_language_with_q_values(header, lang):
    assert negotiate_lang(header, ("en", "he", "ar")) == lang


@pytest.fixture(scope="module")
def site(demo_dir, tmp_path_factory):
    import shutil

    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings

    data = tmp_path_factory.mktemp("i18n") / "data"
    shutil.copytree(demo_dir, data)
    with TestClient(create_app(Settings(data_dir=data))) as c:
        yield c


def test_pages_follow_accept_language_and_lang_overrides(site):
    r = site.get("/criteria", headers={**HTML, "Accept-Language": "en;q=0.1, ar;q=0.8, he;q=0.9"})
    assert '<html lang="he" dir="rtl">' in r.text and "קריטריונים" in r.text
    r = site.get("/criteria", headers={**HTML, "Accept-Language": "fr-CA, ar;q=0.3"})
    assert '<html lang="ar" dir="rtl">' in r.text
    r = site.get("/criteria?lang=en", headers={**HTML, "Accept-Language": "he"})
    assert '<html lang="en" dir="ltr">' in r.text
    r = site.get("/criteria?lang=xx", headers={**HTML, "Accept-Language": "ar"})
    assert '<html lang="ar" dir="rtl">' in r.text


def test_home_counts_in_arabic_take_the_noun_form_of_their_number(site):
    text = site.get("/?lang=ar", headers=HTML).text
    assert "<strong>21</strong> معيارًا" in text and "<strong>12</strong> مجتمعًا" in text
    assert "عبارتان" in text or "عبارات" in text  # a criterion's statements, in the dual or the plural


def test_a_query_page_in_hebrew_has_its_question_headings_and_row_count(site):
    text = site.get("/queries/community-context?lang=he", headers=HTML).text
    assert "עם מה הקהילה יכולה לעבוד, בפועל ובפוטנציאל?" in text
    assert 'data-variable="availableResources" title="?availableResources">משאבים זמינים</th>' in text
    assert "12 שורות; מוצגות 1 עד 12." in text
    english = site.get("/queries/community-context", headers=HTML).text
    assert 'data-variable="availableResources" title="?availableResources">Available resources</th>' in english
    assert "12 rows; showing 1 to 12." in english


def test_every_query_text_is_translated():
    from lcc_graph.catalogue import default_catalogue

    for lang in ("he", "ar"):
        tr = i18n.translations(lang)
        for q in default_catalogue():
            for text in (q.question, q.summary, *(p.description for p in q.params.values() if p.description)):
                assert tr.gettext(text) != text, (lang, q.id, text)
            for variable in i18n.projected_variables(q.text):
                heading = i18n.column_heading(variable)
                assert tr.pgettext(i18n.COLUMN_CONTEXT, heading) != heading, (lang, q.id, variable)


def test_column_headings_read_as_words():
    assert i18n.column_heading("availableResources") == "Available resources"
    assert i18n.column_heading("perThousandInhabitants") == "Per 1,000 inhabitants"
    assert i18n.column_heading("community") == "Community"
    assert i18n.column_heading("some_new_thing") == "Some new thing"


# --------------------------------------------------------------------------- text of another language


def render(source: str, lang: str, **context) -> str:
    from jinja2 import Environment

    env = Environment(autoescape=True)
    i18n.install(env)
    return env.from_string(source).render(lang=lang, **context)


def test_text_in_another_script_is_marked_with_its_language():
    assert i18n.script_lang("Old Town Youth Football Club") == "en"
    assert i18n.script_lang("מועדון הכדורגל") == "he"
    assert i18n.script_lang("نادي كرة القدم") == "ar"
    assert i18n.script_lang("12 (3)") is None
    page = render("<p>{{ a|own_lang }} {{ b|own_lang }} {{ c|as_written }} {{ d|own_lang }}</p>", "he",
                  a="No policy.", b="אין מדיניות.", c="Riverside <Council>", d="42")
    assert page == ('<p><span dir="auto" lang="en">No policy.</span> <span dir="auto">אין מדיניות.</span> '
                    '<span dir="auto" lang="en" translate="no">Riverside &lt;Council&gt;</span> <span dir="auto">42</span></p>')
    assert render("{{ a|own_lang }}", "en", a="No policy.") == '<span dir="auto">No policy.</span>'
    assert render("{{ a|own_lang }}|{{ b|as_written }}", "he", a=None, b="") == "|"
    assert render("<p{{ lang_attr(a) }}>", "ar", a="No policy.") == '<p lang="en">'
    names = ["Riverside School", "Riverside Choir"]
    assert render("{{ a|as_list(written=True) }}", "ar", a=names) == (
        '<span dir="auto" lang="en" translate="no">Riverside School, Riverside Choir</span>')
    assert render("{{ a|as_list }}", "ar", a=["القطاع العام", "Riverside"]) == (
        '<span dir="auto">القطاع العام</span>، <span dir="auto" lang="en">Riverside</span>')


def test_jinja_i18n_extension_uses_the_page_language():
    page = render("{{ _('Partners by sector in each community') }}|"
                  "{% trans count=n %}{{ count }} apple{% pluralize %}{{ count }} apples{% endtrans %}|"
                  "{{ ngettext('%(num)d row', '%(num)d rows', 2) }}", "ar", n=2)
    assert page.split("|")[0] == "الشركاء حسب القطاع في كل مجتمع"
    assert page.split("|")[1] == "2 apples"  # not in the catalogs: English, by the English rule
    assert page.split("|")[2] == "2 rows"


def test_report_page_in_arabic_names_its_severities_and_marks_english_messages(site):
    data = (REPO / "docs" / "examples" / "riverside.ttl").read_bytes()
    r = site.post("/validate?community=riverside&lang=ar", content=data,
                  headers={**HTML, "Content-Type": "text/turtle"})
    assert r.status_code == 200
    assert '<span class="sev sev-Warning">تحذير</span>' in r.text and ">Warning<" not in r.text
    assert 'href="/criteria/infrastructures?lang=ar"' in r.text  # the findings keep the page's language


# --------------------------------------------------------------------------- lcc validate


@pytest.mark.parametrize(("environ", "lang"), [
    ({"LANG": "he_IL.UTF-8"}, "he"),
    ({"LANG": "en_GB.UTF-8", "LC_MESSAGES": "ar_EG.UTF-8"}, "ar"),
    ({"LC_ALL": "C", "LANG": "he_IL.UTF-8"}, "en"),
    ({"LANGUAGE": "fr:ar", "LANG": "fr_FR.UTF-8"}, "ar"),
    ({}, "en"),
])
def test_lcc_validate_language_from_the_environment(environ, lang):
    from lcc_graph.cli.validate import language_from_environment

    assert language_from_environment(environ) == lang


@pytest.mark.parametrize(("lang", "words"), [
    ("he", ["התקבל קהילה riverside: 0 הפרות, 3 אזהרות, שתי הודעות מידע", "תשתיות  <https://w3id.org/lcc/criteria/infrastructures>",
            "[אזהרה]", "מה לשנות: ", "לא נבדק כאן: "]),
    ("ar", ["مقبول المجتمع riverside: لا مخالفات، 3 تحذيرات، معلومتان", "البنى التحتية  <https://w3id.org/lcc/criteria/infrastructures>",
            "[تحذير]", "ما الذي يجب تغييره: ", "لم يُفحص هنا: "]),
    ("en", ["ACCEPTED community riverside: 0 violation(s), 3 warning(s), 2 info", "INFRASTRUCTURES  <",
            "what to change: ", "Not checked here: "]),
])
def test_lcc_validate_text_report_in_the_readers_language(lang, words):
    import typer
    from typer.testing import CliRunner

    from lcc_graph.cli.validate import register

    app = typer.Typer()
    app.command("version")(lambda: None)
    register(app)
    r = CliRunner().invoke(app, ["validate", str(REPO / "docs" / "examples" / "riverside.ttl"), "--community",
                                 "riverside", "--lang", lang])
    assert r.exit_code == 0, r.output
    for w in words:
        assert w in r.output, (w, r.output[:400])


def test_lcc_validate_counts_and_locations_in_arabic():
    from lcc_graph.cli.validate import _location_text, report_text, translations
    from lcc_graph.validation.report import Location, Report

    empty = Report([], "x")
    assert report_text(empty, "ar").splitlines()[:2] == ["مقبول المجتمع x: لا مخالفات، لا تحذيرات، لا معلومات", "لا ملاحظات."]
    where = Location("Partners", 5, "Sector", "C5", "")
    assert _location_text(where, translations("ar")) == "الورقة 'Partners'، الصف 5، العمود 'Sector' (C5): (فارغ)"
    assert _location_text(where, translations("he")) == "גיליון 'Partners', שורה 5, עמודה 'Sector' (C5): (ריק)"


# --------------------------------------------------------------------------- shipping


@pytest.mark.slow
def test_the_wheel_ships_the_catalogs(tmp_path):
    import subprocess
    import sys

    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
                   check=True, timeout=300)
    (wheel,) = tmp_path.glob("lcc_graph-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for lang in LANGS:
        assert f"lcc_graph/_data/locale/{lang}/LC_MESSAGES/messages.po" in names
    assert not any(n.endswith(".mo") for n in names)  # read from the .po at start-up


def test_no_compiled_catalog_is_committed():
    assert not list(Path(i18n.locale_dir()).rglob("*.mo"))
