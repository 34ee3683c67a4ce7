"""How many different queries a second each layer of lcc-graph's read path can serve on this
machine, side by side with Oxigraph server on the same data (issue 19's throughput bound).

    .venv/bin/python benchmarks/ceiling.py                    # 1,000 communities, 3 rounds of 10 s
    .venv/bin/python benchmarks/ceiling.py --communities 100 --seconds 5 --no-write

One Python server (uvicorn, run as ``lcc serve`` runs it) answers three paths over one copy of the
data directory, each one layer thinner than the one before:

- ``/sparql``: the service itself (``api.app.create_app``), every middleware and the route;
- ``/ceiling/pool``: a bare ASGI handler that hands the query to the service's own query pool
  (``Stores.query_untrusted_async``: the size checked in the server; the scan, the engine and the
  serialising in a killable worker process) and sends the answer's bytes back, no FastAPI around it;
- ``/ceiling/empty``: a bare ASGI handler that sends a fixed empty answer without reading the
  query: uvicorn's own cost, the floor of any Python front on this machine;

and ``oxigraph serve-read-only --union-default-graph`` serves the same data (the export that
benchmarks/peers.py loads). wrk (``--clients`` connections, 2 threads) sends each of them a
different query on every request, as benchmarks/peers.py does: the lookup ``SELECT * WHERE {
<partner> ?p ?o }`` of the first partner of each of the 64 communities nearest the median
population, and ``cross-sector-partnerships`` for each of those communities, each text ended by a
comment of its own so that no cache can answer. The rounds interleave the four targets. It also
times a pipe round trip between two Python processes carrying a read's message: what every read
in a killable worker pays on top of the engine.

Only 127.0.0.1 is contacted. The data come from benchmarks/peers.py's work directory (built there
when missing). The report goes between the ``ceiling`` markers of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import peers  # noqa: E402
from benchmarks.peers import HOST, SPARQL_JSON, THROUGHPUT_QUERY, say  # noqa: E402

BEGIN, END = "<!-- ceiling:begin -->", "<!-- ceiling:end -->"
EMPTY_ANSWER = b'{"head":{"vars":[]},"results":{"bindings":[]}}'
#: the layers, thickest first, and the path each is asked on
LAYERS = {"service": "/sparql", "pool": "/ceiling/pool", "empty": "/ceiling/empty", "oxigraph": "/query"}
LAYER_NAMES = {"service": "lcc-graph `/sparql` (the service)",
               "pool": "query pool behind a bare ASGI handler",
               "empty": "bare ASGI handler, fixed empty answer",
               "oxigraph": "Oxigraph server"}


# --------------------------------------------------------------------------- the layered server

def layered_app():
    """The service, with the two thinner layers in front of it (``--serve``; LCC_DATA_DIR set)."""
    from api.app import create_app
    from api.fast_path import decode_query_string
    from lcc_graph.errors import LccError
    from lcc_graph.sparql_guard import QueryLimits

    service = create_app()
    settings = service.state.settings
    limits = QueryLimits(max_bytes=settings.max_query_bytes, max_depth=settings.max_query_depth)
    media = {"solutions": SPARQL_JSON, "boolean": SPARQL_JSON, "graph": "application/n-triples"}

    async def reply(send, status: int, body: bytes, media_type: str) -> None:
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", media_type.encode()), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    async def app(scope, receive, send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path == "/ceiling/empty":
            await reply(send, 200, EMPTY_ANSWER, SPARQL_JSON)
        elif path == "/ceiling/pool":
            params = decode_query_string(scope["query_string"])  # as the service reads it
            try:
                result = await service.state.stores.query_untrusted_async(
                    params.get("query", ""), limits, media, default_graph=params.getlist("default-graph-uri") or None)
            except LccError as exc:
                await reply(send, 400, str(exc).encode(), "text/plain")
            else:
                await reply(send, 200, result.data, result.media or SPARQL_JSON)
        else:
            await service(scope, receive, send)

    app.service = service  # the tests read its state
    return app


def serve(port: int) -> None:
    import uvicorn

    uvicorn.run("benchmarks.ceiling:layered_app", factory=True, host=HOST, port=port, access_log=False,
                log_level="warning")


# --------------------------------------------------------------------------- a pipe round trip

def _echo(conn) -> None:
    while True:
        message = conn.recv()
        if message is None:
            return
        conn.send(message)


def pipe_round_trip(n: int = 20_000) -> dict:
    """A read's message (the shape ``QueryPool._send`` sends) to a spawned process and back, ``n``
    times: the wall time and this process's CPU time per round trip, in microseconds."""
    ctx = mp.get_context("spawn")
    here, there = ctx.Pipe()
    child = ctx.Process(target=_echo, args=(there,), daemon=True)
    child.start()
    message = ("/checkpoints/000042", "SELECT * WHERE { <https://w3id.org/lcc/communities/x/partners/1> ?p ?o } # 1",
               None, None, False, {}, 100_000, 64 * 1024 * 1024, False,
               {"solutions": SPARQL_JSON, "boolean": SPARQL_JSON}, (20_000, 64))
    try:
        for _ in range(1000):
            here.send(message)
            here.recv()
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(n):
            here.send(message)
            here.recv()
        return {"wall_us": (time.perf_counter() - wall) / n * 1e6, "cpu_us": (time.process_time() - cpu) / n * 1e6}
    finally:
        here.send(None)
        child.join(10)


# --------------------------------------------------------------------------- measuring

def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system) a process has used so far; 0 when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """The CPU time a server process and its children (the query workers) spend while it runs,
    sampled every ``every_s`` from /proc: a worker replaced during the run (recycled after its
    reads) counts until its last sample, its replacement from its start."""

    def __init__(self, pid: int, every_s: float = 0.25) -> None:
        self.pid = pid
        self.every_s = every_s
        self.first = {p: cpu_seconds(p) for p in self._tree()}
        self.last = dict(self.first)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _tree(self) -> list[int]:
        """The server and its children: Linux lists each thread's children in its task's
        ``children`` file (the workers are started by several threads); no walk over /proc."""
        found = [self.pid]
        try:
            for task in Path(f"/proc/{self.pid}/task").iterdir():
                try:
                    found += map(int, (task / "children").read_text().split())
                except OSError:
                    continue  # a thread that ended meanwhile
        except OSError:
            return peers.process_tree(self.pid)
        return found

    def _sample(self) -> None:
        while not self._stop.wait(self.every_s):
            for p in self._tree():
                used = cpu_seconds(p)
                if used:
                    self.first.setdefault(p, 0.0)
                    self.last[p] = max(self.last.get(p, 0.0), used)

    def stop(self) -> tuple[float, float]:
        """(the server's CPU seconds, its children's) since the meter started."""
        self._stop.set()
        self._thread.join()
        for p in self._tree():
            self.last[p] = max(self.last.get(p, 0.0), cpu_seconds(p))
        own = self.last.get(self.pid, 0.0) - self.first.get(self.pid, 0.0)
        children = sum(self.last[p] - self.first.get(p, 0.0) for p in self.last if p != self.pid)
        return own, children


def oxigraph_db(work: Path, n: int, export: Path) -> Path:
    """An Oxigraph database loaded from the export, kept beside it and reused while the export is unchanged."""
    db = work / f"ceiling-{n}" / "oxigraph-db"
    marker = db.parent / ".oxigraph-loaded"
    if not (marker.exists() and marker.stat().st_mtime >= export.stat().st_mtime):
        shutil.rmtree(db, ignore_errors=True)
        db.parent.mkdir(parents=True, exist_ok=True)
        say(f"oxigraph load {export} ...")
        subprocess.run([oxigraph_binary(), "load", "--location", str(db), "--file", str(export)],
                       check=True, capture_output=True, timeout=3600)
        marker.write_text("loaded\n")
    return db


def oxigraph_binary() -> str:
    binary = Path(sys.executable).parent / "oxigraph"
    return str(binary) if binary.exists() else (shutil.which("oxigraph") or str(binary))


def measure(args: argparse.Namespace) -> dict:
    n = args.communities
    info = peers.prepare_data(args.work_dir, n, args.rebuild)
    near = info["near_median"]
    csp = next(c for c in peers.catalogue_cases() if c.query_id == THROUGHPUT_QUERY and c.scope == "one")
    lookups = [f"SELECT * WHERE {{ <{p}> ?p ?o }}" for p in info["partners"] if p]
    csp_texts = [csp.text(c) for c in near]
    csp_graphs = [csp.graphs(c) for c in near]

    def rotating(base: str, texts: list[str], graphs: list | None = None) -> list[str]:
        return [peers.sparql_path(base, t, g, query_last=True) for t, g in zip(texts, graphs or [None] * len(texts))]

    workloads = {
        "lookup": {layer: rotating(path, lookups) for layer, path in LAYERS.items()},
        # the service is sent the text alone (its FROM lines name the community's graphs), Oxigraph
        # server the same graphs as default-graph-uri too, as benchmarks/peers.py does
        THROUGHPUT_QUERY: {layer: rotating(path, csp_texts, csp_graphs if layer == "oxigraph" else None)
                           for layer, path in LAYERS.items()},
    }
    runs: dict[tuple[str, str], list[dict]] = {}
    with ExitStack() as stack:
        run_dir = args.work_dir / f"ceiling-{n}"
        served = run_dir / "lcc-data"
        shutil.rmtree(served, ignore_errors=True)
        run_dir.mkdir(parents=True, exist_ok=True)
        say("copying the data directory for the layered server")
        shutil.copytree(info["data_dir"], served, ignore=shutil.ignore_patterns("checkpoints", ".built"))
        stack.callback(shutil.rmtree, served, True)
        db = oxigraph_db(args.work_dir, n, info["export"])
        env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")
               and k not in ("LCC_STORE", "LCC_PRIVATE_STORE") and not k.startswith("LCC_REMOTE_")}
        env["LCC_DATA_DIR"] = str(served)
        ports = {"lcc": peers.free_port(), "oxigraph": peers.free_port()}
        say("starting the layered server and Oxigraph server")
        lcc = peers.launch("lcc", [sys.executable, str(Path(__file__).resolve()), "--serve", "--port", str(ports["lcc"])],
                           ports["lcc"], "/health", run_dir / "lcc.log", env={**env, "PYTHONPATH": str(ROOT)},
                           accept="application/json")
        stack.callback(lcc.stop)
        oxigraph = peers.launch("oxigraph", [oxigraph_binary(), "serve-read-only", "--location", str(db), "--bind",
                                             f"{HOST}:{ports['oxigraph']}", "--union-default-graph"],
                                ports["oxigraph"], peers.sparql_path("/query", "ASK {}"), run_dir / "oxigraph.log",
                                accept=SPARQL_JSON)
        stack.callback(oxigraph.stop)
        say("  waiting for the served store to settle")
        peers.settle(served / "public", quiet_s=10, limit_s=90)
        for workload, paths in workloads.items():  # every path answers 200 once before any load
            for layer, layer_paths in paths.items():
                port = ports["oxigraph" if layer == "oxigraph" else "lcc"]
                client = peers.HttpPeer(port)
                status, body, _ = client.get(layer_paths[0], SPARQL_JSON, 60)
                client.close()
                if status != 200:
                    raise RuntimeError(f"{layer} answered {status} to {workload}: {body[:300]!r}")
        for r in range(args.rounds):
            order = list(LAYERS) if r % 2 == 0 else list(reversed(LAYERS))
            for workload, paths in workloads.items():
                for layer in order:
                    port = ports["oxigraph" if layer == "oxigraph" else "lcc"]
                    pid = (oxigraph if layer == "oxigraph" else lcc).proc.pid
                    meter = CpuMeter(pid)
                    if args.wrk:
                        result = peers.run_wrk(run_dir, port, paths[layer], SPARQL_JSON, args.clients, args.seconds, 60)
                    else:
                        result = peers.run_python_load(port, paths[layer], SPARQL_JSON, args.clients, args.seconds, 60)
                    server_s, workers_s = meter.stop()
                    done = max(1, result["requests"])
                    result["server_ms"] = 1000 * server_s / done
                    result["workers_ms"] = 1000 * workers_s / done
                    runs.setdefault((workload, layer), []).append(result)
                    say(f"  round {r + 1} {workload:<26} {layer:<9} {result['rps']:8,.0f} req/s"
                        f"  p99 {result['p99_ms']:6.1f} ms  errors {result['errors']}  CPU a request: server "
                        f"{result['server_ms']:.3f} ms, workers {result['workers_ms']:.3f} ms")
    say("a pipe round trip between two Python processes ...")
    return {"info": info, "runs": runs, "pipe": pipe_round_trip(), "workloads": list(workloads)}


def report(measured: dict, args: argparse.Namespace, box: dict, command: str) -> str:
    runs = measured["runs"]

    def med(workload: str, layer: str, key: str = "rps") -> float:
        return statistics.median(x[key] for x in runs[(workload, layer)])

    def name(workload: str) -> str:
        return "lookup" if workload == "lookup" else f"`{workload}`, one community"

    rates = ["| a different query each request | " + " | ".join(LAYER_NAMES[x] for x in LAYERS)
             + " | half of Oxigraph server |", "|---" + "|---:" * (len(LAYERS) + 1) + "|"]
    cpu = ["| CPU time a request (ms): server + workers | " + " | ".join(LAYER_NAMES[x] for x in LAYERS)
           + " | half of Oxigraph server's rate allows |", "|---" + "|---:" * (len(LAYERS) + 1) + "|"]
    for workload in measured["workloads"]:
        oxi = med(workload, "oxigraph")
        rates.append(f"| {name(workload)} | " + " | ".join(
            f"{med(workload, layer):,.0f} req/s ({med(workload, layer) / oxi:.2f})" for layer in LAYERS)
            + f" | {oxi / 2:,.0f} req/s |")
        cells = []
        for layer in LAYERS:
            server, workers = med(workload, layer, "server_ms"), med(workload, layer, "workers_ms")
            cells.append(f"{server:.2f}" if layer in ("empty", "oxigraph") else f"{server:.2f} + {workers:.2f}")
        # the machine's cores, less what the load generator used, shared by half Oxigraph's rate
        cpu.append(f"| {name(workload)} | " + " | ".join(cells) + f" | {1000 * box['cores'] / (oxi / 2):.2f} |")
    errors = sum(x["errors"] for v in runs.values() for x in v)
    pipe = measured["pipe"]
    info = measured["info"]
    lookup_total = med("lookup", "service", "server_ms") + med("lookup", "service", "workers_ms")
    code = box["commit"] + (" (with changes to " + ", ".join(box["dirty"]) + ")" if box["dirty"] else "")
    return f"""{BEGIN}
## The read path's ceiling (issue 19)

How many different queries a second each layer of the read path serves, thickest first, against
Oxigraph server on the same data ({info['communities']:,} communities, {info['quads']:,} quads), and the
CPU time each process spent a request meanwhile. Median of {args.rounds} interleaved runs of
{args.seconds:g} s, {args.clients} connections ({'wrk, 2 threads' if args.wrk else 'Python load processes'}),
every request a query of its own. In brackets: the share of Oxigraph server's rate.

{chr(10).join(rates)}

{chr(10).join(cpu)}

- *lcc-graph `/sparql`*: the whole service. *Query pool behind a bare ASGI handler*: the same
  server process and workers with FastAPI and every middleware left out; the query is still size
  checked in the server, scanned, run and serialised in a killable worker process. *Bare ASGI
  handler*: uvicorn answering a fixed empty result without any query: the floor of a Python front.
- The last column is the machine's {box['cores']} cores divided by half of Oxigraph server's rate: the
  most CPU a request may take, everything included, for a server to reach that rate here (the
  load generator runs on the same cores, so the true allowance is lower). lcc-graph's lookup takes
  {lookup_total:.2f} ms: {lookup_total / (1000 * box['cores'] / (med('lookup', 'oxigraph') / 2)):.1f} times the allowance.
- A pipe round trip between two Python processes, carrying a read's message: {pipe['wall_us']:.0f} µs,
  of which {pipe['cpu_us']:.0f} µs of the sender's CPU. Every read in a killable worker pays one (the
  query out, the answer back) on top of the engine's work.
- Failed or refused requests during the runs: {errors}.

Machine: {box['cpu'] or 'unknown CPU'}, {box['cores']} cores, {box['mem_gb']:.1f} GB, Linux {box['kernel']},
Python {box['python']}, pyoxigraph {box['pyoxigraph']}, {box['oxigraph']}, uvicorn {box['uvicorn']},
FastAPI {box['fastapi']}, {box['wrk'] if args.wrk else 'Python load processes'}; code {code}; load average at
the start {box['load']:.2f}.

    {command}
{END}"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communities", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10.0, help="each run (default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="runs per layer and workload (default 3)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--work-dir", type=Path, default=Path("/tmp/lcc-bench-peers"),
                        help="benchmarks/peers.py's work directory: its data and exports are reused")
    parser.add_argument("--rebuild", action="store_true", help="build the data directory again")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--no-write", action="store_true", help="print the report only")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.port)
        return 0
    if args.rounds < 1 or args.seconds <= 0 or args.clients < 1:
        parser.error("--rounds, --seconds and --clients are positive")
    args.work_dir.mkdir(parents=True, exist_ok=True)
    args.wrk = peers.ensure_wrk()
    command = ".venv/bin/python benchmarks/ceiling.py " + " ".join(sys.argv[1:])
    box = peers.machine()
    measured = measure(args)
    section = report(measured, args, box, command.strip())
    print()
    print(section)
    if not args.no_write:
        peers.write_section(args.out, section, BEGIN, END)
        say(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
