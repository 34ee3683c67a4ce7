"""The report model and its forms (JSON, sh:ValidationReport, text, stored findings), and `lcc validate`."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
import rdflib
import typer
from rdflib.namespace import SH
from typer.testing import CliRunner

from lcc_graph.cli.validate import register
from lcc_graph.namespaces import LCC
from lcc_graph.validation import validate

from .validation_cases import CLEAN, STRUCTURE, TRIGGERS, triples

FINDINGS = "https://w3id.org/lcc/communities/clean/findings/"


@pytest.fixture(scope="module")
def mixed():
    """One violation, and findings of several criteria."""
    update = " ; ".join([STRUCTURE[0].update, TRIGGERS[0].update, TRIGGERS[6].update, TRIGGERS[16].update])
    return validate(triples(update), "clean")


@pytest.fixture(scope="module")
def accepted():
    return validate(triples(" ; ".join([TRIGGERS[0].update, TRIGGERS[6].update, TRIGGERS[16].update])), "clean")


def test_conforms_is_gated_on_severity(mixed, accepted):
    assert not mixed.conforms and mixed.counts["Violation"] == 1
    assert accepted.conforms
    assert accepted.counts["Warning"] == 2 and accepted.counts["Info"] == 1


def test_results_carry_label_message_hint_and_criterion(accepted):
    by_shape = {r.source_shape.rsplit("/", 1)[1]: r for r in accepted.results}
    single = by_shape["partnerships-single-sector"]
    assert single.label == "Harbour Youth Alliance"
    assert single.criterion == "partnerships" and single.hint and single.message
    assert single.community == "https://w3id.org/lcc/communities/clean"
    vertical = by_shape["penetration-vertical"]
    assert vertical.value_label  # the level concept's English label, from the vocabularies


def test_grouped_by_criterion_then_shape_structure_first(mixed):
    groups = mixed.by_criterion()
    assert list(groups)[0] is None
    assert list(groups)[1:] == sorted(g for g in groups if g)
    assert set(groups["penetration"]) == {"https://w3id.org/lcc/shapes/penetration-vertical"}


def test_json(mixed):
    data = json.loads(json.dumps(mixed.to_json()))
    assert data["conforms"] is False and data["community"] == "clean" and data["engine"] == "fast"
    assert data["counts"] == mixed.counts
    assert [g["criterion"] for g in data["criteria"]][0] is None
    shape = data["criteria"][0]["shapes"][0]
    assert shape["severity"] == "Violation" and shape["hint"] and shape["results"][0]["focus_node"]


def test_turtle_and_jsonld_are_standard_validation_reports(mixed):
    for text, fmt in ((mixed.to_turtle(), "turtle"), (mixed.to_jsonld(), "json-ld")):
        g = rdflib.Graph().parse(data=text, format=fmt)
        report = g.value(predicate=rdflib.RDF.type, object=SH.ValidationReport)
        assert report is not None
        assert g.value(report, SH.conforms).toPython() is False
        results = list(g.objects(report, SH.result))
        assert len(results) == len(mixed.results)
        severities = {g.value(r, SH.resultSeverity) for r in results}
        assert severities == {SH.Violation, SH.Warning, SH.Info}


def test_text_for_people(mixed):
    text = mixed.to_text()
    assert text.startswith("REJECTED community clean: 1 violation(s), 2 warning(s), 1 info")
    assert "STRUCTURE" in text and "PARTNERSHIPS" in text and "what to change:" in text
    assert "Harbour Youth Alliance <https://w3id.org/lcc/communities/clean/ps2>" in text


def test_findings_triples_have_iris_criteria_and_community(accepted):
    found = accepted.findings_triples()
    subjects = {t.subject for t in found}
    assert len(subjects) == len(accepted.findings) == 3
    for s in subjects:
        assert isinstance(s, ox.NamedNode) and s.value.startswith(FINDINGS)
        props = {t.predicate.value: t.object for t in found if t.subject == s}
        assert props[LCC + "community"] == ox.NamedNode("https://w3id.org/lcc/communities/clean")
        assert props[LCC + "criterion"].value.startswith("https://w3id.org/lcc/criteria/")
        assert props[str(SH.resultSeverity)].value in (str(SH.Warning), str(SH.Info))
    assert found == validate(triples(" ; ".join([TRIGGERS[0].update, TRIGGERS[6].update, TRIGGERS[16].update])),
                             "clean").findings_triples(), "finding IRIs are stable"


def test_findings_of_a_report_without_community_id_use_the_focus_community():
    report = validate(triples(TRIGGERS[1].update))
    assert {t.subject.value.rsplit("/findings/", 1)[0] for t in report.findings_triples()} == {
        "https://w3id.org/lcc/communities/clean"}


def test_the_reference_engine_through_validate():
    report = validate(triples(STRUCTURE[0].update), "clean", engine="pyshacl")
    assert report.engine == "pyshacl" and not report.conforms
    assert [r.source_shape.rsplit("/", 1)[1] for r in report.results] == ["CommunityOwned-community"]


def test_bad_arguments():
    with pytest.raises(ValueError):
        validate([], engine="rdf4j")
    with pytest.raises(ValueError):
        validate([], "Not A Slug")


# ---- the command line, on a small app of its own


@pytest.fixture
def run():
    app = typer.Typer()
    app.command("version")(lambda: None)  # a second command keeps `validate` a sub-command
    register(app)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, ["validate", *args])


def test_cli_accepts_the_clean_community(run):
    r = run(str(CLEAN), "--community", "clean")
    assert r.exit_code == 0, r.output
    assert r.output.startswith("ACCEPTED community clean")


def test_cli_rejects_a_violation(run, tmp_path):
    bad = tmp_path / "bad.nt"
    bad.write_bytes(ox.serialize(triples(STRUCTURE[0].update), format=ox.RdfFormat.N_TRIPLES))
    r = run(str(bad), "--format", "json")
    assert r.exit_code == 1, r.output
    assert json.loads(r.output)["conforms"] is False
    r = run(str(bad), "--format", "ttl")
    assert r.exit_code == 1
    assert rdflib.Graph().parse(data=r.output, format="turtle").value(predicate=rdflib.RDF.type,
                                                                      object=SH.ValidationReport)


def test_cli_relative_iris_resolve_under_the_community(run, tmp_path):
    f = tmp_path / "mine.ttl"
    f.write_text("@prefix lcc: <https://w3id.org/lcc#> .\n<../mine> a lcc:Community .\n"
                 "<partners/1> a lcc:Partner ; lcc:community <../mine> .\n")
    r = run(str(f), "--community", "mine")
    assert r.exit_code == 1
    assert "https://w3id.org/lcc/communities/mine/partners/1" in r.output


@pytest.mark.parametrize(
    ("content", "name", "args", "message"),
    [
        (None, "missing.ttl", [], "no such file"),
        ("<a> <b> .", "broken.ttl", [], "syntax error"),
        ("x", "data.csv", [], "unsupported"),
        ("", "empty.ttl", ["--community", "Not Valid"], "not a valid community id"),
    ],
)
def test_cli_unreadable_input_exits_2_with_one_line(run, tmp_path, content, name, args, message):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    r = run(str(path), *args)
    assert r.exit_code == 2
    lines = [line for line in r.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0].lower(), r.output
