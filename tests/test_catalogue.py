"""The catalogue loader: headers, parameters, binding, and refusing what cannot be served."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from lcc_graph.catalogue import CatalogueError, load_catalogue
from lcc_graph.catalogue.binding import analyse, parse_checked, values_block
from lcc_graph.errors import NotFound, QueryError
from lcc_graph.store import EmbeddedStore

HEADER = """#+ id: {id}
#+ summary: A test query
#+ question: Does it work?
#+ criteria: [partnerships]
#+ kind: table
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.rq"
    path.write_text(text, encoding="utf-8")
    return path


def good(folder: Path, name: str = "good") -> Path:
    return write(folder, name, HEADER.format(id=name) + """#+ params:
#+   community: {type: iri}
#+   label: {type: literal}
#+   min: {type: integer, default: 2}
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?x ?label WHERE { ?x rdfs:label ?label ; <https://w3id.org/lcc#community> ?community }
GROUP BY ?x ?label HAVING (COUNT(*) >= SAMPLE(?min) - 1)
""")


def test_every_shipped_query_loads_and_agrees_with_rdflib():
    fast = load_catalogue()
    strict = load_catalogue(strict=True)  # also checks each query on rdflib's parse tree
    assert fast.ids() == strict.ids()
    assert len(fast) >= 16
    required = {
        "cross-sector-partnerships": {"community", "min_sectors"},
        "sector-collaboration-matrix": {"community"},
        "partnerships-outside-public-authorities": {"community"},
        "initiative-origins": {"community"},
        "citizen-involvement": {"community"},
        "inclusion-reach": {"community"},
        "outreach-disengaged": {"community"},
        "needs-coverage": {"community"},
        "talent-innovation-entrepreneurship": {"community"},
        "learning-modes": {"community"},
        "penetration": {"community"},
        "unsuccessful-practices": {"community"},
        "criteria-coverage": {"community"},
        "resource-relative-indicators": set(),
        "peer-comparison": {"community"},
        "dialogue-questions": {"stage", "community"},
    }
    for query_id, params in required.items():
        assert params <= set(fast.get(query_id).params), query_id
    for q in fast:
        assert q.question and q.summary and q.criteria and q.iri == f"https://w3id.org/lcc/queries/{q.id}"
        assert q.variables == strict.get(q.id).variables


def test_get_unknown_query():
    with pytest.raises(NotFound):
        load_catalogue().get("no-such-query")


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        ("noheader", "SELECT * WHERE { ?s ?p ?o }", "no '#+' header"),
        ("badyaml", "#+ id: [unclosed\nSELECT * WHERE { ?s ?p ?o }", "not valid YAML"),
        ("missing", "#+ id: missing\n#+ summary: s\nSELECT * WHERE { ?s ?p ?o }", "missing header key"),
        ("extra", HEADER.format(id="extra") + "#+ colour: blue\nSELECT * WHERE { ?s ?p ?o }", "unknown header key"),
        ("crit", HEADER.format(id="crit").replace("[partnerships]", "[health]") + "SELECT * WHERE { ?s ?p ?o }",
         "unknown criterion slug(s): health"),
        ("kind", HEADER.format(id="kind").replace("kind: table", "kind: chart") + "SELECT * WHERE { ?s ?p ?o }",
         "kind 'chart'"),
        ("askkind", HEADER.format(id="askkind") + "ASK { ?s ?p ?o }", "does not fit a ASK query"),
        ("wrongid", HEADER.format(id="other-id") + "SELECT * WHERE { ?s ?p ?o }", "does not match the file name"),
        ("ptype", HEADER.format(id="ptype") + "#+ params:\n#+   x: {type: number}\nSELECT * WHERE { ?x ?p ?o }",
         "parameter x: type 'number'"),
        ("pdefault", HEADER.format(id="pdefault") + "#+ params:\n#+   x: {type: integer, default: two}\n"
         "SELECT * WHERE { ?x ?p ?o }", "default of parameter x"),
        ("preq", HEADER.format(id="preq") + "#+ params:\n#+   x: {type: integer, required: true, default: 2}\n"
         "SELECT * WHERE { ?x ?p ?o }", "required parameter cannot have a default"),
        ("pkey", HEADER.format(id="pkey") + "#+ params:\n#+   x: {type: iri, colour: red}\nSELECT * WHERE { ?x ?p ?o }",
         "unknown key(s) colour"),
        ("syntax", HEADER.format(id="syntax") + "SELECT * WHERE { ?s ?p }", "does not parse"),
        ("undeclared", HEADER.format(id="undeclared") + "#+ params:\n#+   community: {type: iri}\n"
         "SELECT ?s WHERE { ?s ?p ?o }", "community are not variables of the query's top-level pattern"),
        ("subonly", HEADER.format(id="subonly") + "#+ params:\n#+   community: {type: iri}\n"
         "SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?community } } }", "community are not variables"),
        ("short", HEADER.format(id="short").replace("kind: table", "kind: graph") + "#+ params:\n#+   o: {type: iri}\n"
         "CONSTRUCT WHERE { ?s ?p ?o }", "short form CONSTRUCT WHERE"),
    ],
)
def test_a_broken_file_is_refused_with_its_name(tmp_path, name, text, problem):
    good(tmp_path)
    write(tmp_path, name, text)
    with pytest.raises(CatalogueError) as info:
        load_catalogue(tmp_path)
    assert info.value.message.startswith(f"{name}.rq: ")
    assert problem in info.value.message
    assert info.value.details["file"].endswith(f"{name}.rq")


def test_an_id_must_match_its_file_and_the_folder_must_exist(tmp_path):
    with pytest.raises(CatalogueError, match="does not exist"):
        load_catalogue(tmp_path / "nowhere")
    good(tmp_path / "q", "good")
    good(tmp_path / "q", "good2")
    (tmp_path / "q" / "good2.rq").write_text((tmp_path / "q" / "good2.rq").read_text().replace("id: good2", "id: good"))
    with pytest.raises(CatalogueError, match="good2.rq: id 'good' does not match the file name"):
        load_catalogue(tmp_path / "q")


def test_a_parameter_read_in_having_is_a_parameter_of_the_query(tmp_path):
    good(tmp_path)
    q = load_catalogue(tmp_path).get("good")
    assert set(q.params) == {"community", "label", "min"}


# --------------------------------------------------------------------------- binding


def test_values_block_goes_first_in_the_top_level_where(tmp_path):
    good(tmp_path)
    q = load_catalogue(tmp_path).get("good")
    text = q.bind({"community": "https://w3id.org/lcc/communities/alpha"})
    block = ('\n  VALUES (?community ?label ?min) { (<https://w3id.org/lcc/communities/alpha> UNDEF '
             '"2"^^<http://www.w3.org/2001/XMLSchema#integer>) }\n')
    offset = q.text.index("WHERE {") + len("WHERE {")
    assert text == q.text[:offset] + block + q.text[offset:]
    parse_checked(text, ["community", "label", "min"])  # rdflib agrees the block is first


@pytest.mark.parametrize(
    "query",
    [
        # a brace in a comment, in a string, an IRI-like operator, a projection EXISTS, lower case
        "# { not this\nSELECT ?x (\"WHERE {\" AS ?s) (EXISTS { ?x ?p ?o } AS ?e) where { ?x ?p ?o FILTER(?p < ?o) }",
        "SELECT * { ?x ?p ?o }",  # no WHERE keyword
        "PREFIX ex: <http://ex/WHERE/>\nSELECT * WHERE { ?x ex:p ?o }",
        "CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }",
        "CONSTRUCT { ?x ?p ?o } { ?x ?p ?o }",
        "ASK { ?x ?p ?o }",
        'SELECT ?x WHERE { ?x ?p """a } b""" . { SELECT ?x WHERE { ?x ?q ?r } } }',
    ],
)
def test_the_top_level_where_is_found_whatever_the_text(query):
    scan = analyse(query)
    bound = query[: scan.offset] + values_block(["x"], {"x": None}) + query[scan.offset :]
    parse_checked(bound, ["x"])
    ox.Store().query(bound)


def _two_graphs() -> ox.Store:
    """<urn:a> in <urn:g1>, <urn:b> in <urn:g2>: a FROM <urn:g1> reads only the first."""
    store = ox.Store()
    p = ox.NamedNode("urn:p")
    store.add(ox.Quad(ox.NamedNode("urn:a"), p, ox.Literal("1"), ox.NamedNode("urn:g1")))
    store.add(ox.Quad(ox.NamedNode("urn:b"), p, ox.Literal("2"), ox.NamedNode("urn:g2")))
    return store


def _answer(result) -> object:
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QuerySolutions):
        return sorted(tuple(str(term) for term in row) for row in result)
    return sorted(str(triple) for triple in result)


@pytest.mark.parametrize(
    "query, where",
    [
        ("SELECT ?x WHERE { ?x ?p ?o }", "WHERE"),
        ("SELECT * { ?x ?p ?o }", "{"),  # no WHERE keyword: before the group's brace
        ('# WHERE { not this\nSELECT ?x ("WHERE {" AS ?s) (EXISTS { ?x ?p ?o } AS ?e) where { ?x ?p ?o }', "where {"),
        ("PREFIX ex: <http://ex/WHERE/>\nSELECT ?x\nWHERE { ?x ?p ?o }", "WHERE {"),
        ("SELECT ?x (COUNT(*) AS ?n) WHERE { ?x ?p ?o { SELECT ?x WHERE { ?x ?q ?r } } } GROUP BY ?x", "WHERE { ?x ?p"),
        ("CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }", "WHERE"),
        ("CONSTRUCT { ?x ?p ?o } { ?x ?p ?o }", "{ ?x ?p ?o }"),  # the WHERE group, not the template
        ("CONSTRUCT WHERE { ?x ?p ?o }", "WHERE"),
        ('ASK { ?x ?p "2" }', "{"),
        ('ASK WHERE { ?x ?p "2" }', "WHERE"),
        ("DESCRIBE ?x WHERE { ?x ?p ?o }", "WHERE"),
    ],
)
def test_dataset_clauses_go_before_the_top_level_where(query, where):
    """FROM lines land where the grammar puts DatasetClause, after the SELECT clause, the CONSTRUCT
    template or ASK, each on its own line; the engine then reads only those graphs (the answer
    over <urn:g1> alone), unless the caller chooses the dataset (the union flag overrides FROM)."""
    from lcc_graph.catalogue.binding import dataset_clauses, inject_dataset

    scan = analyse(query)
    assert scan.dataset_offset == query.rindex(where)
    text = inject_dataset(query, scan.dataset_offset, ["urn:g1"])
    before = query[:scan.dataset_offset].rstrip()
    assert text in (before + "\nFROM <urn:g1>\n" + query[scan.dataset_offset:],
                    before + "FROM <urn:g1>\n" + query[scan.dataset_offset:])
    again = analyse(text)
    assert text[:again.dataset_offset].endswith(dataset_clauses(["urn:g1"]))
    store = _two_graphs()
    alone = _answer(store.query(text))
    assert alone == _answer(store.query(query, default_graph=[ox.NamedNode("urn:g1")]))
    assert alone != _answer(store.query(query, use_default_graph_as_union=True))
    assert _answer(store.query(text, use_default_graph_as_union=True)) != alone
    parse_checked(text, [])  # rdflib parses it too


HOSTILE = [
    'x" } ; DROP ALL ; SELECT * WHERE { ?a ?b "',
    "a\\u0022 } ; DROP ALL #",
    "a\\U0001F600 > } ; DROP ALL",
    "line\nbreak '\"' {{ }} ?label $label <http://evil/>",
    "\\",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_value_carrying_sparql_syntax_is_only_a_value(tmp_path, value):
    good(tmp_path)
    q = load_catalogue(tmp_path).get("good")
    text = q.bind({"label": value})
    # nothing but the VALUES block was added, and the block holds the value as one literal
    block = values_block(["community", "label", "min"], {"label": ox.Literal(value), "min": ox.Literal("2", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))})
    offset = analyse(q.text).offset
    assert text == q.text[:offset] + block + q.text[offset:]
    # rdflib's parse agrees: one row, the label one literal, the rest of the query as written.
    # (rdflib decodes \\u sequences in the whole text before parsing, as the SPARQL text allows,
    # which alters such a value or makes the text unparseable, never a different query;
    # pyoxigraph keeps the value exactly, which the run below checks.)
    if "\\u" not in value and "\\U" not in value:
        parsed, variables = parse_checked(text, ["community", "label", "min"])
        (row,) = parsed["where"]["part"][0]["value"]
        assert row[0] == "UNDEF" and str(row[1]["string"]) == value
        assert variables == {"x", "label", "community", "min"}
    # run it: it finds exactly the resource labelled with that text, and the store is unchanged
    store = EmbeddedStore(tmp_path / "store")
    lcc = "https://w3id.org/lcc#community"
    for i, label in enumerate([value, "plain", value + "x"]):
        s = ox.NamedNode(f"https://w3id.org/lcc/communities/alpha/r{i}")
        store.bulk_add("https://w3id.org/lcc/graphs/communities/alpha/data", [
            ox.Triple(s, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal(label)),
            ox.Triple(s, ox.NamedNode(lcc), ox.NamedNode("https://w3id.org/lcc/communities/alpha")),
        ])
    before = store.count()
    rows = store.query(text, default_graph=store.graphs()).values()
    assert rows == [{"x": "https://w3id.org/lcc/communities/alpha/r0", "label": value}]
    assert store.count() == before
    store.close()


def test_values_of_the_wrong_type_are_errors_naming_the_parameter(tmp_path):
    good(tmp_path)
    q = load_catalogue(tmp_path).get("good")
    for params, name in [
        ({"community": "https://w3id.org/lcc/communities/alpha> } ; DROP ALL #"}, "community"),
        ({"community": "not an iri"}, "community"),
        ({"community": "relative/path"}, "community"),
        ({"min": "2 ; DROP ALL"}, "min"),
        ({"min": "2.5"}, "min"),
        ({"min": "１２"}, "min"),  # full-width digits are not xsd:integer
    ]:
        with pytest.raises(QueryError) as info:
            q.bind(params)
        assert info.value.message.startswith(f"parameter {name}:"), info.value.message
        assert info.value.details["parameter"] == name
    with pytest.raises(QueryError, match="unknown parameter") as info:
        q.bind({"colour": "red"})
    assert info.value.details["parameter"] == "colour"


def test_parameter_types_make_rdf_terms(tmp_path):
    write(tmp_path, "typed", HEADER.format(id="typed") + """#+ params:
#+   when: {type: date}
#+   share: {type: decimal}
#+   flag: {type: boolean}
#+   n: {type: integer, required: true}
SELECT ?when ?share ?flag ?n WHERE { }
""")
    q = load_catalogue(tmp_path).get("typed")
    text = q.bind({"when": "2024-02-29", "share": ".5", "flag": "TRUE", "n": "+7"})
    assert 'VALUES (?when ?share ?flag ?n) { ("2024-02-29"^^<http://www.w3.org/2001/XMLSchema#date> ' \
           '"0.5"^^<http://www.w3.org/2001/XMLSchema#decimal> ' \
           '"true"^^<http://www.w3.org/2001/XMLSchema#boolean> ' \
           '"7"^^<http://www.w3.org/2001/XMLSchema#integer>) }' in text
    for bad in ({"n": "1", "when": "2024-02-30"}, {"n": "1", "flag": "yes"}, {"n": "1", "share": "1e3"}):
        with pytest.raises(QueryError, match=f"parameter {next(k for k in bad if k != 'n')}:"):
            q.bind(bad)
    with pytest.raises(QueryError, match="parameter n is required"):
        q.bind({})


def test_substitutions_are_the_projected_bound_parameters(tmp_path):
    write(tmp_path, "sub", HEADER.format(id="sub") + """#+ params:
#+   community: {type: iri}
#+   n: {type: integer, default: 2}
#+   hidden: {type: literal}
SELECT ?community ?n WHERE { ?community ?p ?hidden }
""")
    q = load_catalogue(tmp_path).get("sub")
    subs = q.substitutions({"community": "https://example.org/c", "hidden": "x"})
    # ?hidden is bound but not projected (Oxigraph substitutes projected variables only)
    assert subs == {"community": ox.NamedNode("https://example.org/c"),
                    "n": ox.Literal("2", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))}
    assert q.substitutions({}) == {"n": subs["n"]}  # an absent optional parameter is not substituted


OTHER_VALUES = {
    "criterion": ["https://w3id.org/lcc/criteria/inclusion", "https://w3id.org/lcc/criteria/partnerships"],
    "emerging": ["true", "false"],
    "factor": ["1.5", "3"],
    "kind": ["https://w3id.org/lcc/dialogue-kinds/value-debate", "https://w3id.org/lcc/dialogue-kinds/peer-visit"],
    "min_sectors": ["1", "3"],
    "normalisation": ["https://w3id.org/lcc/normalisations/raw"],
    "stage": ["https://w3id.org/lcc/stages/early", "https://w3id.org/lcc/stages/mature"],
}


def test_substitutions_change_no_answer(demo_copy):
    """Every catalogue query gives the same bytes with and without substitutions, in a worker too.

    Substituting is answer-preserving for queries that do not read a parameter in a FILTER of a
    nested group, nor project it from a subquery with LIMIT or OFFSET (docs/queries.md,
    "Binding"): this checks the shipped ones for three communities and every other parameter.
    """
    from lcc_graph.store import open_stores

    catalogue = load_catalogue()
    stores = open_stores(demo_copy)
    try:
        communities = [row["c"] for row in stores.query_public(
            "SELECT ?c WHERE { ?c a <https://w3id.org/lcc#Community> } ORDER BY ?c").values()]
        communities = [communities[0], communities[len(communities) // 2], communities[-1]]
        checked = 0
        for q in catalogue:
            if "community" not in q.params:
                continue
            assert ("community" in q.substitutions({"community": communities[0]})) == ("community" in q.variables), q.id
            variants = [{}] + [{name: value} for name in q.params if name in OTHER_VALUES for value in OTHER_VALUES[name]]
            for community in communities:
                for extra in variants:
                    values = {"community": community, **extra}
                    plain = stores.query_public(q.bind(values))
                    assert q.run(stores, values).data == plain.data, (q.id, values)
                    checked += 1
        assert checked >= 150
        stores.start_readers(demo_copy / "checkpoints", size=1)
        penetration = catalogue.get("penetration")
        pooled = penetration.run(stores, {"community": communities[1]})
        assert pooled.data == stores.public.query(penetration.bind({"community": communities[1]}), union=True).data
        assert len(pooled.rows()) == 1 and pooled.rows()[0]["community"].value == communities[1]
    finally:
        stores.close()


def test_pages_of_a_report_are_read_from_one_run_until_the_next_write(demo_copy):
    """The pool keeps a deterministic answer per checkpoint; a committed write starts afresh."""
    from lcc_graph.store import open_stores

    stores = open_stores(demo_copy)
    try:
        stores.start_readers(demo_copy / "checkpoints", size=1)
        cache = stores.pool.cache
        query = load_catalogue().get("learning-modes")
        assert query.deterministic
        first = query.run(stores)
        assert (cache.hits, cache.misses, len(cache)) == (0, 1, 1)
        again = query.run(stores)
        assert again.data == first.data and (cache.hits, cache.misses) == (1, 1)
        # a different parameter value is another answer
        community = first.rows()[0]["community"].value
        one = query.run(stores, {"community": community})
        assert len(one.rows()) == 3 and (cache.hits, cache.misses, len(cache)) == (1, 2, 2)
        # /sparql-style reads (no cache asked) are never kept
        stores.query_public(query.bind({}))
        assert (cache.hits, cache.misses, len(cache)) == (1, 2, 2)
        # a write publishes a new checkpoint: the old answers go, the new data is read
        graph = f"https://w3id.org/lcc/graphs/communities/{community.rsplit('/', 1)[1]}/data"
        stores.replace_graphs({graph: None})
        assert len(cache) == 0
        after = query.run(stores)
        assert cache.misses == 3 and community not in {r["community"].value for r in after.rows()}
        assert len(after.rows()) == len(first.rows()) - 3
    finally:
        stores.close()


def test_queries_with_now_or_rand_are_not_cached(tmp_path):
    write(tmp_path, "clock", HEADER.format(id="clock") + "SELECT (NOW() AS ?t) WHERE { }\n")
    write(tmp_path, "plain", HEADER.format(id="plain") + "SELECT ?s WHERE { ?s ?p ?o }\n")
    catalogue = load_catalogue(tmp_path)
    assert not catalogue.get("clock").deterministic and catalogue.get("plain").deterministic


def test_parallel_reads_of_one_uncached_answer_run_it_once(demo_copy):
    """Requests for the pages of a report that arrive together wait for the one run under way."""
    from concurrent.futures import ThreadPoolExecutor

    from lcc_graph.store import open_stores

    stores = open_stores(demo_copy)
    try:
        stores.start_readers(demo_copy / "checkpoints", size=2)
        pool = stores.pool
        # slow enough (a few hundred ms on the 12 demo communities) for the four to overlap
        slow = ("SELECT (COUNT(*) AS ?n) WHERE { ?a <https://w3id.org/lcc#community> ?c . "
                "?b <https://w3id.org/lcc#community> ?c }")
        runs = pool.runs
        with ThreadPoolExecutor(4) as threads:
            answers = list(threads.map(lambda _: stores.query_public(slow, cache=True).data, range(4)))
        assert len(set(answers)) == 1
        assert pool.runs - runs == 1 and pool.cache.hits >= 3
        stores.query_public(slow)  # without the cache: a run of its own
        assert pool.runs - runs == 2
    finally:
        stores.close()


def test_substitutions_reach_the_engine_directly_and_in_a_worker(demo_copy):
    """A subquery with LIMIT 1 sees a substituted ?c (and only a substituted one): the answer tells."""
    from lcc_graph.store import open_stores

    stores = open_stores(demo_copy)
    try:
        ids = [row["c"] for row in stores.query_public(
            "SELECT ?c WHERE { ?c a <https://w3id.org/lcc#Community> } ORDER BY ?c").values()]
        last = ox.NamedNode(ids[-1])
        text = ("SELECT ?c WHERE { { SELECT ?c WHERE { ?c a <https://w3id.org/lcc#Community> } "
                "ORDER BY ?c LIMIT 1 } }")
        assert [r["c"] for r in stores.query_public(text).values()] == [ids[0]]
        assert [r["c"] for r in stores.query_public(text, substitutions={"c": last}).values()] == [ids[-1]]
        stores.start_readers(demo_copy / "checkpoints", size=1)
        assert [r["c"] for r in stores.query_public(text).values()] == [ids[0]]
        assert [r["c"] for r in stores.query_public(text, substitutions={"c": last}).values()] == [ids[-1]]
    finally:
        stores.close()


def test_no_shipped_query_leaves_a_value_unbound_by_dividing_by_zero():
    """``BIND(IF(c, ?x, 1/0) AS ?y)`` leaves ?y unbound in SPARQL, but Virtuoso stops the whole query
    with "Division by 0" (CI's remote-engine run caught it in policy-making): an unbound variable
    (``?none``) leaves it unbound everywhere."""
    import re

    for query in load_catalogue():
        body = re.sub(r"(?m)(^|\s)#.*$", "", query.text)  # comments out (an IRI's # stays)
        assert not re.search(r"/\s*0(?![.\d])", body), query.id
