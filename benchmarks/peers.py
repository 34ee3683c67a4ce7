"""lcc-graph against its peers on the same data: raw pyoxigraph, Oxigraph server, rdflib-endpoint (issue 19).

    .venv/bin/python benchmarks/peers.py                              # 100 and 1,000 communities (make bench)
    .venv/bin/python benchmarks/peers.py --communities 100 --seconds 5 --out /tmp/peers.md
    .venv/bin/python benchmarks/peers.py --only lcc,oxigraph,raw      # leave rdflib-endpoint out

What it does, for each ``--communities`` size in increasing order, every step bounded in time:

1. builds a data directory of that many demo communities (``lcc_graph.demo_store.build_demo_store``,
   as benchmarks/queries.py does) under ``--work-dir``, or reuses the one there (``--rebuild``
   forces a new one); waits until RocksDB has finished compacting it (its ``.sst`` files unchanged
   for 15 s, at most 3 minutes);
2. exports its public store as N-Quads (pyoxigraph ``Store.read_only(...).dump``), the one file
   every other peer loads;
3. copies the data directory (serving writes checkpoints into it) and starts ``lcc serve`` on the
   copy, timing launch -> ``/health`` 200; stops it and starts it again (a restart), timing the same;
4. ``oxigraph load`` of the export into a new database, then ``oxigraph serve-read-only
   --union-default-graph`` on 127.0.0.1, timing launch -> first answer;
5. rdflib-endpoint (installed into the venv with pip when missing): this script run with
   ``--serve-rdflib`` loads the export into ``rdflib.Dataset(default_union=True)`` and serves it
   with ``rdflib_endpoint.SparqlEndpoint`` under uvicorn on 127.0.0.1, with
   ``rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False``: a ``FROM`` of a graph the Dataset lacks
   then reads as empty instead of rdflib fetching its IRI from the web. The loaded process forks the
   server, so that a server stuck in a query past the per-request timeout (``--rdflib-timeout``;
   rdflib cannot cancel a query) is replaced in a second instead of reloading the data;
6. opens the same store in this process (``pyoxigraph.Store.read_only``): "raw pyoxigraph", the
   engine with no service around it (``use_default_graph_as_union=True``, except for a text with
   ``FROM`` lines, which the flag would override; answer serialised as SPARQL JSON), also with the
   named route's substitutions ("raw + substitutions");
7. latency, sequential, ``--rounds`` rounds: each round runs every case on every peer, the peers'
   order rotated from case to case and round to round. The cases: the lookup ``SELECT * WHERE {
   <partner> ?p ?o }`` (round *r*: the first partner of the *r*-th community, below), every catalogue
   query for one community,
   then the all-communities form of those whose community is optional (``dialogue-questions`` with
   ``stage=early``, as benchmarks/queries.py). Every peer's SPARQL endpoint is sent the text the
   SPARQL editor opens for the case (``NamedQuery.bind(values, dataset=True)``): the parameters in a
   ``VALUES`` block and, for a query with a ``scope`` given one community, one ``FROM`` line per
   graph the named route reads (the community's graphs and the framework's its scope lists), so
   every engine reads the same graphs as the named route; an all-communities text has no ``FROM``
   and reads every graph. Oxigraph server, started with ``--union-default-graph``, lets that flag
   override a query's ``FROM`` (checked on 0.5.13), so it is also sent the same graphs as
   ``default-graph-uri`` (the protocol's dataset, which SPARQL 1.1 lets win over the query's; the
   same graphs). lcc-graph is asked through ``/sparql`` (GET, Accept
   ``application/sparql-results+json``) and through the named route (``/queries/{id}?community=
   <iri>&limit=10000``, Accept ``application/json``). The named route keeps a deterministic answer
   per checkpoint (the query pool's result cache), so round *r* asks about the *r*-th community
   nearest the median in population (the median one first), on every peer alike: each named-route
   one-community run is then a real run. A larger size asks about the smaller size's communities
   when its store holds them all (the demo builds the first communities of 1,000 as it builds
   100): a one-community query is compared across sizes on the same community. Round 1 is the cold run, reported apart; the median is over
   the other rounds. ``/sparql`` keeps a deterministic GET answer until the data changes
   (api/answer_cache.py), so every text sent ends with a comment naming the round's community: each
   round's ``/sparql`` run is a real run. rdflib-endpoint takes seconds to minutes a query, so it is bounded: asked again
   after round 1 only when its first run took under ``--rdflib-repeat-below`` seconds (at most
   ``--rdflib-rounds`` runs); a case that timed out at a smaller size is not sent again (over the
   timeout, as a lower bound); at a larger size the cases run in the order of its times at the
   smaller one, fastest first, and once its runs at one size have taken ``--rdflib-budget`` seconds
   the remaining cases are not run (their time at the smaller size kept as a lower bound);
8. throughput with ``--clients`` (16) concurrent connections for ``--seconds`` each, for the lookup
   and for ``cross-sector-partnerships`` of the median community, each twice: one query repeated
   (lcc-graph answers it from its caches after the first request: ``/sparql``'s answer cache, the
   named route's result cache) and a different query each request (the lookup of the first
   partner, or the query, of each of the 64 communities nearest the median in turn, each ended by
   a comment no other request has: every request is a run on every peer); against lcc-graph
   ``/sparql``, lcc-graph's named route (repeated only), Oxigraph server and rdflib-endpoint, ``--load-rounds`` times interleaved (rdflib-endpoint once when its
   sequential latency is over a second); with ``wrk --latency`` (installed with apt-get when
   missing and running as root), else a load generator of ``--clients`` Python processes;
9. memory: the resident set (RSS, and PSS, which counts shared pages once) of each server with
   all its child processes (lcc serve's query workers and upload sandbox), read from /proc;
10. stops every server (``finally``), then prints a Markdown report (the machine, the versions, the
   command, the tables, the ratios and issue 19's "done when" marks computed from the numbers) and
   writes it between ``<!-- peers:begin -->`` and ``<!-- peers:end -->`` of ``--out``
   (docs/benchmarks.md by default).

Only 127.0.0.1 is ever contacted. ``LCC_`` settings in the environment (``LCC_QUERY_WORKERS``, ...)
reach ``lcc serve``, except those choosing a store or a data directory.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.metadata
import json
import math
import multiprocessing as mp
import os
import platform
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.queries import settle  # noqa: E402  (waits for RocksDB's compaction, as there)

HOST = "127.0.0.1"
LCC = "https://w3id.org/lcc#"
EARLY = "https://w3id.org/lcc/stages/early"
SPARQL_JSON = "application/sparql-results+json"
THROUGHPUT_QUERY = "cross-sector-partnerships"
# the throughput targets whose every request is a query of its own (no cache can answer it)
LOOKUP_DISTINCT = "lookup, each request its own"
QUERY_DISTINCT = f"{THROUGHPUT_QUERY}, each request its own"
#: the name of each throughput target in the report
TARGET_NAMES = {"lookup": "lookup (one query, repeated)", LOOKUP_DISTINCT: "lookup (a different query each request)",
                THROUGHPUT_QUERY: f"`{THROUGHPUT_QUERY}`, one community (repeated)",
                QUERY_DISTINCT: f"`{THROUGHPUT_QUERY}`, one community (a different query each request)"}
BEGIN, END = "<!-- peers:begin -->", "<!-- peers:end -->"
NAMED_LIMIT = 10_000  # the named route's largest page: one-community answers come whole
HTTP_TIMEOUT_S = 60.0  # lcc-graph and Oxigraph server (lcc's own deadline is 20 s)
OXIGRAPH_MAX_URL = 8000  # Oxigraph server answers 400 to a request head over 8 KB: longer queries are POSTed
STARTUP_TIMEOUT_S = 900.0
STOP_S = 20.0

# issue 19, "done when"
TARGET_THROUGHPUT_SHARE = 0.5
TARGET_LOOKUP_GAP_MS = 2.0
TARGET_COLD_S = 1.0
TARGET_RDFLIB_GEOMEAN = 30.0
TARGET_STARTUP_S = 5.0
TARGET_GROWTH = 1.5
TARGET_MEMORY_MB = 400.0  # issue 19's "Build" list: the whole service after the benchmark

#: peer key -> label; ``--only`` takes lcc, raw, oxigraph, rdflib
PEERS = {
    "lcc-sparql": "lcc-graph /sparql",
    "lcc-named": "lcc-graph named route",
    "raw": "raw pyoxigraph",
    "raw-subst": "raw + substitutions",
    "oxigraph": "Oxigraph server",
    "rdflib": "rdflib-endpoint",
}
GROUPS = {"lcc": ("lcc-sparql", "lcc-named"), "raw": ("raw", "raw-subst"), "oxigraph": ("oxigraph",),
          "rdflib": ("rdflib",)}


def say(*parts) -> None:
    print(time.strftime("%H:%M:%S"), *parts, flush=True)


# --------------------------------------------------------------------------- processes and memory

def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def process_tree(pid: int) -> list[int]:
    """``pid`` and every process under it."""
    kids = _children()
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(kids.get(p, []))
    return found


def tree_memory(pid: int) -> dict:
    """RSS and PSS (MB) summed over a process tree, and its number of processes."""
    rss = pss = 0
    pids = process_tree(pid)
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss += int(line.split()[1])
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except (OSError, ValueError):
            pass
    return {"rss_mb": rss / 1024, "pss_mb": pss / 1024, "processes": len(pids)}


@dataclass
class Server:
    name: str
    port: int
    proc: subprocess.Popen
    log: Path
    startup_s: float = float("nan")

    def stop(self) -> None:
        """SIGTERM to the server's own process group (it was started in a new session), then SIGKILL."""
        if self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.proc.wait(STOP_S)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(10)

    def log_tail(self, n: int = 2000) -> str:
        try:
            return self.log.read_text(errors="replace")[-n:]
        except OSError:
            return ""


def launch(name: str, cmd: list[str], port: int, probe: str, log: Path, env: dict | None = None,
           timeout: float = STARTUP_TIMEOUT_S, accept: str = "*/*") -> Server:
    """Start ``cmd`` in its own session and time it until GET ``probe`` answers 200."""
    out = open(log, "ab")
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    out.close()
    server = Server(name, port, proc, log)
    try:
        server.startup_s = wait_http(port, probe, start, timeout, proc=proc, accept=accept)
    except BaseException:
        server.stop()
        raise
    return server


def wait_http(port: int, path: str, start: float, timeout: float, proc: subprocess.Popen | None = None,
              accept: str = "*/*") -> float:
    """Poll until GET ``path`` answers 200; the seconds since ``start``."""
    deadline = start + timeout
    last: object = None
    while time.perf_counter() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode} before answering")
        conn = http.client.HTTPConnection(HOST, port, timeout=5)
        try:
            conn.request("GET", path, headers={"Accept": accept})
            r = conn.getresponse()
            r.read()
            if r.status == 200:
                return time.perf_counter() - start
            last = r.status
        except (OSError, http.client.HTTPException) as exc:
            last = exc
        finally:
            conn.close()
        time.sleep(0.05)
    raise TimeoutError(f"127.0.0.1:{port}{path} did not answer 200 within {timeout:g} s (last: {last})")


# --------------------------------------------------------------------------- rdflib-endpoint server

def serve_rdflib(nquads: str, port: int) -> None:
    """Load the export into an rdflib Dataset and serve it with rdflib-endpoint (``--serve-rdflib``),
    never loading a FROM graph from the web (``SPARQL_LOAD_GRAPHS = False``).

    The loaded process forks the uvicorn server on a socket it holds; SIGUSR1 replaces the server
    by a fresh fork (rdflib cannot stop a query: a timed-out one would hold the server for as long
    as it runs); SIGTERM stops both.
    """
    import rdflib
    import rdflib.plugins.sparql
    import uvicorn
    from rdflib_endpoint import SparqlEndpoint

    # a FROM of a graph the Dataset lacks reads as empty: rdflib would otherwise fetch it over HTTP
    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
    started = time.perf_counter()
    ds = rdflib.Dataset(default_union=True)
    ds.parse(nquads, format="nquads")
    app = SparqlEndpoint(graph=ds, path="/sparql", cors_enabled=False, title="rdflib-endpoint (lcc-graph benchmark)")
    print(f"loaded {len(ds)} quads in {time.perf_counter() - started:.1f} s", flush=True)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, port))
    sock.listen(256)
    state = {"restart": False, "stop": False}
    signal.signal(signal.SIGUSR1, lambda *_: state.update(restart=True))
    signal.signal(signal.SIGTERM, lambda *_: state.update(stop=True))
    child = 0
    try:
        while not state["stop"]:
            if not child:
                child = os.fork()
                if child == 0:
                    signal.signal(signal.SIGUSR1, signal.SIG_DFL)
                    signal.signal(signal.SIGTERM, signal.SIG_DFL)
                    config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_keep_alive=300)
                    uvicorn.Server(config).run(sockets=[sock])
                    os._exit(0)
            time.sleep(0.05)
            if state["restart"]:
                os.kill(child, signal.SIGKILL)
                os.waitpid(child, 0)
                child, state["restart"] = 0, False
            elif os.waitpid(child, os.WNOHANG)[0]:
                child = 0
    finally:
        if child:
            os.kill(child, signal.SIGKILL)
            os.waitpid(child, 0)


# --------------------------------------------------------------------------- HTTP peers

class Timeout(Exception):
    pass


class HttpPeer:
    """One keep-alive connection to a server on 127.0.0.1."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def get(self, path: str, accept: str, timeout: float, body: bytes | None = None,
            content_type: str | None = None) -> tuple[int, bytes, float]:
        """(status, body, seconds) of a GET (a POST when ``body`` is given); Timeout past
        ``timeout``. A connection the server closed (a replaced rdflib-endpoint, Oxigraph after a
        400) is reopened and the request sent again, the failed attempt untimed."""
        headers = {"Accept": accept}
        if body is not None:
            headers["Content-Type"] = content_type or "application/octet-stream"
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
                self.conn.connect()
            self.conn.sock.settimeout(timeout)
            start = time.perf_counter()
            try:
                self.conn.request("GET" if body is None else "POST", path, body=body, headers=headers)
                r = self.conn.getresponse()
                body = r.read()
                return r.status, body, time.perf_counter() - start
            except socket.timeout:
                self.close()
                raise Timeout(f"no answer within {timeout:g} s") from None
            except (http.client.RemoteDisconnected, ConnectionError, http.client.BadStatusLine, BrokenPipeError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")


def sparql_path(base: str, query: str | None, graphs: Sequence[str] | None = None, *, query_last: bool = False) -> str:
    """``base?query=...`` (no query for a POST, whose body carries it), then one
    ``default-graph-uri`` per graph of ``graphs``; ``query_last``: the graphs first, so that text
    appended to the path ends the query (the load generators' comments)."""
    query_params = [] if query is None else [("query", query)]
    graph_params = [("default-graph-uri", g) for g in graphs or ()]
    params = graph_params + query_params if query_last else query_params + graph_params
    return f"{base}?{urlencode(params, quote_via=quote)}" if params else base


def json_rows(body: bytes) -> int | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if "results" in data:
        return len(data["results"]["bindings"])
    if "total" in data:  # the named route
        return int(data["total"])
    if "boolean" in data:
        return 1
    return None


# --------------------------------------------------------------------------- data

def prepare_data(work: Path, communities: int, rebuild: bool, near: list[str] | None = None) -> dict:
    """The cached data directory (built when missing), settled, and its N-Quads export.

    ``near``: the communities a smaller size asked about (nearest its median first). When this
    store holds every one of them (the demo builds the first communities of a larger size as it
    builds a smaller one), the same communities are asked about here: a one-community query is
    then compared across sizes on the same community, its data unchanged, only the store around
    it larger. Else this store's own communities nearest its median."""
    import pyoxigraph as ox

    from lcc_graph.store import open_stores

    data = work / f"data-{communities}"
    marker = data / ".built"
    info: dict = {"data_dir": data, "built_s": None}
    if rebuild or not marker.exists():
        if data.exists():
            shutil.rmtree(data)
        say(f"building {communities} demo communities in {data} (minutes at 1,000)")
        from lcc_graph.demo_store import build_demo_store

        start = time.perf_counter()
        stores = open_stores(data)
        try:
            last = [time.perf_counter()]

            def step(name: str, total: int):
                say(f"  {name} ({total})")

                def tick(n: int) -> None:
                    if time.perf_counter() - last[0] > 30:
                        last[0] = time.perf_counter()
                        say(f"    ... {name}")
                return tick

            build_demo_store(stores, communities, step=step)
        finally:
            stores.close()
        info["built_s"] = time.perf_counter() - start
        marker.write_text(f"{communities}\n")
        say(f"  built in {info['built_s']:.0f} s")
    say("waiting for RocksDB to finish compacting the data ...")
    store = ox.Store(str(data / "public"))
    try:
        info["settled_s"] = settle(data / "public")
    finally:
        store.flush()
        del store
    export = work / f"export-{communities}.nq"
    if not export.exists() or export.stat().st_mtime < marker.stat().st_mtime:
        say(f"exporting the public store to {export}")
        start = time.perf_counter()
        store = ox.Store.read_only(str(data / "public"))
        tmp = export.with_suffix(".tmp")
        store.dump(str(tmp), format=ox.RdfFormat.N_QUADS)
        tmp.rename(export)
        info["export_s"] = time.perf_counter() - start
        del store
    info["export"] = export
    info["export_mb"] = export.stat().st_size / 1e6
    store = ox.Store.read_only(str(data / "public"))
    info["quads"] = len(store)
    info["graphs"] = sum(1 for _ in store.named_graphs())
    rows = list(store.query(
        f"SELECT ?c ?p WHERE {{ ?c a <{LCC}Community> ; <{LCC}population> ?p }} ORDER BY ?p ?c",
        use_default_graph_as_union=True))
    info["communities"] = len(rows)
    ordered = [r["c"].value for r in rows]
    info["same_as_smaller"] = bool(near) and set(near) <= set(ordered)
    if not info["same_as_smaller"]:
        mid = len(ordered) // 2
        # the median community first, then the nearest ones in population order, alternating sides
        near = [ordered[mid]]
        for k in range(1, len(ordered)):
            for i in (mid + k, mid - k):
                if 0 <= i < len(ordered) and len(near) < 64:
                    near.append(ordered[i])
    info["near_median"] = near
    # the lookup's partner: the first of each community near the median (one a latency round)
    info["partners"] = []
    for community in near:
        first = list(store.query(
            f"SELECT ?p WHERE {{ ?p a <{LCC}Partner> ; <{LCC}community> <{community}> }} ORDER BY ?p LIMIT 1",
            use_default_graph_as_union=True))
        info["partners"].append(first[0]["p"].value if first else None)
    info["partner"] = info["partners"][0]
    del store
    return info


# --------------------------------------------------------------------------- cases

@dataclass
class Case:
    key: str
    query_id: str
    scope: str  # lookup, one, all
    query: object | None = None  # NamedQuery

    def values(self, community: str) -> dict:
        values = {"stage": EARLY} if "stage" in self.query.params else {}
        if self.scope == "one":
            values["community"] = community
        return values

    def text(self, community: str) -> str:
        """What every peer's SPARQL endpoint is sent: the text the SPARQL editor opens, with the
        scope of a one-community case as FROM lines (``NamedQuery.bind(values, dataset=True)``)."""
        return self.query.bind(self.values(community), dataset=True)

    def graphs(self, community: str) -> list[str] | None:
        """The graphs the text's FROM lines name (``NamedQuery.dataset``), None when it has none."""
        return self.query.dataset(self.values(community))

    @property
    def label(self) -> str:
        return {"lookup": "lookup", "one": "one community", "all": "all communities"}[self.scope]


def catalogue_cases() -> list[Case]:
    from lcc_graph.catalogue import load_catalogue

    catalogue = load_catalogue()
    ones = [Case(f"{q.id}|one", q.id, "one", q) for q in catalogue if "community" in q.params]
    alls = [Case(f"{q.id}|all", q.id, "all", q) for q in catalogue
            if "community" not in q.params or not q.params["community"].required]
    return [Case("lookup", "lookup", "lookup")] + ones + alls


@dataclass
class Scale:
    """Everything measured at one size."""

    n: int
    info: dict
    startup: dict = field(default_factory=dict)
    latency: dict = field(default_factory=dict)  # case key -> peer -> list of (seconds | None, status)
    rows: dict = field(default_factory=dict)  # case key -> peer -> rows (first run)
    load: dict = field(default_factory=dict)  # (target, peer) -> list of results
    memory: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    rdflib_spent: float = 0.0
    #: case key -> (seconds, why) for rdflib-endpoint cases with no measured time: a lower bound
    rdflib_floor: dict = field(default_factory=dict)
    posted: set = field(default_factory=set)  # queries POSTed to Oxigraph server (too long for its GET)


# --------------------------------------------------------------------------- load generation

WRK_LUA = """wrk.method = "GET"
wrk.path = [==[{path}]==]
wrk.headers["Accept"] = "{accept}"
{rotate}
done = function(summary, latency, requests)
  io.write(string.format('WRKJSON {{"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, '
    .. '"status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}}\\n',
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout, latency:percentile(50), latency:percentile(99), latency.max))
end
"""


# A different request each time: the paths in turn, each query ended by a comment no other request
# has ("\n# thread-count"), so that no answer can come from a cache.
WRK_ROTATE = """paths = {{{paths}}}
local made = 0
setup = function(thread) thread:set("tid", made); made = made + 1 end
init = function(args) counter = 0 end
request = function()
  counter = counter + 1
  local path = paths[(counter % #paths) + 1] .. "%0A%23%20" .. tid .. "-" .. counter
  return wrk.format("GET", path, {{["Accept"] = "{accept}"}})
end"""


def run_wrk(work: Path, port: int, path: str | list[str], accept: str, clients: int, seconds: float,
            timeout: float) -> dict:
    """wrk on one path, or on a list of paths (each ending with its query) taken in turn with a
    comment that makes every request's query its own."""
    script = work / "wrk.lua"
    rotate = ""
    if isinstance(path, list):
        rotate = WRK_ROTATE.format(paths=",".join(f"[==[{p}]==]" for p in path), accept=accept)
        path = path[0]
    script.write_text(WRK_LUA.format(path=path, accept=accept, rotate=rotate))
    cmd = ["wrk", "-t", "2", "-c", str(clients), "-d", f"{seconds:g}s", "--timeout", f"{timeout:g}s", "--latency",
           "-s", str(script), f"http://{HOST}:{port}/"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + timeout + 60)
    line = next((x for x in out.stdout.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no summary: {out.stdout[-800:]} {out.stderr[-800:]}")
    s = json.loads(line[len("WRKJSON "):])
    took = s["duration_us"] / 1e6
    errors = s["status"] + s["timeout"] + s["connect"] + s["read"] + s["write"]
    ok = max(0, s["requests"] - s["status"])
    return {"rps": ok / took if took else 0.0, "requests": s["requests"], "errors": errors, "timeouts": s["timeout"],
            "p50_ms": s["p50_us"] / 1000 if ok else float("nan"), "p99_ms": s["p99_us"] / 1000 if ok else float("nan"),
            "tool": "wrk"}


def _load_client(args: tuple) -> tuple[list[float], int, int]:
    """One Python load client (a process): requests in a loop until the end time (a list of paths
    in turn, each query ended by a comment of its own, as WRK_ROTATE does)."""
    port, paths, accept, stop_at, timeout = args
    peer = HttpPeer(port)
    latencies: list[float] = []
    errors = timeouts = 0
    sent = 0
    while time.time() < stop_at:
        sent += 1
        path = paths if isinstance(paths, str) else paths[sent % len(paths)] + quote(f"\n# {os.getpid()}-{sent}")
        try:
            status, _, seconds = peer.get(path, accept, min(timeout, max(0.1, stop_at - time.time() + 1)))
        except Timeout:
            timeouts += 1
            continue
        except (OSError, http.client.HTTPException):
            errors += 1
            time.sleep(0.01)
            continue
        if status == 200:
            latencies.append(seconds)
        else:
            errors += 1
    peer.close()
    return latencies, errors, timeouts


def run_python_load(port: int, path: str | list[str], accept: str, clients: int, seconds: float, timeout: float) -> dict:
    ctx = mp.get_context("spawn")
    with ctx.Pool(clients) as pool:
        stop_at = time.time() + 2.0 + seconds  # the processes start first
        parts = pool.map(_load_client, [(port, path, accept, stop_at, timeout)] * clients,
                         chunksize=1)
    latencies = sorted(x for p in parts for x in p[0])
    errors = sum(p[1] for p in parts) + sum(p[2] for p in parts)
    n = len(latencies)
    return {"rps": n / seconds, "requests": n, "errors": errors, "timeouts": sum(p[2] for p in parts),
            "p50_ms": 1000 * statistics.median(latencies) if n else float("nan"),
            "p99_ms": 1000 * latencies[min(n - 1, int(0.99 * n))] if n else float("nan"), "tool": "python"}


def ensure_wrk() -> bool:
    if shutil.which("wrk"):
        return True
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("wrk is missing: apt-get install -y wrk")
        for cmd in (["apt-get", "install", "-y", "wrk"], ["apt-get", "update"], ["apt-get", "install", "-y", "wrk"]):
            try:
                subprocess.run(cmd, capture_output=True, timeout=600,
                               env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
            except subprocess.TimeoutExpired:
                break
            if shutil.which("wrk"):
                return True
    say("wrk is not available: the load generator is Python processes")
    return False


def ensure_rdflib_endpoint() -> None:
    try:
        importlib.metadata.version("rdflib-endpoint")
    except importlib.metadata.PackageNotFoundError:
        say("installing rdflib-endpoint into the venv (pip)")
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "rdflib-endpoint"], check=True, timeout=900)


# --------------------------------------------------------------------------- measuring one size

class Bench:
    def __init__(self, args: argparse.Namespace, peers: list[str], use_wrk: bool) -> None:
        self.args = args
        self.peers = peers
        self.use_wrk = use_wrk
        self.near: list[str] | None = None  # the communities asked about, from the smallest size
        self.cases = catalogue_cases()  # the report's order
        self.rdflib_before: dict[str, tuple[float, str]] = {}  # case key -> rdflib's time or floor at the size before

    def lcc_env(self, data: Path) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")
               and k not in ("LCC_STORE", "LCC_PRIVATE_STORE", "LCC_DATA_DIR") and not k.startswith("LCC_REMOTE_")}
        env["LCC_DATA_DIR"] = str(data)
        return env

    def run_scale(self, n: int) -> Scale:
        args = self.args
        work = args.work_dir
        info = prepare_data(work, n, args.rebuild, self.near)
        self.near = self.near or info["near_median"]  # the smallest size's, asked about at every size
        scale = Scale(n, info)
        servers: dict[str, Server] = {}
        http_peers: dict[str, HttpPeer] = {}
        with ExitStack() as stack:
            stack.callback(lambda: [s.stop() for s in reversed(list(servers.values()))])
            stack.callback(lambda: [p.close() for p in http_peers.values()])
            run_dir = work / f"run-{n}"
            if run_dir.exists():
                shutil.rmtree(run_dir)
            run_dir.mkdir(parents=True)
            if "lcc-sparql" in self.peers:
                say("copying the data directory for lcc serve")
                served = run_dir / "lcc-data"
                shutil.copytree(info["data_dir"], served, ignore=shutil.ignore_patterns("checkpoints", ".built"))
                port = free_port()
                cmd = [str(Path(sys.executable).parent / "lcc"), "serve", "--data-dir", str(served),
                       "--host", HOST, "--port", str(port)]
                scale.startup["lcc_cmd"] = cmd
                scale.info["code"] = code_version()
                for attempt in ("first start", "restart"):
                    say(f"lcc serve, {attempt} ...")
                    server = launch("lcc", cmd, port, "/health", run_dir / "lcc.log", env=self.lcc_env(served),
                                    accept="application/json")
                    scale.startup[f"lcc {attempt}"] = server.startup_s
                    say(f"  /health 200 after {server.startup_s:.2f} s")
                    if attempt == "first start":
                        server.stop()
                    else:
                        servers["lcc"] = server
                say("  waiting for the served store to settle")
                settle(served / "public", quiet_s=10, limit_s=90)
                http_peers["lcc"] = HttpPeer(port)
            if "oxigraph" in self.peers:
                binary = str(Path(sys.executable).parent / "oxigraph")
                if not Path(binary).exists():
                    binary = shutil.which("oxigraph") or binary
                db = run_dir / "oxigraph-db"
                say("oxigraph load ...")
                start = time.perf_counter()
                subprocess.run([binary, "load", "--location", str(db), "--file", str(info["export"])],
                               check=True, capture_output=True, timeout=3600)
                scale.startup["oxigraph load"] = time.perf_counter() - start
                port = free_port()
                cmd = [binary, "serve-read-only", "--location", str(db), "--bind", f"{HOST}:{port}",
                       "--union-default-graph"]
                scale.startup["oxigraph_cmd"] = cmd
                server = launch("oxigraph", cmd, port, sparql_path("/query", "ASK {}"), run_dir / "oxigraph.log",
                                accept=SPARQL_JSON)
                servers["oxigraph"] = server
                scale.startup["oxigraph start"] = server.startup_s
                say(f"  loaded in {scale.startup['oxigraph load']:.1f} s, answering after {server.startup_s:.2f} s")
                http_peers["oxigraph"] = HttpPeer(port)
            if "rdflib" in self.peers:
                port = free_port()
                cmd = [sys.executable, str(Path(__file__).resolve()), "--serve-rdflib", str(info["export"]),
                       "--port", str(port)]
                say("rdflib-endpoint: loading the export into rdflib.Dataset (minutes at 1,000) ...")
                server = launch("rdflib", cmd, port, sparql_path("/sparql", "ASK {}"), run_dir / "rdflib.log",
                                accept=SPARQL_JSON, timeout=3600)
                servers["rdflib"] = server
                scale.startup["rdflib load and start"] = server.startup_s
                say(f"  answering after {server.startup_s:.1f} s")
                http_peers["rdflib"] = HttpPeer(port)
            raw = None
            if "raw" in self.peers:
                import pyoxigraph as ox

                raw = ox.Store.read_only(str(info["data_dir"] / "public"))
            self.latency(scale, servers, http_peers, raw)
            self.throughput(scale, servers, http_peers)
            for name, server in servers.items():
                scale.memory[name] = tree_memory(server.proc.pid)
            say("memory: " + ", ".join(f"{k} {v['rss_mb']:.0f} MB RSS" for k, v in scale.memory.items()))
            del raw
        return scale

    # ---- sequential latency

    def request(self, scale: Scale, peer: str, case: Case, community: str, servers, http_peers, raw):
        """One timed run of a case on a peer: (seconds or None for a timeout, status, rows)."""
        import pyoxigraph as ox

        if case.scope == "lookup":
            # the round's community's partner: a repeated text would be answered from /sparql's cache
            near = scale.info["near_median"]
            partner = scale.info["partners"][near.index(community)] or scale.info["partner"]
            text = f"SELECT * WHERE {{ <{partner}> ?p ?o }}"
            values = graphs = None
        else:
            values = case.values(community)
            text, graphs = case.text(community), case.graphs(community)
        # /sparql keeps a deterministic answer until the data changes: a comment naming the round's
        # community makes each round's text its own (an all-communities text too), on every peer
        text = f"{text}\n# round of {community.rsplit('/', 1)[-1]}\n"
        if peer in ("raw", "raw-subst"):
            # the union flag would override the text's FROM: a text with FROM reads its own dataset
            kwargs = {} if graphs else {"use_default_graph_as_union": True}
            if peer == "raw-subst" and values is not None:
                subst = case.query.substitutions(values)
                if subst:
                    kwargs["substitutions"] = {ox.Variable(k): v for k, v in subst.items()}
            start = time.perf_counter()
            body = raw.query(text, **kwargs).serialize(format=ox.QueryResultsFormat.JSON)
            return time.perf_counter() - start, 200, body
        if peer == "lcc-named":
            path = f"/queries/{case.query_id}?" + urlencode({**values, "limit": NAMED_LIMIT})
            conn, accept, timeout = http_peers["lcc"], "application/json", HTTP_TIMEOUT_S
        elif peer == "lcc-sparql":
            path, conn, accept, timeout = sparql_path("/sparql", text), http_peers["lcc"], SPARQL_JSON, HTTP_TIMEOUT_S
        elif peer == "oxigraph":
            # --union-default-graph overrides FROM: the same graphs go as default-graph-uri
            path = sparql_path("/query", text, graphs)
            conn, accept, timeout = http_peers["oxigraph"], SPARQL_JSON, HTTP_TIMEOUT_S
            if len(path) > OXIGRAPH_MAX_URL:
                scale.posted.add(case.query_id)
                try:
                    status, body, seconds = conn.get(sparql_path("/query", None, graphs), accept, timeout,
                                                     body=text.encode(), content_type="application/sparql-query")
                except Timeout:
                    return None, "timeout", b""
                return seconds, status, body
        else:
            path, conn, accept = sparql_path("/sparql", text), http_peers["rdflib"], SPARQL_JSON
            timeout = self.args.rdflib_timeout
        try:
            status, body, seconds = conn.get(path, accept, timeout)
        except Timeout:
            if peer == "rdflib":
                self.restart_rdflib(servers["rdflib"])
            return None, "timeout", b""
        return seconds, status, body

    def restart_rdflib(self, server: Server) -> None:
        """Replace rdflib-endpoint's server process (the loaded data stays) and wait for it."""
        os.kill(server.proc.pid, signal.SIGUSR1)
        time.sleep(0.3)
        wait_http(server.port, sparql_path("/sparql", "ASK {}"), time.perf_counter(), 120, proc=server.proc,
                  accept=SPARQL_JSON)

    def latency(self, scale: Scale, servers, http_peers, raw) -> None:
        args = self.args
        peers = [p for p in PEERS if p in self.peers and not (p.startswith("raw") and raw is None)]
        near = scale.info["near_median"]
        rdflib_runs: dict[str, int] = {}
        last_print = time.perf_counter()
        # the cases rdflib-endpoint answered fastest at the size before first, so that its time budget
        # is spent where it answers (the lookup first all the same)
        first_size = not self.rdflib_before
        cases = sorted(self.cases, key=lambda c: (c.scope != "lookup", 0.0 if first_size else
                                                  self.rdflib_before.get(c.key, (math.inf, ""))[0]))
        say(f"latency: {len(cases)} cases x {len(peers)} peers x {args.rounds} rounds")
        for r in range(args.rounds):
            community = near[r % len(near)]
            for i, case in enumerate(cases):
                order = peers[(r + i) % len(peers):] + peers[:(r + i) % len(peers)]
                for peer in order:
                    if peer == "lcc-named" and case.scope == "lookup":
                        continue
                    runs = scale.latency.setdefault(case.key, {}).setdefault(peer, [])
                    if peer == "rdflib":
                        why = self.rdflib_skip(scale, case, r, runs, rdflib_runs)
                        if why:
                            if r == 0:
                                runs.append((None, why))
                            continue
                    start = time.perf_counter()
                    seconds, status, body = self.request(scale, peer, case, community, servers, http_peers, raw)
                    if peer == "rdflib":
                        scale.rdflib_spent += time.perf_counter() - start
                        rdflib_runs[case.key] = rdflib_runs.get(case.key, 0) + 1
                        if status == "timeout":
                            scale.rdflib_floor[case.key] = (args.rdflib_timeout, "timed out")
                    if status != 200 and status != "timeout":
                        seconds = None
                        message = " ".join(body[:200].decode(errors="replace").split()).replace("|", "/")
                        status = f"HTTP {status}: {message}"
                    runs.append((seconds, status))
                    if r == 0 and status == 200:
                        scale.rows.setdefault(case.key, {})[peer] = json_rows(body)
                if time.perf_counter() - last_print > 20:
                    last_print = time.perf_counter()
                    say(f"  round {r + 1}/{args.rounds}, case {i + 1}/{len(cases)} ({case.key})"
                        + (f", rdflib-endpoint {scale.rdflib_spent:.0f} s so far" if "rdflib" in peers else ""))
            say(f"  round {r + 1} done")
        if "rdflib" in peers:
            for case in self.cases:
                m = med(scale.latency.get(case.key, {}).get("rdflib", []))
                if m is not None:
                    self.rdflib_before[case.key] = (m, f"{scale.n:,}")
                elif case.key in scale.rdflib_floor:
                    self.rdflib_before[case.key] = scale.rdflib_floor[case.key]

    def rdflib_skip(self, scale: Scale, case: Case, r: int, runs: list, rdflib_runs: dict) -> str | None:
        args = self.args
        if r == 0:
            before = self.rdflib_before.get(case.key)
            if before is not None and before[0] >= args.rdflib_timeout:
                scale.rdflib_floor[case.key] = (args.rdflib_timeout, "timed out with fewer communities")
                return "skipped: timed out with fewer communities"
            if case.scope != "lookup" and scale.rdflib_spent > args.rdflib_budget:
                if before is not None:  # more data never made rdflib faster: its time before is a floor
                    scale.rdflib_floor[case.key] = (before[0], f"not run; {before[0]:.1f} s with fewer")
                return "not run: rdflib-endpoint's time budget spent"
            return None
        first = runs[0][0] if runs else None
        if first is None or first >= args.rdflib_repeat_below or rdflib_runs.get(case.key, 0) >= args.rdflib_rounds:
            return "not repeated"
        return None

    # ---- throughput

    def throughput(self, scale: Scale, servers, http_peers) -> None:
        args = self.args
        community = scale.info["near_median"][0]
        csp = next(c for c in self.cases if c.query_id == THROUGHPUT_QUERY and c.scope == "one")
        values = csp.values(community)
        csp_text, csp_graphs = csp.text(community), csp.graphs(community)
        lookup = f"SELECT * WHERE {{ <{scale.info['partner']}> ?p ?o }}"
        # every request its own: the partners of the 64 communities nearest the median, the
        # catalogue query for each of them, in turn, each with a comment of its own (WRK_ROTATE)
        lookups = [f"SELECT * WHERE {{ <{p}> ?p ?o }}" for p in scale.info["partners"] if p]
        near = scale.info["near_median"]

        def rotating(base: str, texts: list[str], graphs: list | None = None) -> list[str]:
            return [sparql_path(base, t, g, query_last=True) for t, g in zip(texts, graphs or [None] * len(texts))]

        csp_texts = [csp.text(c) for c in near]
        csp_graph_lists = [csp.graphs(c) for c in near]
        targets = {
            "lookup": {"lcc-sparql": ("lcc", sparql_path("/sparql", lookup), SPARQL_JSON),
                       "oxigraph": ("oxigraph", sparql_path("/query", lookup), SPARQL_JSON),
                       "rdflib": ("rdflib", sparql_path("/sparql", lookup), SPARQL_JSON)},
            LOOKUP_DISTINCT: {"lcc-sparql": ("lcc", rotating("/sparql", lookups), SPARQL_JSON),
                              "oxigraph": ("oxigraph", rotating("/query", lookups), SPARQL_JSON),
                              "rdflib": ("rdflib", rotating("/sparql", lookups), SPARQL_JSON)},
            THROUGHPUT_QUERY: {
                "lcc-sparql": ("lcc", sparql_path("/sparql", csp_text), SPARQL_JSON),
                "lcc-named": ("lcc", f"/queries/{THROUGHPUT_QUERY}?" + urlencode({**values, "limit": NAMED_LIMIT}),
                              "application/json"),
                "oxigraph": ("oxigraph", sparql_path("/query", csp_text, csp_graphs), SPARQL_JSON),
                "rdflib": ("rdflib", sparql_path("/sparql", csp_text), SPARQL_JSON)},
            QUERY_DISTINCT: {
                "lcc-sparql": ("lcc", rotating("/sparql", csp_texts), SPARQL_JSON),
                "oxigraph": ("oxigraph", rotating("/query", csp_texts, csp_graph_lists), SPARQL_JSON),
                "rdflib": ("rdflib", rotating("/sparql", csp_texts), SPARQL_JSON)},
        }
        for target, by_peer in targets.items():
            peers = [p for p in by_peer if p in self.peers]
            if not peers:  # (--only raw: no server to load)
                continue
            case_key = "lookup" if target in ("lookup", LOOKUP_DISTINCT) else f"{THROUGHPUT_QUERY}|one"
            for rep in range(args.load_rounds):
                for peer in peers[rep % len(peers):] + peers[:rep % len(peers)]:
                    server_name, path, accept = by_peer[peer]
                    server = servers[server_name]
                    timeout = args.rdflib_timeout if peer == "rdflib" else HTTP_TIMEOUT_S
                    if peer == "rdflib" and rep > 0:
                        seq = [s for s, _ in scale.latency.get(case_key, {}).get("rdflib", []) if s is not None]
                        if not seq or statistics.median(seq) > 1.0:
                            continue  # once is enough for a server that takes seconds a request
                    say(f"throughput: {target}, {PEERS[peer]}, {args.clients} clients, {args.seconds:g} s")
                    if self.use_wrk:
                        result = run_wrk(args.work_dir, server.port, path, accept, args.clients, args.seconds, timeout)
                    else:
                        result = run_python_load(server.port, path, accept, args.clients, args.seconds, timeout)
                    say(f"  {result['rps']:.1f} req/s, p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, "
                        f"{result['errors']} errors")
                    scale.load.setdefault((target, peer), []).append(result)
                    if peer == "rdflib":
                        self.restart_rdflib(server)  # drop what is still queued in it
                        http_peers["rdflib"].close()


# --------------------------------------------------------------------------- report

def med(runs: list, warm: bool = True) -> float | None:
    """The median of the warm runs (after the first) when there are any, else of all runs."""
    values = [s for s, _ in (runs[1:] if warm and len(runs) > 1 else runs) if s is not None]
    return statistics.median(values) if values else None


def first(runs: list) -> float | None:
    return runs[0][0] if runs else None


def statuses(runs: list) -> list[str]:
    return [s for _, s in runs if s != 200]


def ms(x: float | None, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{1000 * x:,.{digits}f}"


def mark(ok: bool | None) -> str:
    return "–" if ok is None else ("**pass**" if ok else "**FAIL**")


def geomean(xs: list[float]) -> float | None:
    xs = [x for x in xs if x and x > 0]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def rdflib_value(scale: "Scale", key: str) -> tuple[float | None, bool]:
    """rdflib-endpoint's time for a case: its median, else a lower bound (its timeout, or its time
    with fewer communities when its budget was spent), else None."""
    m = med(scale.latency.get(key, {}).get("rdflib", []))
    if m is not None:
        return m, False
    if key in scale.rdflib_floor:
        return scale.rdflib_floor[key][0], True
    return None, False


def load_median(results: list[dict], key: str) -> float:
    values = [r[key] for r in results if not math.isnan(r[key])]
    return statistics.median(values) if values else float("nan")


def code_version() -> tuple[str, list[str]]:
    """The checkout's commit and the files changed in its work tree (what ``lcc serve`` runs)."""
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h %cd", "--date=short"],
                              capture_output=True, text=True, timeout=30).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=30).stdout.split("\n")
        # docs/benchmarks.md is what the benchmarks write: a run before the commit of its own
        # report is a run of the committed code
        return head, [x[3:] for x in dirty if x.strip() and x[3:] != "docs/benchmarks.md"]
    except OSError:
        return "unknown", []


def machine() -> dict:
    model = ""
    try:
        model = next(x.split(":", 1)[1].strip() for x in Path("/proc/cpuinfo").read_text().splitlines()
                     if x.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = 0
    try:
        mem = int(next(x.split()[1] for x in Path("/proc/meminfo").read_text().splitlines()
                       if x.startswith("MemTotal"))) / 1024**2
    except (OSError, StopIteration):
        pass

    def version(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    oxi = Path(sys.executable).parent / "oxigraph"
    try:
        oxi_version = subprocess.run([str(oxi), "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except OSError:
        oxi_version = "not installed"
    wrk = "not installed"
    if shutil.which("wrk"):
        out = subprocess.run(["wrk", "--version"], capture_output=True, text=True, timeout=30)
        wrk = (out.stdout or out.stderr).splitlines()[0].split(" [")[0] if (out.stdout or out.stderr) else "wrk"
    head, dirty = code_version()
    return {"cpu": model, "cores": os.cpu_count(), "mem_gb": mem, "python": platform.python_version(),
            "kernel": platform.release(), "pyoxigraph": version("pyoxigraph"), "oxigraph": oxi_version,
            "rdflib": version("rdflib"), "rdflib-endpoint": version("rdflib-endpoint"), "uvicorn": version("uvicorn"),
            "fastapi": version("fastapi"), "wrk": wrk, "commit": head, "dirty": dirty,
            "load": os.getloadavg()[0],
            "lcc_env": {k: v for k, v in os.environ.items() if k.startswith("LCC_")
                        and k not in ("LCC_STORE", "LCC_PRIVATE_STORE", "LCC_DATA_DIR", "LCC_ADMIN_TOKEN")
                        and not k.startswith("LCC_REMOTE_")}}


def report(scales: list[Scale], bench: Bench, box: dict, command: str, took_s: float) -> str:
    args = bench.args
    peers = bench.peers
    lines: list[str] = [BEGIN, "## lcc-graph and its peers on the same data (issue 19)", ""]
    lines += [
        f"Machine: {box['cpu'] or platform.machine()}, {box['cores']} cores, {box['mem_gb']:.0f} GB, Linux "
        f"{box['kernel']}, Python {box['python']}; load average {box['load']:.1f} at the start, {os.getloadavg()[0]:.1f} at "
        "the end. Everything (servers, "
        f"load generator, this script) shares these cores. pyoxigraph {box['pyoxigraph']}, {box['oxigraph']} (the "
        f"server, PyPI `oxigraph`), rdflib {box['rdflib']}, rdflib-endpoint {box['rdflib-endpoint']}, uvicorn "
        f"{box['uvicorn']}, FastAPI {box['fastapi']}, load by {box['wrk'] if bench.use_wrk else 'Python processes'}.",
        f"lcc-graph at commit {box['commit']}"
        + (f" with uncommitted changes in {', '.join(box['dirty'][:12])}{' ...' if len(box['dirty']) > 12 else ''}"
           if box["dirty"] else "")
        + (f"; settings {', '.join(f'{k}={v}' for k, v in sorted(box['lcc_env'].items()))}" if box["lcc_env"]
           else "; default settings (3 query workers)") + "."
        + "".join(f" At {s.n:,} communities `lcc serve` started from commit {s.info['code'][0]} with "
                  f"{len(s.info['code'][1])} changed files (the checkout changed during the run)."
                  for s in scales if s.info.get("code") and s.info["code"] != (box["commit"], box["dirty"])),
        "",
        f"Command: `{command}` ({took_s / 60:.0f} minutes; `make bench` runs `.venv/bin/python benchmarks/peers.py` "
        "with its defaults, then benchmarks/instances.py). The servers:",
        "",
    ]
    s0 = scales[0]
    if "lcc_cmd" in s0.startup:
        lines.append("- lcc-graph: `" + " ".join(shlex.quote(c) for c in s0.startup["lcc_cmd"]) + "` (on a copy of the "
                     "data directory)")
    if "oxigraph_cmd" in s0.startup:
        lines.append("- Oxigraph server: `oxigraph load --location DB --file export.nq`, then `"
                     + " ".join(shlex.quote(c) for c in s0.startup["oxigraph_cmd"]) + "` (a text with FROM lines "
                     "also sent with the same graphs as `default-graph-uri`: the union flag overrides FROM)")
    if "rdflib" in peers:
        lines.append("- rdflib-endpoint: `rdflib_endpoint.SparqlEndpoint(graph=rdflib.Dataset(default_union=True))` "
                     "loaded from export.nq, served by uvicorn (`benchmarks/peers.py --serve-rdflib export.nq --port P`), "
                     "`rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False`")
    if "raw" in peers:
        lines.append("- raw pyoxigraph: `Store.read_only(DATA/public).query(text, use_default_graph_as_union=True)` in "
                     "the benchmark's process (a text with FROM lines without the flag, which would override them), "
                     "answer serialised as SPARQL JSON (\"+ substitutions\": also given the named route's substitutions)")
    lines += [
        "",
        f"Latency: {args.rounds} sequential rounds, peers interleaved (order rotated per case and round), one "
        "keep-alive connection per server; the first round is the cold run, the median is over the others. Round "
        "*r* asks about the *r*-th community nearest the median in population (at the larger size, the same "
        "communities as at the smaller, which its store holds too: one-community times are compared on the same "
        "community), on every peer alike, so that the "
        "named route (which keeps a deterministic answer until the data changes) runs each one-community query "
        "every round; its all-communities answers after the first may come from that cache (24 MB in all, "
        "an answer over 16 MB never kept; a page is read from a kept answer without parsing the rest, the page's "
        "rows then decoded and written as the route's JSON; a median marked '(cache)' is a fifth of its cold run or "
        "less, the cache's answer). /sparql keeps a deterministic GET answer until the data changes "
        "(api/answer_cache.py): every text sent ends with a comment naming the round's community, so each round's "
        "/sparql run is a real run. Every SPARQL endpoint is sent the text the "
        "SPARQL editor opens (`NamedQuery.bind(values, dataset=True)`): for a query with a scope given one community, "
        "FROM lines name the graphs the named route reads; an all-communities text reads every graph. "
        f"rdflib-endpoint: per-request timeout {args.rdflib_timeout:g} s; repeated only when its first run took under "
        f"{args.rdflib_repeat_below:g} s (at most {args.rdflib_rounds} runs); a case that timed out at a smaller size "
        "is counted as over the timeout (a lower bound) without being sent again; at a larger size its cases run in "
        "the order of its times at the smaller one, fastest first, and once its time at that size passes "
        f"{args.rdflib_budget:g} s the remaining cases are not run (their time at the smaller size kept as a lower "
        f"bound). Throughput: {args.clients} concurrent connections for "
        f"{args.seconds:g} s, {args.load_rounds} interleaved runs (median), rdflib-endpoint once when a request takes it "
        "over a second.",
        "",
    ]

    # ---- done when
    big = max(scales, key=lambda s: s.n)
    by_n = {s.n: s for s in scales}
    rows: list[tuple[str, str, str, bool | None]] = []

    def load_rps(s: Scale, target: str, peer: str) -> float:
        return load_median(s.load.get((target, peer), []), "rps") if s.load.get((target, peer)) else float("nan")

    for target in TARGET_NAMES:
        what = TARGET_NAMES[target]
        parts, oks = [], []
        for s in scales:
            a, b = load_rps(s, target, "lcc-sparql"), load_rps(s, target, "oxigraph")
            if math.isnan(a) or math.isnan(b) or not b:
                continue
            parts.append(f"{s.n}: {a:,.0f} / {b:,.0f} req/s = {a / b:.2f}")
            oks.append(a / b >= TARGET_THROUGHPUT_SHARE)
        rows.append((f"throughput through /sparql, {what}, {args.clients} clients: at least half of Oxigraph server's",
                     "; ".join(parts) or "not measured", f"≥ {TARGET_THROUGHPUT_SHARE}", all(oks) if oks else None))
    parts, oks = [], []
    for s in scales:
        a, b = med(s.latency.get("lookup", {}).get("lcc-sparql", [])), med(s.latency.get("lookup", {}).get("oxigraph", []))
        if a is None or b is None:
            continue
        parts.append(f"{s.n}: {ms(a, 2)} − {ms(b, 2)} = {ms(a - b, 2)} ms")
        oks.append(1000 * (a - b) <= TARGET_LOOKUP_GAP_MS)
    rows.append(("lookup latency through /sparql within 2 ms of Oxigraph server's (medians)",
                 "; ".join(parts) or "not measured", f"≤ {TARGET_LOOKUP_GAP_MS:g} ms", all(oks) if oks else None))
    # cold, every catalogue query, through the API, at the largest size
    if big.n >= 1000 and "lcc-sparql" in peers:
        worst: list[tuple[float, str]] = []
        missing = []
        for case in bench.cases:
            if case.scope == "lookup":
                continue
            for peer in ("lcc-named", "lcc-sparql"):
                runs = big.latency.get(case.key, {}).get(peer, [])
                f = first(runs)
                if f is None:
                    missing.append(f"{case.query_id} ({case.label}, {PEERS[peer]}: {runs[0][1] if runs else 'not run'})")
                else:
                    worst.append((f, f"{case.query_id} ({case.label}, {PEERS[peer]})"))
        worst.sort(reverse=True)
        over = [w for w in worst if w[0] >= TARGET_COLD_S]
        text = (f"slowest {worst[0][1]}: {ms(worst[0][0], 0)} ms; {len(over)} of {len(worst)} runs over 1 s"
                + (f" ({', '.join(name for _, name in over[:6])}{' ...' if len(over) > 6 else ''})" if over else "")
                if worst else "not measured")
        if missing:
            text += f"; {len(missing)} without an answer ({', '.join(missing[:3])})"
        rows.append((f"every catalogue query under 1 s at {big.n:,} communities through the API (named route and "
                     "/sparql), cold (first run)", text, "< 1 s", (not over and not missing) if worst else None))
    else:
        rows.append(("every catalogue query under 1 s at 1,000 communities through the API, cold",
                     "not measured (no 1,000-community run)", "< 1 s", None))
    # rdflib-endpoint
    for s in scales:
        if "rdflib" not in peers or "lcc-sparql" not in peers:
            break
        ratios, bounds, slower, absent, slower_named = [], 0, [], 0, []
        for case in bench.cases:
            if case.scope == "lookup":
                continue
            lat = s.latency.get(case.key, {})
            a = med(lat.get("lcc-sparql", []))
            b, bound = rdflib_value(s, case.key)
            if a is None or b is None:
                absent += 1
                continue
            ratios.append(b / a)
            bounds += bound
            if b <= a:
                slower.append(f"{case.query_id} ({case.label}) {b / a:.2f}x")
            named = med(lat.get("lcc-named", []))
            if case.scope == "one" and named is not None and b <= named:
                slower_named.append(f"{case.query_id} {b / named:.2f}x")
        g = geomean(ratios)
        if g is None:
            continue
        rows.append((f"at {s.n:,} communities: at least 30x faster than rdflib-endpoint (/sparql medians), geometric "
                     "mean over the catalogue queries",
                     f"{'≥ ' if bounds else ''}{g:,.1f}x over {len(ratios)} cases"
                     + (f" ({bounds} with rdflib-endpoint's timeout as a lower bound)" if bounds else "")
                     + (f"; {absent} not measured" if absent else ""),
                     f"≥ {TARGET_RDFLIB_GEOMEAN:g}x", g >= TARGET_RDFLIB_GEOMEAN))
        rows.append((f"at {s.n:,} communities: faster than rdflib-endpoint on every catalogue query",
                     f"slower or equal on {len(slower)}" + (f": {', '.join(slower[:6])}" if slower else "")
                     + (f" (for comparison, the named route on the one-community cases: slower or equal on "
                        f"{len(slower_named)}{': ' + ', '.join(slower_named[:6]) if slower_named else ''})"
                        if "lcc-named" in peers else ""),
                     "0", not slower))
    # start-up
    if big.n >= 1000 and "lcc first start" in big.startup:
        a, b = big.startup["lcc first start"], big.startup["lcc restart"]
        rows.append((f"start-up at {big.n:,} communities (`lcc serve` to `/health` 200)",
                     f"first start {a:.2f} s, restart {b:.2f} s", f"< {TARGET_STARTUP_S:g} s",
                     max(a, b) < TARGET_STARTUP_S))
    else:
        rows.append(("start-up under 5 s at 1,000 communities", "not measured (no 1,000-community run)",
                     f"< {TARGET_STARTUP_S:g} s", None))
    # growth
    growth = {}
    if 100 in by_n and 1000 in by_n:
        for peer in ("lcc-named", "lcc-sparql"):
            ratios = []
            for case in bench.cases:
                if case.scope != "one":
                    continue
                a = med(by_n[100].latency.get(case.key, {}).get(peer, []))
                b = med(by_n[1000].latency.get(case.key, {}).get(peer, []))
                if a and b:
                    ratios.append((b / a, case.query_id))
            ratios.sort(reverse=True)
            growth[peer] = ratios
        for peer in ("lcc-named", "lcc-sparql"):
            ratios = growth[peer]
            if not ratios:
                continue
            over = [f"{q} {r:.1f}x" for r, q in ratios if r > TARGET_GROWTH]
            rows.append((f"per-community queries within 1.5x from 100 to 1,000 communities ({PEERS[peer]}, medians)",
                         f"largest {ratios[0][1]} {ratios[0][0]:.2f}x, geometric mean {geomean([r for r, _ in ratios]):.2f}x; "
                         f"{len(over)} of {len(ratios)} over 1.5x" + (f" ({', '.join(over[:6])}{' ...' if len(over) > 6 else ''})"
                                                                      if over else ""),
                         f"≤ {TARGET_GROWTH:g}x", not over))
    else:
        rows.append(("per-community queries within 1.5x from 100 to 1,000", "not measured (needs both sizes)",
                     f"≤ {TARGET_GROWTH:g}x", None))
    if "lcc" in big.memory:
        m = big.memory["lcc"]
        rows.append((f"(issue 19's Build list) the whole service under 400 MB at {big.n:,} communities after the "
                     "benchmark (RSS of `lcc serve` and its child processes)",
                     f"{m['rss_mb']:,.0f} MB RSS ({m['pss_mb']:,.0f} MB PSS) in {m['processes']} processes",
                     f"< {TARGET_MEMORY_MB:g} MB", m["rss_mb"] < TARGET_MEMORY_MB))
    lines += ["### Done when (issue 19), computed from this run", "", "| criterion | measured | target | |",
              "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {mark(d)} |" for a, b, c, d in rows]
    lines.append("")

    # ---- ratios
    head = "| ratio | " + " | ".join(f"{s.n:,} communities" for s in scales) + " |"
    lines += ["### Ratios", "", head, "|---|" + "---:|" * len(scales)]

    def ratio_row(name: str, fn) -> None:
        cells = []
        for s in scales:
            try:
                v = fn(s)
            except (KeyError, TypeError, ZeroDivisionError, StopIteration):
                v = None
            cells.append("–" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:,.2f}")
        if any(c != "–" for c in cells):
            lines.append(f"| {name} | " + " | ".join(cells) + " |")

    def lat(s, key, peer):
        return med(s.latency[key][peer])

    def one_geo(s, a_peer, b_peer, scope="one"):
        xs = []
        for case in bench.cases:
            if case.scope != scope:
                continue
            a, b = med(s.latency.get(case.key, {}).get(a_peer, [])), med(s.latency.get(case.key, {}).get(b_peer, []))
            if a and b:
                xs.append(a / b)
        return geomean(xs)

    def rdflib_geo(s, scope, peer="lcc-sparql"):
        xs = []
        for case in bench.cases:
            if case.scope != scope:
                continue
            lat_ = s.latency.get(case.key, {})
            a = med(lat_.get(peer, []))
            b, _ = rdflib_value(s, case.key)
            if a and b:
                xs.append(b / a)
        return geomean(xs)

    ratio_row("lookup latency, lcc /sparql ÷ Oxigraph server", lambda s: lat(s, "lookup", "lcc-sparql") / lat(s, "lookup", "oxigraph"))
    ratio_row("lookup latency, lcc /sparql ÷ raw pyoxigraph", lambda s: lat(s, "lookup", "lcc-sparql") / lat(s, "lookup", "raw"))
    ratio_row("lookup latency, rdflib-endpoint ÷ lcc /sparql", lambda s: lat(s, "lookup", "rdflib") / lat(s, "lookup", "lcc-sparql"))
    ratio_row("one-community queries, lcc /sparql ÷ Oxigraph server (geometric mean)", lambda s: one_geo(s, "lcc-sparql", "oxigraph"))
    ratio_row("one-community queries, lcc named route ÷ Oxigraph server (geometric mean)", lambda s: one_geo(s, "lcc-named", "oxigraph"))
    ratio_row("one-community queries, lcc /sparql ÷ raw pyoxigraph (geometric mean)", lambda s: one_geo(s, "lcc-sparql", "raw"))
    ratio_row("one-community queries, lcc named route ÷ raw + substitutions (geometric mean)", lambda s: one_geo(s, "lcc-named", "raw-subst"))
    ratio_row("one-community queries, rdflib-endpoint ÷ lcc /sparql (geometric mean)", lambda s: rdflib_geo(s, "one"))
    ratio_row("one-community queries, rdflib-endpoint ÷ lcc named route (geometric mean)",
              lambda s: rdflib_geo(s, "one", "lcc-named"))
    ratio_row("all-communities queries, lcc /sparql ÷ Oxigraph server (geometric mean)", lambda s: one_geo(s, "lcc-sparql", "oxigraph", "all"))
    ratio_row("all-communities queries, rdflib-endpoint ÷ lcc /sparql (geometric mean, timeouts as lower bounds)", lambda s: rdflib_geo(s, "all"))
    for target in TARGET_NAMES:
        ratio_row(f"throughput {TARGET_NAMES[target]}, lcc /sparql ÷ Oxigraph server", lambda s, t=target: load_rps(s, t, "lcc-sparql") / load_rps(s, t, "oxigraph"))
    ratio_row(f"throughput {THROUGHPUT_QUERY}, lcc named route ÷ Oxigraph server", lambda s: load_rps(s, THROUGHPUT_QUERY, "lcc-named") / load_rps(s, THROUGHPUT_QUERY, "oxigraph"))
    ratio_row("throughput lookup, lcc /sparql ÷ rdflib-endpoint", lambda s: load_rps(s, "lookup", "lcc-sparql") / load_rps(s, "lookup", "rdflib"))
    ratio_row("memory (RSS), lcc-graph ÷ Oxigraph server", lambda s: s.memory["lcc"]["rss_mb"] / s.memory["oxigraph"]["rss_mb"])
    ratio_row("start-up, lcc restart ÷ Oxigraph server start", lambda s: s.startup["lcc restart"] / s.startup["oxigraph start"])
    if growth:
        for peer, ratios in growth.items():
            if ratios:
                lines.append(f"| one-community queries, 1,000 ÷ 100 communities, {PEERS[peer]} (geometric mean; largest "
                             f"{ratios[0][1]} {ratios[0][0]:.2f}) | {geomean([r for r, _ in ratios]):.2f} (both sizes) |"
                             + " |" * (len(scales) - 1))
    lines.append("")

    # ---- data, start-up, memory
    lines += ["### Data, start-up and memory", "",
              "| | " + " | ".join(f"{s.n:,} communities" for s in scales) + " |", "|---|" + "---:|" * len(scales)]

    def row(name: str, fn) -> None:
        cells = []
        for s in scales:
            try:
                cells.append(fn(s))
            except (KeyError, TypeError):
                cells.append("–")
        if any(c != "–" for c in cells):
            lines.append(f"| {name} | " + " | ".join(cells) + " |")

    row("quads in the public store (named graphs)", lambda s: f"{s.info['quads']:,} ({s.info['graphs']:,})")
    row("N-Quads export", lambda s: f"{s.info['export_mb']:,.0f} MB")
    row("data directory built in", lambda s: f"{s.info['built_s']:.0f} s" if s.info.get("built_s") else "reused")
    row("median community (population) / lookup partner", lambda s: f"{s.info['near_median'][0].rsplit('/', 1)[1]} / "
        f"{s.info['partner'].rsplit('/', 1)[1]}")
    row("lcc serve, first start on the copied data directory → /health 200", lambda s: f"{s.startup['lcc first start']:.2f} s")
    row("lcc serve, restart → /health 200", lambda s: f"{s.startup['lcc restart']:.2f} s")
    row("oxigraph load of the export", lambda s: f"{s.startup['oxigraph load']:.1f} s")
    row("oxigraph serve-read-only → first answer", lambda s: f"{s.startup['oxigraph start']:.2f} s")
    row("rdflib-endpoint: load the export and serve → first answer", lambda s: f"{s.startup['rdflib load and start']:.1f} s")
    for name, label in (("lcc", "lcc-graph (server, query workers, upload sandbox)"), ("oxigraph", "Oxigraph server"),
                        ("rdflib", "rdflib-endpoint (loaded parent and forked server)")):
        row(f"memory after the benchmark, {label}: RSS / PSS", lambda s, n=name: f"{s.memory[n]['rss_mb']:,.0f} / "
            f"{s.memory[n]['pss_mb']:,.0f} MB ({s.memory[n]['processes']} proc.)")
    row("rdflib-endpoint time spent (latency phase)", lambda s: f"{s.rdflib_spent:.0f} s" if "rdflib" in peers else "–")
    lines.append("")

    # ---- throughput
    lines += [f"### Throughput, {args.clients} concurrent clients, {args.seconds:g} s (median of the runs)", "",
              "| target | server | " + " | ".join(f"{s.n:,}: req/s | p50 | p99 | errors" for s in scales) + " |",
              "|---|---|" + "---:|---:|---:|---:|" * len(scales)]
    for target in TARGET_NAMES:
        for peer in ("lcc-sparql", "lcc-named", "oxigraph", "rdflib"):
            if not any(s.load.get((target, peer)) for s in scales):
                continue
            cells = []
            for s in scales:
                res = s.load.get((target, peer), [])
                if not res:
                    cells.append("– | – | – | –")
                    continue
                cells.append(f"{load_median(res, 'rps'):,.1f} | {load_median(res, 'p50_ms'):,.1f} ms | "
                             f"{load_median(res, 'p99_ms'):,.1f} ms | {sum(r['errors'] for r in res)}"
                             + (f" ({len(res)} run{'s' if len(res) > 1 else ''})" if len(res) != args.load_rounds else ""))
            name = TARGET_NAMES[target]
            lines.append(f"| {name} | {PEERS[peer]}{' (result cache)' if peer == 'lcc-named' else ''} | "
                         + " | ".join(cells) + " |")
    lines.append("")

    # ---- latency tables
    cols = [p for p in PEERS if p in peers]
    for s in scales:
        lines += [f"### Latency at {s.n:,} communities (ms; cold = first run, then the median of the others)", ""]
        head = "| query | scope | rows | " + " | ".join(
            f"{PEERS[p]} cold | median" if p.startswith("lcc") or p == "rdflib" else f"{PEERS[p]}" for p in cols)
        extra = []
        if "oxigraph" in cols and "lcc-sparql" in cols:
            extra.append("/sparql ÷ Oxigraph")
        if "rdflib" in cols and "lcc-sparql" in cols:
            extra.append("rdflib ÷ /sparql")
        head += " | " + " | ".join(extra) + " |" if extra else " |"
        ncols = 3 + sum(2 if p.startswith("lcc") or p == "rdflib" else 1 for p in cols) + len(extra)
        lines += [head, "|---|---|" + "---:|" * (ncols - 2)]
        mismatches = []
        for case in bench.cases:
            lat = s.latency.get(case.key, {})
            counts = {p: c for p, c in s.rows.get(case.key, {}).items() if c is not None}
            distinct = set(counts.values())
            if len(distinct) > 1:
                mismatches.append(f"{case.query_id} ({case.label}): " + ", ".join(f"{PEERS[p]} {c}" for p, c in counts.items()))
            rows_cell = str(counts.get("raw", counts.get("oxigraph", counts.get("lcc-sparql", next(iter(distinct), "–")))))
            cells = [case.query_id, case.label, rows_cell]
            for p in cols:
                runs = lat.get(p, [])
                bad = statuses(runs)
                if p.startswith("lcc") or p == "rdflib":
                    if case.scope == "lookup" and p == "lcc-named":
                        cells += ["", ""]
                        continue
                    f = first(runs)
                    cold = ms(f) if f is not None else (_short(runs[0][1], args, s.rdflib_floor.get(case.key))
                                                        if runs else "–")
                    m = med(runs)
                    warm = ms(m) if m is not None and len(runs) > 1 else ("–" if len(runs) <= 1 else _short(bad[-1], args))
                    if p == "lcc-named" and case.scope == "all" and m is not None and f is not None and m < f / 5:
                        warm += " (cache)"  # a fifth of the cold run or less: answered from the result cache
                    cells += [cold, warm]
                else:
                    m = med(runs)
                    cells.append(ms(m, 2) if m is not None else (_short(bad[0], args) if bad else "–"))
            a, b = med(lat.get("lcc-sparql", [])), med(lat.get("oxigraph", []))
            if "/sparql ÷ Oxigraph" in extra:
                cells.append(f"{a / b:.1f}" if a and b else "–")
            if "rdflib ÷ /sparql" in extra:
                r, bound = rdflib_value(s, case.key)
                cells.append((f"{'≥ ' if bound else ''}{r / a:,.1f}") if a and r else "–")
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
        if mismatches:
            lines += ["Row counts that differ between peers (first run): " + "; ".join(mismatches) + ".", ""]
        errors = []
        for case in bench.cases:
            for p in cols:
                for _, st in s.latency.get(case.key, {}).get(p, []):
                    if isinstance(st, str) and st.startswith("HTTP"):
                        errors.append(f"{PEERS[p]} on {case.query_id} ({case.label}): {st.strip()}")
                        break
        if errors:
            lines += ["Errors: " + "; ".join(errors) + ".", ""]
        if s.posted:
            lines += [f"Sent to Oxigraph server by POST (`application/sparql-query`), their GET being over its 8 KB "
                      f"limit on a request head: {', '.join(sorted(s.posted))}.", ""]
        for note in s.notes:
            lines += [note, ""]
    lines.append(END)
    return "\n".join(lines)


def _short(status: object, args, floor: tuple[float, str] | None = None) -> str:
    """A run without a time, in a table cell."""
    text = str(status)
    if text == "timeout":
        return f"> {args.rdflib_timeout:g} s"
    if text.startswith("skipped"):
        return f"> {args.rdflib_timeout:g} s (timed out with fewer)"
    if text.startswith("not run"):
        return f"not run (≥ {floor[0]:,.1f} s with fewer)" if floor else "not run"
    if text.startswith("not repeated"):
        return "–"
    return text.split(":")[0]


def write_section(target: Path, section: str, begin: str = BEGIN, end: str = END) -> None:
    """Put ``section`` between its markers in ``target`` (appended when they are not there yet)."""
    text = target.read_text() if target.exists() else "# Benchmarks\n\nMeasured by the scripts in benchmarks/, on this machine.\n"
    if begin in text and end in text:
        text = text[:text.index(begin)] + section + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)


# --------------------------------------------------------------------------- main

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communities", default="100,1000", help="sizes, comma-separated (default 100,1000)")
    parser.add_argument("--seconds", type=float, default=10.0, help="each throughput run (default 10)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=7,
                        help="latency rounds; the first is the cold run, the median is over the others (default 7)")
    parser.add_argument("--load-rounds", type=int, default=3, help="throughput runs per server and target (default 3)")
    parser.add_argument("--work-dir", type=Path, default=Path("/tmp/lcc-bench-peers"),
                        help="data directories and exports are kept here and reused")
    parser.add_argument("--rebuild", action="store_true", help="build the data directories again")
    parser.add_argument("--only", default="lcc,raw,oxigraph,rdflib", help="peers: lcc,raw,oxigraph,rdflib")
    parser.add_argument("--rdflib-timeout", type=float, default=120.0, help="per request (default 120 s)")
    parser.add_argument("--rdflib-repeat-below", type=float, default=3.0)
    parser.add_argument("--rdflib-rounds", type=int, default=3)
    parser.add_argument("--rdflib-budget", type=float, default=900.0,
                        help="seconds of rdflib-endpoint requests per size before its all-communities cases stop")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--no-write", action="store_true", help="print the report only")
    parser.add_argument("--serve-rdflib", metavar="NQUADS", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_rdflib:
        serve_rdflib(args.serve_rdflib, args.port)
        return 0
    sizes = sorted({int(x) for x in args.communities.split(",") if x.strip()})
    unknown = set(x.strip() for x in args.only.split(",")) - set(GROUPS)
    if unknown or args.rounds < 1:
        parser.error(f"--only takes {', '.join(GROUPS)}" if unknown else "--rounds is at least 1")
    peers = [p for g in args.only.split(",") for p in GROUPS[g.strip()]]
    args.work_dir.mkdir(parents=True, exist_ok=True)
    if "rdflib" in peers:
        ensure_rdflib_endpoint()
    use_wrk = ensure_wrk()
    command = ".venv/bin/python benchmarks/peers.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    box = machine()
    bench = Bench(args, peers, use_wrk)
    started = time.perf_counter()
    scales = []
    for n in sizes:
        say(f"=== {n} communities ===")
        scales.append(bench.run_scale(n))
    section = report(scales, bench, box, command.strip(), time.perf_counter() - started)
    raw_results = args.work_dir / "peers-results.json"
    raw_results.write_text(json.dumps({"machine": box, "command": command, "scales": [
        {"communities": s.n, "info": {k: v for k, v in s.info.items() if k != "near_median"},
         "startup": s.startup, "latency": s.latency, "rows": s.rows, "rdflib_floor": s.rdflib_floor,
         "load": {f"{t} | {p}": r for (t, p), r in s.load.items()}, "memory": s.memory, "posted": sorted(s.posted)}
        for s in scales]}, indent=1, default=str))
    say(f"raw results in {raw_results}")
    print()
    print(section)
    if not args.no_write:
        write_section(args.out, section)
        say(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
