"""Two `lcc serve` instances over one SPARQL engine: nothing that matters lives in one instance.

Everything runs on 127.0.0.1: the engine (`oxigraph serve`, or Virtuoso) and two uvicorn processes
with LCC_STORE=remote and LCC_PRIVATE_STORE=remote, each with a data directory of its own (which
then holds nothing but the framework files in use). Every wait is bounded.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest

from .conftest import require
from .remote_servers import (HOST, OXIGRAPH_START_S, _stop, _wait_http, free_port, oxigraph_binary,
                             virtuoso_binaries, virtuoso_server)

pytestmark = pytest.mark.slow
ADMIN = {"Authorization": "Bearer admin-secret"}
TURTLE = "text/turtle"
DATA = """@prefix lcc: <https://w3id.org/lcc#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sectors: <https://w3id.org/lcc/sectors/> . @prefix fields: <https://w3id.org/lcc/fields/> .
@prefix levels: <https://w3id.org/lcc/levels/> . @prefix org: <http://www.w3.org/ns/org#> .
<../harbour> a lcc:Community ; rdfs:label "Harbour"@en ; lcc:population 12000 .
<partners/school> a lcc:Partner ; lcc:community <../harbour> ; rdfs:label "Harbour School"@en ;
  lcc:sector sectors:public ; lcc:field fields:education ; lcc:level levels:municipal .
<partners/bank> a lcc:Partner ; lcc:community <../harbour> ; rdfs:label "Harbour Bank"@en ;
  lcc:sector sectors:private ; lcc:field fields:finance ; lcc:level levels:municipal .
"""


def partnerships(n: int) -> str:
    """The data with n partnerships of the school and the bank."""
    return DATA + "".join(
        f'<partnerships/p{i}> a lcc:Partnership ; lcc:community <../harbour> ; rdfs:label "Partnership {i}"@en ;'
        f' org:hasMember <partners/school>, <partners/bank> ; lcc:agenda "Agenda {i}" .\n' for i in range(n))


class Oxigraph:
    """`oxigraph serve` on a fixed port and directory, so that it can be stopped and started again."""

    name = "oxigraph"

    def __init__(self, workdir: Path) -> None:
        self.workdir, self.port, self.proc = workdir, free_port(), None
        self.base = f"http://{HOST}:{self.port}"
        self.env = {"LCC_REMOTE_ENGINE": "oxigraph", "LCC_REMOTE_QUERY_URL": f"{self.base}/query",
                    "LCC_REMOTE_UPDATE_URL": f"{self.base}/update"}

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = self.workdir / "oxigraph.log"
        with open(log, "ab") as out:
            self.proc = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(self.workdir / "db"),
                                          "--bind", f"{HOST}:{self.port}"], stdout=out, stderr=subprocess.STDOUT)
        _wait_http(f"{self.base}/", self.proc, log, OXIGRAPH_START_S)

    def stop(self) -> None:
        _stop(self.proc)


@contextmanager
def engine(kind: str, workdir: Path):
    if kind == "oxigraph":
        require(oxigraph_binary() is not None, "the oxigraph server binary is not installed (pip install oxigraph)")
        srv = Oxigraph(workdir)
        srv.start()
        try:
            yield srv
        finally:
            srv.stop()
    else:
        require(all(virtuoso_binaries()), "Virtuoso (virtuoso-opensource-7-bin) is not installed")
        with virtuoso_server(workdir, max_query_s=10) as srv:
            srv.env = {"LCC_REMOTE_ENGINE": "virtuoso", "LCC_REMOTE_QUERY_URL": srv.query_url,
                       "LCC_REMOTE_UPDATE_URL": srv.update_url}
            first = srv.proc

            def stop() -> None:
                _stop(srv.proc)

            def start() -> None:  # the same ini, ports and database: grants and data are kept
                with open(srv.log, "ab") as out:
                    srv.proc = subprocess.Popen([virtuoso_binaries()[0], "+foreground", "+configfile",
                                                 str(workdir / "virtuoso.ini")], stdout=out,
                                                stderr=subprocess.STDOUT, cwd=workdir)
                _wait_http(f"{srv.base_url}/sparql?query=ASK%7B%7D", srv.proc, srv.log, 60)

            srv.stop, srv.start = stop, start
            try:
                yield srv
            finally:
                if srv.proc is not first:
                    _stop(srv.proc)


@contextmanager
def instance(workdir: Path, engine_env: dict):
    """One `lcc serve` over the engine, private graphs in the engine too."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LCC_") and not k.lower().endswith("_proxy")}
    env.update(engine_env, LCC_STORE="remote", LCC_PRIVATE_STORE="remote", LCC_ADMIN_TOKEN="admin-secret",
               LCC_QUERY_TIMEOUT_S="10")
    log = workdir / "serve.log"
    workdir.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        proc = subprocess.Popen([sys.executable, "-m", "lcc_graph.cli", "serve", "--data-dir", str(workdir / "data"),
                                 "--port", str(port)], stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        _wait_http(f"http://{HOST}:{port}/health", proc, log, 90)
        with httpx.Client(base_url=f"http://{HOST}:{port}", timeout=60, trust_env=False) as client:
            yield client
    finally:
        _stop(proc)


@pytest.mark.parametrize("kind", ["oxigraph", "virtuoso"])
def test_two_instances_share_everything_through_the_engine(kind, tmp_path):
    with ExitStack() as stack:
        srv = stack.enter_context(engine(kind, tmp_path / "engine"))
        a = stack.enter_context(instance(tmp_path / "a", srv.env))
        b = stack.enter_context(instance(tmp_path / "b", srv.env))

        # registered and given a token through A, the community uploads through B
        assert a.post("/communities", json={"id": "harbour", "label": "Harbour"}, headers=ADMIN).status_code == 201
        assert b.post("/communities", json={"id": "harbour", "label": "Again"}, headers=ADMIN).status_code == 409
        token = a.post("/communities/harbour/tokens", headers=ADMIN).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        r = b.put("/communities/harbour/data", content=partnerships(1), headers={**auth, "Content-Type": TURTLE})
        assert r.status_code in (200, 201), r.text
        assert r.json()["version"]["version"] == 1
        # history and answers read through either
        for client in (a, b):
            assert [v["version"] for v in client.get("/communities/harbour/history", headers=auth).json()["versions"]] == [1]
        r = a.post("/communities/harbour/answers", json={"question": "early-1", "text": "Jobs."}, headers=auth)
        assert r.status_code == 201, r.text
        q = ("PREFIX lcc: <https://w3id.org/lcc#> SELECT ?t WHERE { ?x lcc:answers <https://w3id.org/lcc/questions/early-1> ;"
             " lcc:text ?t }")
        assert [row["t"]["value"] for row in b.get("/sparql", params={"query": q}).json()["results"]["bindings"]] == ["Jobs."]

        # no read reaches the private graphs: not by GRAPH, not by FROM, not by the Graph Store Protocol
        leak = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), 'urn:lcc:private:')) }"
        assert b.get("/sparql", params={"query": leak}).json()["results"]["bindings"][0]["n"]["value"] == "0"
        leak = "SELECT (COUNT(*) AS ?n) FROM <urn:lcc:private:tokens> WHERE { ?s ?p ?o }"
        r = a.get("/sparql", params={"query": leak})
        assert r.status_code == 400 and "urn:lcc:private:tokens is not one" in r.json()["message"]
        leak = "PREFIX p: <urn:lcc:private:> SELECT (COUNT(*) AS ?n) FROM NAMED p:tokens WHERE { GRAPH ?g { ?s ?p ?o } }"
        assert a.get("/sparql", params={"query": leak}).status_code == 400
        mine = ("SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/lcc/graphs/communities/harbour/data> "
                "WHERE { ?s a <https://w3id.org/lcc#Partner> }")
        assert a.get("/sparql", params={"query": mine}).json()["results"]["bindings"][0]["n"]["value"] == "2"
        leak = "SELECT ?h WHERE { GRAPH <urn:lcc:private:tokens> { ?t ?p ?h } }"
        assert a.get("/sparql", params={"query": leak}).json()["results"]["bindings"] == []
        assert not any(g.startswith("urn:lcc:private:") for g in a.get("/graphs").json()["graphs"])
        assert a.get("/graphs", params={"graph": "urn:lcc:private:tokens"}).status_code == 404

        # a write through A is seen by a named query through B at once (the community by its id)
        r = a.put("/communities/harbour/data", content=partnerships(3), headers={**auth, "Content-Type": TURTLE})
        assert r.status_code in (200, 201) and r.json()["version"]["version"] == 2, r.text
        answer = b.get("/queries/cross-sector-partnerships", params={"community": "harbour"})
        assert answer.status_code == 200, answer.text
        assert len(answer.json()["rows"]) == 3

        # two uploads at once, through A and through B: both versions kept, the data one whole version
        answers: dict[str, httpx.Response] = {}

        def send(name: str, client: httpx.Client, n: int) -> None:
            answers[name] = client.put("/communities/harbour/data", content=partnerships(n),
                                       headers={**auth, "Content-Type": TURTLE})

        threads = [threading.Thread(target=send, args=("a", a, 4)), threading.Thread(target=send, args=("b", b, 5))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert {n: r.status_code for n, r in answers.items()} == {"a": 201, "b": 201} or \
            all(r.status_code in (200, 201) for r in answers.values()), {n: r.text for n, r in answers.items()}
        versions = sorted(r.json()["version"]["version"] for r in answers.values())
        assert versions == [3, 4]
        kept = a.get("/communities/harbour/history", headers=auth).json()["versions"]
        assert [v["version"] for v in kept] == [1, 2, 3, 4]
        last = max(answers.values(), key=lambda r: r.json()["version"]["version"])
        expected = 4 if last is answers["a"] else 5
        rows = a.get("/queries/cross-sector-partnerships", params={"community": "harbour"}).json()["rows"]
        assert len(rows) == expected

        # a framework version published through A is the one B validates the next upload with
        v11 = (Path(__file__).parent / "data" / "framework-v1.1-publish.ttl").read_bytes()
        r = a.post("/framework/versions", content=v11, headers={**ADMIN, "Content-Type": TURTLE})
        assert r.status_code == 201, r.text
        no_agenda = partnerships(2) + ('<partnerships/open> a lcc:Partnership ; lcc:community <../harbour> ;'
                                       ' rdfs:label "No agenda"@en ; org:hasMember <partners/school>, <partners/bank> .\n')
        r = b.put("/communities/harbour/data", content=no_agenda, headers={**auth, "Content-Type": TURTLE})
        assert r.status_code in (200, 201), r.text
        q = ("PREFIX lcc: <https://w3id.org/lcc#> PREFIX sh: <http://www.w3.org/ns/shacl#> SELECT DISTINCT ?c ?v WHERE {"
             " ?f a sh:ValidationResult ; lcc:community <https://w3id.org/lcc/communities/harbour> ;"
             " sh:focusNode <https://w3id.org/lcc/communities/harbour/partnerships/open> ; lcc:criterion ?c ;"
             " lcc:frameworkVersion ?v }")
        found = {(row["c"]["value"].rsplit("/", 1)[1], row["v"]["value"])
                 for row in a.get("/sparql", params={"query": q}).json()["results"]["bindings"]}
        assert ("openness", "https://w3id.org/lcc/criteria/v1.1") in found and not any(c == "transparency" for c, _ in found)
        expected = 3  # the two partnerships with an agenda, and the one without

        # the engine stopped: both answer 503 (never a stale answer), and recover when it is back
        srv.stop()
        for client in (a, b):
            r = client.get("/queries/cross-sector-partnerships", params={"community": "harbour"})
            assert r.status_code == 503, r.text
            assert client.get("/health").status_code == 503
        srv.start()
        deadline = time.monotonic() + 60
        for client in (a, b):
            while client.get("/health").status_code != 200 and time.monotonic() < deadline:
                time.sleep(0.3)
            rows = client.get("/queries/cross-sector-partnerships", params={"community": "harbour"}).json()["rows"]
            assert len(rows) == expected


def test_every_command_works_on_the_configured_engine(tmp_path):
    """LCC_STORE=remote is honoured by demo, token, assess, export and validate --against-store:
    the engine holds what they wrote, and the data directory holds no store of its own."""
    from lcc_graph.store.remote import RemoteStore

    with engine("oxigraph", tmp_path / "engine") as srv:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LCC_") and not k.lower().endswith("_proxy")}
        env.update(srv.env, LCC_STORE="remote", LCC_PRIVATE_STORE="remote", LCC_DATA_DIR=str(tmp_path / "data"))

        def lcc(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run([sys.executable, "-m", "lcc_graph.cli", *args], capture_output=True, text=True,
                                  env=env, timeout=300)

        demo = lcc("demo", "-n", "3")
        assert demo.returncode == 0, demo.stderr
        assert "into the oxigraph engine at" in demo.stderr
        public = RemoteStore(srv.env["LCC_REMOTE_QUERY_URL"], srv.env["LCC_REMOTE_UPDATE_URL"],
                             graph_prefix="https://w3id.org/lcc/graphs/")
        data = [g for g in public.graphs() if g.endswith("/data")]
        assert len(data) == 3
        assert not (tmp_path / "data" / "public").exists() and not (tmp_path / "data" / "private").exists()
        again = lcc("demo", "-n", "3", "--if-empty")
        assert again.returncode == 0 and "already holds communities" in again.stderr
        cid = data[0].split("/communities/")[1].split("/")[0]
        token = lcc("token", "create", "-c", cid)
        assert token.returncode == 0 and token.stdout.startswith("lcc_"), token.stderr
        assessed = lcc("assess")
        assert assessed.returncode == 0 and "assessed 3 communities" in assessed.stderr, assessed.stderr
        exported = lcc("export")
        assert exported.returncode == 0 and f"/communities/{cid}/data>" in exported.stdout
        assert "urn:lcc:private:" not in exported.stdout
        # a hall another community's data describes (lcc load, on the engine), described in an
        # upload of this one: only the check against the store can see it
        other = next(g for g in data if cid not in g).split("/communities/")[1].split("/")[0]
        hall = ('<http://example.org/halls/1> a <https://w3id.org/lcc#Resource> ; <http://www.w3.org/2000/01/rdf-schema#label>'
                ' "Town hall"@en ; <https://w3id.org/lcc#community> <../{c}> .\n')
        theirs = tmp_path / "theirs.ttl"
        theirs.write_text(public_text(public, other) + hall.format(c=other))
        loaded = lcc("load", str(theirs), "-c", other)
        assert loaded.returncode == 0, loaded.stderr
        upload = tmp_path / "mine.ttl"
        upload.write_text(public_text(public, cid) + hall.format(c=cid))
        alone = lcc("validate", str(upload), "-c", cid)
        assert alone.returncode == 0, alone.stdout + alone.stderr
        checked = lcc("validate", str(upload), "-c", cid, "--against-store")
        assert checked.returncode == 1 and "already described by community" in checked.stderr, checked.stderr


def public_text(public, cid: str) -> str:
    """A community's stored data as N-Triples text."""
    import pyoxigraph as ox

    return (ox.serialize(public.get_graph(f"https://w3id.org/lcc/graphs/communities/{cid}/data"),
                         format=ox.RdfFormat.N_TRIPLES) or b"").decode()
