"""Reassessing keeps what the upload path stores beside the indicators: the commit marker of each
community's data version, which ``reconcile`` reads at start-up to keep the upload history."""

from __future__ import annotations

import pyoxigraph as ox

from lcc_graph import history
from lcc_graph.indicators import assess_all, upgrade_assessments
from lcc_graph.namespaces import community_graph
from lcc_graph.uploads import reconcile, upload

DATA_VERSION = "https://w3id.org/lcc#dataVersion"


def body(population: int) -> bytes:
    return (
        "@prefix lcc: <https://w3id.org/lcc#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f'<../alpha> a lcc:Community ; rdfs:label "Alpha"@en ; lcc:population {population} .\n'
    ).encode()


def markers(stores) -> list[str]:
    return [t.object.value for t in stores.public.get_graph(community_graph("alpha", "assessment"))
            if t.predicate.value == DATA_VERSION]


def test_reassessing_keeps_the_upload_history(stores):
    upload(stores, "alpha", body(1000), "text/turtle", token_id="t1")
    upload(stores, "alpha", body(2000), "text/turtle", token_id="t1")
    assert markers(stores) == ["2"]
    assert assess_all(stores) == 1
    assert markers(stores) == ["2"]  # before the fix, assess_all dropped it
    assert reconcile(stores) == []  # ... and the next start-up discarded both versions
    assert [v.version for v in history.versions(stores.private, "alpha")] == [1, 2]


def test_reconcile_reads_the_markers_of_assessment_graphs_only(stores):
    upload(stores, "alpha", body(1000), "text/turtle", token_id="t1")
    # gamma's version 1 was recorded but never committed (a crash between the two steps) ...
    history.record_version(stores.private, "gamma", 1, [], token_id="t1", digest="0" * 64,
                           framework_version="1.0", finding_count=0)
    # ... and a marker for it written outside any assessment graph is not a commit
    stores.public.raw.add(ox.Quad(ox.NamedNode("https://w3id.org/lcc/communities/gamma"), ox.NamedNode(DATA_VERSION),
                                  ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
                                  ox.NamedNode(community_graph("alpha", "data"))))
    assert reconcile(stores) == [("gamma", 1)]
    assert [v.version for v in history.versions(stores.private, "alpha")] == [1]


def test_the_upgrade_reads_assessment_graphs_only(stores):
    upload(stores, "alpha", body(1000), "text/turtle", token_id="t1")
    # an old-shape measurement written into a data graph is not a stored assessment
    data = community_graph("alpha", "data")
    stores.public.raw.add(ox.Quad(ox.NamedNode("https://w3id.org/lcc/communities/alpha/m1"),
                                  ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                                  ox.NamedNode("http://www.w3.org/ns/dqv#QualityMeasurement"), ox.NamedNode(data)))
    assert upgrade_assessments(stores) == 0
    assessment = community_graph("alpha", "assessment")
    stores.public.raw.add(ox.Quad(ox.NamedNode("https://w3id.org/lcc/communities/alpha/assessment/x/raw"),
                                  ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                                  ox.NamedNode("http://www.w3.org/ns/dqv#QualityMeasurement"), ox.NamedNode(assessment)))
    assert upgrade_assessments(stores) == 1
    assert upgrade_assessments(stores) == 0
    assert markers(stores) == ["1"]


def test_start_up_remembers_that_the_assessments_are_current(stores):
    """Start-up checks every measurement once; then only a different number of assessment
    graphs sends it back to the full check (what this version writes is in its shape)."""
    upload(stores, "alpha", body(1000), "text/turtle", token_id="t1")
    old_shape = ox.Quad(ox.NamedNode("https://w3id.org/lcc/communities/alpha/assessment/x/raw"),
                        ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                        ox.NamedNode("http://www.w3.org/ns/dqv#QualityMeasurement"),
                        ox.NamedNode(community_graph("alpha", "assessment")))
    stores.public.raw.add(old_shape)
    assert upgrade_assessments(stores, remember=True) == 1  # found and reassessed, then recorded
    stores.public.raw.add(old_shape)  # what only an earlier version could have written
    assert upgrade_assessments(stores, remember=True) == 0  # the record is trusted: nothing read
    assert upgrade_assessments(stores) == 1  # the full check still finds it
    upload(stores, "beta", body(500).replace(b"alpha", b"beta").replace(b"Alpha", b"Beta"), "text/turtle",
           token_id="t2")
    stores.public.raw.add(old_shape)
    assert upgrade_assessments(stores, remember=True) == 2  # a new assessment graph: checked again
    assert upgrade_assessments(stores, remember=True) == 0


def test_start_up_rewrites_the_framework_only_when_it_changed(stores):
    from lcc_graph.framework import _INSTALLED, _INSTALLED_GRAPH, install_framework, shipped_framework

    shipped = shipped_framework()
    assert install_framework(stores, remember=True) > 0  # nothing recorded yet: written
    assert install_framework(stores, remember=True) == 0  # same files, same versions: left alone
    criteria = next(iri for iri in shipped if iri.endswith("/criteria"))
    stores.public.raw.remove_graph(ox.NamedNode(criteria))  # a framework graph gone: written again
    assert install_framework(stores, remember=True) > 0
    assert len(stores.public.get_graph(criteria)) == len(shipped[criteria])
    stores.private.replace_graphs({_INSTALLED_GRAPH: [ox.Triple(_INSTALLED, _INSTALLED, ox.Literal("other"))]})
    assert install_framework(stores, remember=True) > 0  # another digest recorded: written
    assert install_framework(stores) > 0  # without remember, always written


def test_a_new_demo_directory_starts_without_checking_anything(demo_copy):
    """The demo build (like ``lcc assess``) records what start-up would otherwise check: the
    framework it installed and that every assessment is in this version's shape."""
    from lcc_graph.framework import install_framework
    from lcc_graph.indicators import assessment_graphs
    from lcc_graph.store.stores import open_stores

    stores = open_stores(demo_copy)
    try:
        assert install_framework(stores, remember=True) == 0
        graphs = assessment_graphs(stores.public)
        assert len(graphs) == 12
        stores.public.raw.add(ox.Quad(ox.NamedNode("https://w3id.org/lcc/communities/x/assessment/old"),
                                      ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                                      ox.NamedNode("http://www.w3.org/ns/dqv#QualityMeasurement"),
                                      ox.NamedNode(graphs[0])))
        assert upgrade_assessments(stores, remember=True) == 0  # the build's record is trusted: nothing read
        assert upgrade_assessments(stores) == 12  # the full check finds it and reassesses every community
    finally:
        stores.close()
