"""``scope``: a named query given a community reads only the graphs its scope lists, of that
community and of the framework.

The equality test is what proves each query's scope right: on the demo communities (one with
earlier versions, two with recorded dialogue answers, a proposal in the public proposals graph),
the narrowed run gives the same answer as the run over every public graph. The other tests show
that the check has teeth (a query that reads other communities' data, or a scope without a graph
the query reads, answers differently), that a query without a scope is never narrowed, and that
the header is checked.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections import Counter

import pyoxigraph as ox
import pytest

from lcc_graph.catalogue import CatalogueError, load_catalogue
from lcc_graph.catalogue.scope import community_id_of_iri, scoped_dataset
from lcc_graph.framework import framework_graphs
from lcc_graph.namespaces import COMMUNITIES, COMMUNITY_GRAPH_KINDS, GRAPHS, LCC, community_graph

from .test_catalogue import HEADER, OTHER_VALUES, write

#: The queries that read other communities' data, and why; every other query takes a community
#: and has a scope.
UNSCOPED = {
    "peer-comparison": "compares the community with its peers' measurements",
    "dialogues": "counts participants that are other communities (peer visits), typed in their own graphs",
}
#: The dialogue answers the module's store records (in the answers graphs) for two communities.
RECORDED = {"early-3": "In the district papers and at the library.", "lc-1": "Mostly by the partnerships."}
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
#: A scope of every graph of the community and the framework: the widest a scope can be.
WIDEST = (*COMMUNITY_GRAPH_KINDS, "framework")


@pytest.fixture(scope="module")
def scope_stores(demo_dir, tmp_path_factory):
    """The demo communities, with dialogue answers recorded for two of them (one that has
    earlier versions) and a proposal with a comment in the public proposals graph."""
    from lcc_graph import proposals
    from lcc_graph.answers import record_answer
    from lcc_graph.store import open_stores

    path = tmp_path_factory.mktemp("scope") / "data"
    shutil.copytree(demo_dir, path)
    stores = open_stores(path)
    history = sorted(g.split("/")[-2] for g in stores.public.graphs() if g.endswith("/assessment-history"))
    assert history, "the demo has communities with earlier versions"
    others = [c for c in community_ids(stores) if c not in history]
    for community_id in (history[0], others[0]):
        for day, (question, text) in zip(("2026-03-01", "2026-04-01"), RECORDED.items()):
            record_answer(stores, community_id, question, text, day)
    proposal = proposals.NewProposal(kind="statement", criterion="penetration", lang="en",
                                     text="The learning community reaches the neighbourhoods too.",
                                     reason="Penetration says little about neighbourhoods.")
    number = proposals.file_proposal(stores, others[1], proposal)["number"]
    proposals.add_comment(stores, number, history[0], "We would like that too.")
    yield stores
    stores.close()


def community_ids(stores) -> list[str]:
    rows = stores.query_public(f"SELECT ?c WHERE {{ ?c a <{LCC}Community> }} ORDER BY ?c").values()
    return [row["c"][len(COMMUNITIES):] for row in rows]


def chosen_communities(stores) -> list[str]:
    """First, middle and last, one with earlier versions and the two with answers."""
    ids = community_ids(stores)
    graphs = stores.public.graphs()
    history = [i for i in ids if community_graph(i, "assessment-history") in graphs]
    answers = [i for i in ids if community_graph(i, "answers") in graphs]
    assert history and len(answers) == 2 and set(history) & set(answers)
    return list(dict.fromkeys([ids[0], ids[len(ids) // 2], ids[-1], history[-1], *answers]))


def variants(query) -> list[dict[str, str]]:
    return [{}] + [{name: value} for name in query.params if name in OTHER_VALUES for value in OTHER_VALUES[name]]


def unscoped(stores, query, values):
    """The run over every public graph, as a query without a scope runs."""
    return stores.query_public(query.bind(values), substitutions=query.substitutions(values),
                               cache=query.deterministic)


def narrowed(stores, query, values, scope=WIDEST):
    """The run over the graphs of ``scope``, whatever the query's header says (for the teeth tests)."""
    graphs = scoped_dataset(scope, query.terms(values)["community"])
    assert graphs is not None
    return stores.query_public(query.bind(values), substitutions=query.substitutions(values),
                               default_graph=graphs, named_graphs=graphs)


def answer(result):
    """An answer to compare: variables and rows as a multiset, the boolean, or the triples."""
    if result.kind == "solutions":
        rows = Counter(tuple(sorted((name, str(term)) for name, term in row.items())) for row in result.rows())
        return result.variables, rows
    if result.kind == "boolean":
        return result.boolean
    return Counter(str(t) for t in result.triples())


class Recorder:
    """Stores that note the dataset options of every public read."""

    def __init__(self, stores):
        self.stores, self.calls = stores, []

    def query_public(self, sparql, **options):
        self.calls.append({k: options.get(k) for k in ("default_graph", "named_graphs")})
        return self.stores.query_public(sparql, **options)


def test_the_queries_that_read_other_communities_are_the_only_ones_without_a_scope():
    catalogue = load_catalogue()
    assert {q.id for q in catalogue if not q.scope} == set(UNSCOPED)
    assert all("community" in q.params for q in catalogue)


def test_scoped_answers_are_the_answers_over_every_public_graph(scope_stores):
    """For every query with a scope, for four communities or more (one with earlier versions, two
    with recorded answers) and every other parameter: the same variables and the same rows (as
    multisets), and the run was narrowed to the scope's graphs."""
    catalogue = load_catalogue()
    communities = chosen_communities(scope_stores)
    assert len(communities) >= 4
    checked = Counter()
    for query in catalogue:
        if not query.scope:
            continue
        for community in communities:
            for extra in variants(query):
                values = {"community": community, **extra}
                recorder = Recorder(scope_stores)
                scoped = query.run(recorder, values)
                graphs = recorder.calls[0]["default_graph"]
                assert graphs == recorder.calls[0]["named_graphs"] == expected_graphs(query.scope, community), query.id
                assert answer(scoped) == answer(unscoped(scope_stores, query, values)), (query.id, values)
                checked[query.id] += 1
    assert len(checked) == len(catalogue) - len(UNSCOPED) and min(checked.values()) >= len(communities)
    # the answers graphs hold rows dialogue-questions reads: the check saw them
    graphs = scope_stores.public.graphs()
    for answered in [c for c in communities if community_graph(c, "answers") in graphs]:
        rows = catalogue.get("dialogue-questions").run(scope_stores, {"community": answered}).values()
        recorded = {row["answer"] for row in rows if row.get("answerText") in RECORDED.values()}
        assert len(recorded) == 2


def expected_graphs(scope, community_id: str) -> list[str]:
    """The community's graphs in a fixed order, then the framework's in the scope's order."""
    kinds = ("data", "findings", "assessment", "assessment-history", "answers")
    framework = [g for name in scope if name not in kinds
                 for g in (framework_graphs() if name == "framework" else [GRAPHS + name])]
    return [community_graph(community_id, kind) for kind in kinds if kind in scope] + framework


def test_a_community_by_id_or_iri_and_an_iri_that_is_not_a_community(scope_stores):
    """An id and its IRI narrow alike; any other IRI runs over every public graph, so the answer
    is the one a query without a scope gives; an unknown community's answer is the same too."""
    catalogue = load_catalogue()
    query = catalogue.get("criteria-coverage")
    community = chosen_communities(scope_stores)[1]
    assert query.dataset({"community": community}) == query.dataset({"community": COMMUNITIES + community})
    assert query.dataset({"community": community}) == [community_graph(community, "data"),
                                                        community_graph(community, "findings"),
                                                        GRAPHS + "framework/criteria"]
    assert catalogue.get("penetration").dataset({"community": community}) == [community_graph(community, "data")]
    for iri in (COMMUNITIES + community + "/", COMMUNITIES + community + "/data", COMMUNITIES + "Upper",
                COMMUNITIES, "http://example.org/communities/" + community, "urn:x:" + community):
        assert query.dataset({"community": iri}) is None, iri
        assert community_id_of_iri(iri) is None
    assert query.dataset({}) is None  # every community: every public graph
    for scoped in catalogue:
        if not scoped.scope:
            continue
        for community in ("no-such-place", COMMUNITIES + "no-such-place"):
            values = {"community": community}
            assert answer(scoped.run(scope_stores, values)) == answer(unscoped(scope_stores, scoped, values)), scoped.id
        values = {"community": "http://example.org/communities/" + chosen_communities(scope_stores)[0]}
        recorder = Recorder(scope_stores)
        assert answer(scoped.run(recorder, values)) == answer(unscoped(scope_stores, scoped, values)), scoped.id
        assert recorder.calls == [{"default_graph": None, "named_graphs": None}]


def test_queries_without_the_scope_are_never_narrowed(scope_stores):
    catalogue = load_catalogue()
    for query_id in UNSCOPED:
        query = catalogue.get(query_id)
        for community in chosen_communities(scope_stores)[:3]:
            for extra in variants(query):
                values = {"community": community, **extra}
                assert query.dataset(values) is None
                recorder = Recorder(scope_stores)
                assert query.run(recorder, values).data == unscoped(scope_stores, query, values).data
                assert recorder.calls == [{"default_graph": None, "named_graphs": None}], query_id
    # nor is a scoped query given no community, nor one whose caller chose the dataset
    learning = catalogue.get("learning-modes")
    recorder = Recorder(scope_stores)
    learning.run(recorder, {})
    learning.run(recorder, {"community": chosen_communities(scope_stores)[0]}, default_graph=framework_graphs())
    assert recorder.calls == [{"default_graph": None, "named_graphs": None},
                              {"default_graph": framework_graphs(), "named_graphs": None}]


def test_the_equality_check_has_teeth_peer_comparison(scope_stores):
    """Given a scope, peer-comparison would compare a community with itself alone: the check
    that passes for every scoped query fails for it."""
    query = dataclasses.replace(load_catalogue().get("peer-comparison"), scope=WIDEST)
    differ = [community for community in chosen_communities(scope_stores)
              if answer(query.run(scope_stores, {"community": community}))
              != answer(unscoped(scope_stores, query, {"community": community}))]
    assert differ
    rows = query.run(scope_stores, {"community": differ[0]}).values()
    assert rows and {row["peers"] for row in rows} == {"1"}  # only itself


@pytest.mark.parametrize("query_id, left_out", [
    ("criteria-coverage", "findings"),
    ("criteria-coverage", "framework/criteria"),
    ("dialogue-questions", "answers"),
    ("dialogue-questions", "framework/dialogue"),
    ("dialogue-questions", "framework/question-answers"),
    ("resource-relative-indicators", "assessment"),
    ("resource-relative-indicators", "framework/indicators"),
    ("indicator-history", "assessment"),
    ("indicator-history", "assessment-history"),
    ("indicator-history", "framework/indicators"),
    ("findings-in-unesco-terms", "findings"),
    ("findings-in-unesco-terms", "framework/criteria"),
    ("findings-in-unesco-terms", "framework/unesco"),
])
def test_the_equality_check_has_teeth_a_scope_without_a_graph_the_query_reads(scope_stores, query_id, left_out):
    """Each graph a shipped scope lists is needed: without it, the check fails for some community."""
    query = load_catalogue().get(query_id)
    assert left_out in query.scope
    narrower = tuple(g for g in query.scope if g != left_out)
    differ = [community for community in chosen_communities(scope_stores)
              if answer(narrowed(scope_stores, query, {"community": community}, narrower))
              != answer(unscoped(scope_stores, query, {"community": community}))]
    assert differ


def test_a_dialogue_with_another_community_is_why_dialogues_has_no_scope(demo_copy):
    """A peer visit may name another community as a participant (the structure shapes ask only
    for an IRI): an upload the service accepts. That community's type is in its own graph, so
    over the scope's graphs dialogues would not count it; the query stays unscoped."""
    from lcc_graph.demo_store import DEMO_TOKEN
    from lcc_graph.store import open_stores
    from lcc_graph.uploads import commit, prepare

    stores = open_stores(demo_copy)
    try:
        dialogue_class = ox.NamedNode(LCC + "Dialogue")
        host = next(c for c in community_ids(stores) if any(
            t.predicate == RDF_TYPE and t.object == dialogue_class for t in stores.public.get_graph(community_graph(c, "data"))))
        guest = next(c for c in community_ids(stores) if c != host)
        data = stores.public.get_graph(community_graph(host, "data"))
        dialogue = next(t.subject for t in data if t.predicate == RDF_TYPE and t.object == dialogue_class)
        added = ox.Triple(dialogue, ox.NamedNode(LCC + "participant"), ox.NamedNode(COMMUNITIES + guest))
        upload = ox.serialize([*data, added], format=ox.RdfFormat.N_TRIPLES)
        commit(stores, prepare(stores, host, upload, "application/n-triples"), DEMO_TOKEN)
        query = load_catalogue().get("dialogues")
        values = {"community": host}
        everywhere = {row["dialogue"]: row for row in unscoped(stores, query, values).values()}
        assert everywhere[dialogue.value]["otherCommunities"] == "1"
        assert query.run(stores, values).data == unscoped(stores, query, values).data
        forced = {row["dialogue"]: row for row in narrowed(stores, query, values).values()}
        assert forced[dialogue.value]["otherCommunities"] == "0"
    finally:
        stores.close()


def test_what_another_community_says_of_a_community_never_reaches_its_scoped_answer(demo_copy):
    """The rule the scope carries: given a community, a scoped query counts only what that
    community's own graphs say. The structure shapes refuse a link to another community's
    resource from a typed resource (an initiative targets a citizen group of its own upload), but
    not from an untyped one: such a link counts in the report over every community, never in
    the community's own answer (nor in the indicators an upload computes, from its data alone)."""
    from lcc_graph.demo_store import DEMO_TOKEN
    from lcc_graph.store import open_stores
    from lcc_graph.uploads import commit, prepare

    stores = open_stores(demo_copy)
    try:
        target, writer = community_ids(stores)[:2]
        query = load_catalogue().get("citizen-involvement")
        before = query.run(stores, {"community": target})
        group = before.rows()[0]["group"]
        data = stores.public.get_graph(community_graph(writer, "data"))
        stray = ox.NamedNode(f"{COMMUNITIES}{writer}/stray")
        upload = ox.serialize([*data, ox.Triple(stray, ox.NamedNode(LCC + "community"), ox.NamedNode(COMMUNITIES + writer)),
                               ox.Triple(stray, ox.NamedNode(LCC + "targets"), group)],
                              format=ox.RdfFormat.N_TRIPLES)
        commit(stores, prepare(stores, writer, upload, "application/n-triples"), DEMO_TOKEN)
        after = query.run(stores, {"community": target})
        assert after.data == before.data
        everywhere = unscoped(stores, query, {"community": target}).values()
        counted = {row["group"]: int(row["targetedBy"]) for row in everywhere}
        assert counted[group.value] == int(before.values()[0]["targetedBy"]) + 1
    finally:
        stores.close()


def test_a_scoped_run_in_a_query_worker_reads_the_same_graphs(demo_copy):
    from lcc_graph.store import open_stores

    stores = open_stores(demo_copy)
    try:
        query = load_catalogue().get("citizen-involvement")
        community = community_ids(stores)[3]
        plain = unscoped(stores, query, {"community": community})
        stores.start_readers(demo_copy / "checkpoints", size=1)
        pooled = query.run(stores, {"community": community})
        assert pooled.data == plain.data and pooled.rows()
        assert stores.pool.cache.misses == 1 and query.run(stores, {"community": community}).data == plain.data
        assert stores.pool.cache.hits == 1
    finally:
        stores.close()


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["oxigraph", "virtuoso"])
def test_scoped_answers_over_a_remote_engine(scope_stores, tmp_path_factory, engine):
    """A remote engine gets the scope's graphs as default-graph-uri (those it holds), and the
    VALUES block alone: the same answers as over every public graph on the same engine."""
    from lcc_graph.store import Stores
    from lcc_graph.store.remote import RemoteStore

    from .conftest import require
    from .remote_servers import oxigraph_binary, oxigraph_server, virtuoso_binaries, virtuoso_server

    if engine == "oxigraph":
        require(oxigraph_binary() is not None, "the oxigraph server binary is not installed (pip install oxigraph)")
        server = oxigraph_server(tmp_path_factory.mktemp("oxigraph"), timeout_s=20)
    else:
        require(all(virtuoso_binaries()), "virtuoso-t and isql-vt are not installed (virtuoso-opensource-7-bin)")
        server = virtuoso_server(tmp_path_factory.mktemp("virtuoso"), max_query_s=20)
    with server as srv:
        remote = RemoteStore(srv.query_url, srv.update_url, timeout_s=60)
        public = scope_stores.public
        graphs = public.graphs()
        for start in range(0, len(graphs), 8):
            remote.replace_graphs({g: public.get_graph(g) for g in graphs[start:start + 8]})
        stores = Stores(public=remote, private=scope_stores.private)
        every_graph = remote.graphs()
        assert len(every_graph) == len(graphs)
        checked = 0
        for query in load_catalogue():
            if not query.scope:
                continue
            for community in chosen_communities(scope_stores)[:3]:
                values = {"community": community}
                assert query.dataset(values)
                # every public graph, listed (on a remote engine a query whose text says "from" or
                # "graph", even in a comment, is otherwise sent with union-default-graph and every
                # named-graph-uri, which oxigraph serve refuses)
                everywhere = stores.query_public(query.bind(values), default_graph=every_graph)
                assert answer(query.run(stores, values)) == answer(everywhere), (engine, query.id, community)
                checked += 1
        remote.close()
    assert checked == 3 * (len(load_catalogue()) - len(UNSCOPED))


# ---- the scope written into the text (FROM), for /sparql and any SPARQL 1.1 engine


def test_the_scope_written_as_from_reads_what_the_named_route_reads(scope_stores):
    """For every scoped query, community and other parameter: the text with FROM lines, run with
    no dataset option (the query's own), on /sparql's path (the read check, then the query's FROM),
    gives the named route's answer, which is the VALUES-only text's over every public graph."""
    from lcc_graph.catalogue.binding import parse_checked
    from lcc_graph.sparql_guard import QueryLimits, check_read_query

    catalogue = load_catalogue()
    checked = 0
    for query in catalogue:
        if not query.scope:
            continue
        for community in chosen_communities(scope_stores):
            for extra in variants(query):
                values = {"community": community, **extra}
                text = query.bind(values, dataset=True)
                graphs = query.dataset(values)
                read = check_read_query(text, QueryLimits())  # what /sparql checks, read only
                assert read.has_dataset and read.from_default == tuple(graphs) and not read.from_named
                parsed, _ = parse_checked(text, list(query.params))  # rdflib: FROM, then VALUES first
                assert [str(d["default"]) for d in parsed["datasetClause"]] == graphs
                own = answer(scope_stores.public.query(text))  # pyoxigraph.Store.query(text), no option
                assert own == answer(query.run(scope_stores, values)), (query.id, values)
                assert own == answer(scope_stores.public.query(query.bind(values), union=True)), (query.id, values)
                assert own == answer(scope_stores.query_untrusted(text, QueryLimits(), {})), (query.id, values)
                checked += 1
    assert checked >= 4 * (len(catalogue) - len(UNSCOPED))


def test_the_from_lines_name_the_scope_and_nothing_else(scope_stores):
    """FROM lines only for a scoped query given a community's id or IRI, one per graph of
    ``dataset``, just before the top-level WHERE; otherwise the text is ``bind(values)``'s."""
    from lcc_graph.catalogue.binding import analyse, dataset_clauses

    catalogue = load_catalogue()
    community = chosen_communities(scope_stores)[0]
    for query in catalogue:
        if not query.params["community"].required:
            assert query.bind({}, dataset=True) == query.bind({})  # every community
        values = {"community": community}
        if not query.scope:
            assert query.bind(values, dataset=True) == query.bind(values), query.id
            continue
        text = query.bind(values, dataset=True)
        assert text == query.bind({"community": COMMUNITIES + community}, dataset=True)
        scan = analyse(text)
        assert text[:scan.dataset_offset].endswith("\n" + dataset_clauses(query.dataset(values)))
        assert text[scan.dataset_offset:].startswith("WHERE")
        assert text.replace(dataset_clauses(query.dataset(values)), "") == query.bind(values), query.id
        for iri in (COMMUNITIES + community + "/data", "http://example.org/communities/" + community):
            assert query.bind({"community": iri}, dataset=True) == query.bind({"community": iri}), (query.id, iri)


def test_a_scoped_text_on_sparql_in_a_query_worker(demo_copy):
    """/sparql's path with a query pool: the FROM text is checked and run in a worker over its
    own FROM graphs, with the named route's answer. With teeth: peer-comparison given a scope
    compares a community with itself alone on /sparql too, as the narrowed named run does."""
    from lcc_graph.sparql_guard import QueryLimits
    from lcc_graph.store import open_stores

    stores = open_stores(demo_copy)
    try:
        stores.start_readers(demo_copy / "checkpoints", size=1)
        community = community_ids(stores)[2]
        values = {"community": community}
        for query_id in ("citizen-involvement", "learning-modes", "criteria-coverage"):
            query = load_catalogue().get(query_id)
            adhoc = stores.query_untrusted(query.bind(values, dataset=True), QueryLimits(), {})
            assert answer(adhoc) == answer(query.run(stores, values)), query_id
        peers = dataclasses.replace(load_catalogue().get("peer-comparison"), scope=WIDEST)
        values = next({"community": c} for c in community_ids(stores)
                      if answer(peers.run(stores, {"community": c})) != answer(unscoped(stores, peers, {"community": c})))
        adhoc = stores.query_untrusted(peers.bind(values, dataset=True), QueryLimits(), {})
        assert answer(adhoc) == answer(peers.run(stores, values))
        assert adhoc.values() and {row["peers"] for row in adhoc.values()} == {"1"}  # only itself
    finally:
        stores.close()


def test_the_editor_opens_the_scoped_text_and_sparql_answers_it_as_the_named_route(client):
    """editor_text (the query page's text and its links to the editor) is the FROM form given a
    community; /sparql runs it with the named route's answer. The editor's examples name no
    community, so they have no FROM."""
    from lcc_graph.views.sparql_examples import editor_examples, editor_text, public_text

    catalogue = load_catalogue()
    query = catalogue.get("learning-modes")
    named = client.get("/queries/learning-modes").json()["rows"]
    community = named[len(named) // 2]["community"]
    values = {"community": community}
    text = editor_text(query, values)
    graph = community_graph(community_id_of_iri(community), "data")
    assert text == public_text(query.bind(values, dataset=True)) and f"\nFROM <{graph}>\nWHERE {{" in text
    page = client.get("/queries/learning-modes", params=values, headers={"Accept": "text/html"}).text
    assert f"FROM &lt;{graph}&gt;" in page
    one = client.get("/queries/learning-modes", params=values).json()["rows"]
    adhoc = client.get("/sparql", params={"query": text}, headers={"Accept": "application/sparql-results+json"})
    assert adhoc.status_code == 200, adhoc.text
    rows = [{k: v["value"] for k, v in b.items()} for b in adhoc.json()["results"]["bindings"]]
    assert rows == one and len(rows) == 3  # formal, non-formal, informal
    assert not any("\nFROM <" in e["query"] for e in editor_examples(catalogue))


# ---- the header


SCOPED = """#+ params:
#+   community: {{type: {ptype}}}
#+ scope: {scope}
PREFIX lcc: <https://w3id.org/lcc#>
SELECT ?x WHERE {{ ?x lcc:community ?community }}
"""


def test_the_header_lists_the_graphs_a_query_reads(tmp_path):
    write(tmp_path, "mine", HEADER.format(id="mine") + SCOPED.format(ptype="iri", scope="[data, findings, framework]"))
    write(tmp_path, "some", HEADER.format(id="some") + SCOPED.format(ptype="iri", scope="[shapes/criteria, answers, framework/unesco]"))
    write(tmp_path, "data", HEADER.format(id="data") + SCOPED.format(ptype="iri", scope="data"))
    write(tmp_path, "every", HEADER.format(id="every") + "#+ params:\n#+   community: {type: iri}\n"
          "SELECT ?x WHERE { ?x <https://w3id.org/lcc#community> ?community }\n")
    catalogue = load_catalogue(tmp_path)
    assert [catalogue.get(i).scope for i in ("data", "every", "mine")] == [("data",), (), ("data", "findings", "framework")]
    assert catalogue.get("mine").dataset({"community": "alpha"}) == expected_graphs(("data", "findings", "framework"), "alpha")
    assert catalogue.get("data").dataset({"community": "alpha"}) == [community_graph("alpha", "data")]
    assert catalogue.get("some").dataset({"community": "alpha"}) == [community_graph("alpha", "answers"),
                                                                      GRAPHS + "shapes/criteria", GRAPHS + "framework/unesco"]
    assert set(framework_graphs()) > {GRAPHS + "shapes/criteria", GRAPHS + "framework/unesco"}
    assert catalogue.get("every").dataset({"community": "alpha"}) is None


@pytest.mark.parametrize("scope, problem", [
    ("community", "'community' is not a graph a scope names: one of data, findings, assessment, "
                  "assessment-history, answers (the community's), framework (every framework graph) or a "
                  "framework graph (framework/criteria, framework/dialogue, "),
    ("[data, framework/nowhere]", "'framework/nowhere' is not a graph a scope names"),
    ("[data, graphs/framework/criteria]", "'graphs/framework/criteria' is not a graph a scope names"),
    ("[data, framework, framework/criteria]", "scope names framework, every framework graph, and one of them as well"),
    ("[framework/criteria]", "scope must name at least one of the community's graphs"),
    ("[data, public]", "'public' is not a graph a scope names"),
    ("[]", "scope must list the graphs the query reads given a community, e.g. [data, framework]"),
    ("''", "'' is not a graph a scope names"),
    ("", "scope must list the graphs"),
    ("{data: true}", "scope must list the graphs"),
    ("[data, 3]", "scope must list the graphs"),
    ("[data, data]", "scope names a graph twice"),
    ("[framework]", "scope must name at least one of the community's graphs"),
])
def test_a_bad_scope_is_refused_naming_the_file(tmp_path, scope, problem):
    write(tmp_path, "bad", HEADER.format(id="bad") + SCOPED.format(ptype="iri", scope=scope))
    with pytest.raises(CatalogueError) as err:
        load_catalogue(tmp_path)
    assert "bad.rq" in str(err.value) and problem in str(err.value)


@pytest.mark.parametrize("text, problem", [
    (SCOPED.format(ptype="literal", scope="[data]"), "scope needs a parameter community of type iri"),
    ("#+ scope: [data]\nSELECT ?s WHERE { ?s ?p ?o }\n", "scope needs a parameter community of type iri"),
    (SCOPED.format(ptype="iri", scope="[data]").replace("{ ?x lcc:community ?community }",
                                                        "{ GRAPH ?g { ?x lcc:community ?community } }"),
     "cannot name graphs itself"),
    (SCOPED.format(ptype="iri", scope="[data]").replace("SELECT ?x WHERE", "SELECT ?x FROM <urn:g> WHERE"),
     "cannot name graphs itself"),
])
def test_a_scope_the_query_cannot_have_is_refused(tmp_path, text, problem):
    write(tmp_path, "bad", HEADER.format(id="bad") + text)
    with pytest.raises(CatalogueError) as err:
        load_catalogue(tmp_path)
    assert "bad.rq" in str(err.value) and problem in str(err.value)


def test_graph_in_a_string_iri_or_comment_is_not_naming_graphs(tmp_path):
    body = SCOPED.format(ptype="iri", scope="[data]").replace(
        "SELECT ?x WHERE { ?x lcc:community ?community }",
        '# GRAPH and FROM in a comment\nSELECT ?x WHERE { ?x lcc:community ?community ; '
        'lcc:label "from the GRAPH" . OPTIONAL { ?x <urn:GRAPH> ?from } }')
    write(tmp_path, "fine", HEADER.format(id="fine") + body)
    assert load_catalogue(tmp_path).get("fine").scope == ("data",)
