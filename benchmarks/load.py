"""Load on loopback: mixed reads, named queries and uploads at a fixed rate, then again with a runaway query.

    .venv/bin/python benchmarks/load.py                      # defaults: about 2 minutes on 2 cores
    .venv/bin/python benchmarks/load.py --rate 6 --duration 60 --json /tmp/load.json

What it does, bounded in count and time at every step:

1. builds a demo data directory (``--communities``, default 100) in a temporary directory;
2. starts ``uvicorn api.app:create_app --factory`` on 127.0.0.1 (a free port; loopback only), its
   output to a file, with ``LCC_QUERY_TIMEOUT_S`` (default 5 s);
3. registers ``--upload-communities`` communities and a token for each through the admin API;
4. measures each request kind alone (sequential, a few times each: the service time);
5. a short warm-up, then **phase 1 (baseline)**: ``--clients`` processes send ``--rate`` requests per
   second in total for ``--duration`` seconds, open loop: request *n* is due at ``t0 + n / rate``
   and is sent then whether or not earlier ones have answered; its latency is measured from the
   time it was due (so a stalled server cannot hide its stall by slowing the senders down:
   no coordinated omission). Each client uploads only to its own communities, one upload at a
   time per community (so versions are acknowledged in order);
6. **phase 2 (runaway)**: the same schedule and mix (the same seed), while one extra process
   sends ``SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }`` again and again
   (each one is stopped at the deadline with a 503);
7. after each phase, every acknowledged upload must be visible: each community's data is the
   last acknowledged version or a later one, whole (checked through ``/sparql``), and its
   history counts at least as many versions as were acknowledged;
8. prints a Markdown table (per phase: requests, throughput, p50 / p95 / p99 overall and per
   kind, errors by status, lost uploads, the phase-2 / phase-1 p99 ratio) and writes JSON.

The server (and its query workers, in its own process group) is stopped in a ``finally``;
client processes left over are killed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import multiprocessing as mp
import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
ADMIN_TOKEN = "load-admin-secret"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
PARTNERS = 5  # every uploaded version has this many partners: the count tells a whole graph
LCC = "https://w3id.org/lcc/communities/"
SPARQL_JSON = {"Accept": "application/sparql-results+json"}

# The mix: kind -> weight (share of requests).
MIX = {
    "list": 8,        # GET /communities
    "community": 14,  # GET /communities/{id}
    "network": 14,    # GET /communities/{id}/network
    "criterion": 8,   # GET /criteria/{slug}
    "sparql": 18,     # GET /sparql, a SELECT aggregate
    "named": 23,      # GET /queries/{id}
    "upload": 15,     # PUT /communities/{id}/data
}
CRITERIA = ("balances change diversity dynamics inclusion infrastructures innovation learning needs opportunities "
            "outreach participation partnerships penetration policy-making reflection sharing talent transparency "
            "value-codes visibility").split()
AGGREGATES = [
    "PREFIX lcc: <https://w3id.org/lcc#> SELECT ?c (COUNT(?p) AS ?partners) WHERE { ?p a lcc:Partner ; "
    "lcc:community ?c } GROUP BY ?c",
    "PREFIX lcc: <https://w3id.org/lcc#> SELECT ?sector (COUNT(?p) AS ?n) WHERE { ?p a lcc:Partner ; "
    "lcc:sector ?sector } GROUP BY ?sector",
    "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n) LIMIT 20",
    "PREFIX lcc: <https://w3id.org/lcc#> PREFIX org: <http://www.w3.org/ns/org#> SELECT ?c (COUNT(DISTINCT ?m) "
    "AS ?members) WHERE { ?ps a lcc:Partnership ; lcc:community ?c ; org:hasMember ?m } GROUP BY ?c",
]
# Named queries (those that answer within a few seconds over the whole demo; the community
# parameter, where given, is filled with a random demo community).
NAMED = [
    ("cross-sector-partnerships", False),
    ("cross-sector-partnerships", True),
    ("criteria-coverage", False),
    ("inclusion-reach", False),
    ("needs-coverage", False),
    ("dialogues", False),
    ("community-resources", False),
    ("indicator-partnerships-cross-sector", False),
    ("indicator-horizontal-penetration", False),
    ("initiative-origins", False),
]


# --------------------------------------------------------------------------------------------
# Requests


def upload_body(community: str, version: int) -> bytes:
    """Version k of a load community: population k and PARTNERS partners (labelled with k)."""
    lines = [
        "@prefix lcc: <https://w3id.org/lcc#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix sectors: <https://w3id.org/lcc/sectors/> . @prefix fields: <https://w3id.org/lcc/fields/> .",
        "@prefix levels: <https://w3id.org/lcc/levels/> .",
        f'<../{community}> a lcc:Community ; rdfs:label "{community}"@en ; lcc:population {version} .',
    ]
    sectors = ("public", "private", "social")
    for i in range(PARTNERS):
        lines.append(f'<partners/{i}> a lcc:Partner ; lcc:community <../{community}> ; '
                     f'rdfs:label "Partner {i} (version {version})"@en ; lcc:sector sectors:{sectors[i % 3]} ; '
                     f"lcc:field fields:education ; lcc:level levels:municipal .")
    return "\n".join(lines).encode()


def plan(seed: int, n: int, demo_ids: list[str]) -> tuple[str, dict]:
    """Request n of a phase: its kind and what it needs (the same for the same seed and n)."""
    rnd = random.Random(seed * 1_000_003 + n)
    kind = rnd.choices(list(MIX), weights=list(MIX.values()))[0]
    community = rnd.choice(demo_ids)
    if kind == "list":
        return kind, {"method": "GET", "path": "/communities"}
    if kind == "community":
        return kind, {"method": "GET", "path": f"/communities/{community}"}
    if kind == "network":
        return kind, {"method": "GET", "path": f"/communities/{community}/network"}
    if kind == "criterion":
        return kind, {"method": "GET", "path": f"/criteria/{rnd.choice(CRITERIA)}"}
    if kind == "sparql":
        return kind, {"method": "GET", "path": "/sparql", "params": {"query": rnd.choice(AGGREGATES)},
                      "headers": SPARQL_JSON}
    if kind == "named":
        query, scoped = rnd.choice(NAMED)
        params = {"community": LCC + community} if scoped else {}
        return kind, {"method": "GET", "path": f"/queries/{query}", "params": params}
    return kind, {"method": "PUT"}  # the client fills in its own community and next version


async def _client_main(base: str, index: int, clients: int, rate: float, t0: float, duration: float, seed: int,
                       demo_ids: list[str], own: dict[str, str], first_version: dict[str, int],
                       timeout: float) -> dict:
    loop = asyncio.get_running_loop()
    total = math.ceil(duration * rate)  # bounded: requests of the whole phase, all clients
    mine = range(index, total, clients)
    own_ids = sorted(own)
    locks = {c: asyncio.Lock() for c in own_ids}
    version = dict(first_version)
    acked: dict[str, int] = {}       # community -> highest acknowledged version
    acked_count: Counter[str] = Counter()
    sent_versions: dict[str, int] = {}
    records: list[dict] = []
    uploads_made = 0
    # loop.time() is CLOCK_MONOTONIC, shared by every process on Linux.
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
    async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits) as http:

        async def one(n: int, due: float) -> None:
            nonlocal uploads_made
            kind, req = plan(seed, n, demo_ids)
            record = {"n": n, "kind": kind, "due": due - t0, "sent_late": loop.time() - due}
            community = v = None
            try:
                if kind == "upload":
                    community = own_ids[uploads_made % len(own_ids)]
                    uploads_made += 1
                    async with locks[community]:  # one upload at a time per community: acked in order
                        version[community] += 1
                        v = version[community]
                        sent_versions[community] = v
                        r = await http.put(f"/communities/{community}/data", content=upload_body(community, v),
                                           headers={"Content-Type": "text/turtle",
                                                    "Authorization": f"Bearer {own[community]}"})
                        if r.status_code == 200:
                            acked[community] = max(acked.get(community, 0), v)
                            acked_count[community] += 1
                else:
                    r = await http.request(req["method"], req["path"], params=req.get("params"),
                                           headers=req.get("headers"))
                record["status"] = r.status_code
                record["bytes"] = len(r.content)
                if r.status_code != 200:
                    try:
                        record["message"] = str(r.json().get("message", ""))[:100]
                    except ValueError:
                        record["message"] = r.text[:100]
            except httpx.TimeoutException:
                record["status"] = "client-timeout"
            except httpx.HTTPError as exc:
                record["status"] = type(exc).__name__
            record["latency"] = loop.time() - due
            records.append(record)

        tasks = []
        for n in mine:
            due = t0 + n / rate
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(n, due)))
        if tasks:
            done, pending = await asyncio.wait(tasks, timeout=timeout + 10)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=5)
            missing = len(pending)
        else:
            missing = 0
    return {"index": index, "records": records, "acked": acked, "acked_count": dict(acked_count),
            "sent_versions": sent_versions, "version": version, "cancelled": missing}


def client_process(out, *args) -> None:
    """A client process: the async loop above; its results go back through a queue."""
    try:
        result = asyncio.run(_client_main(*args))
    except BaseException as exc:  # report, do not hang the parent
        result = {"error": repr(exc)}
    out.put(result)


def runaway_process(out, base: str, t0: float, end: float, query_timeout: float) -> None:
    """Send the runaway query again and again from t0 until end (bounded in count)."""
    results = []
    budget = int((end - t0) / max(query_timeout, 0.5)) + 5
    with httpx.Client(base_url=base, timeout=query_timeout * 3 + 30) as http:
        while time.monotonic() < t0:
            time.sleep(0.01)
        for _ in range(budget):
            if time.monotonic() >= end:
                break
            start = time.monotonic()
            try:
                status = http.get("/sparql", params={"query": RUNAWAY}, headers=SPARQL_JSON).status_code
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            results.append({"start": start - t0, "seconds": time.monotonic() - start, "status": status})
    out.put(results)


# --------------------------------------------------------------------------------------------
# The server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_data(data_dir: Path, communities: int, seed: int) -> dict:
    from lcc_graph.demo_store import build_demo_store
    from lcc_graph.store import open_stores

    stores = open_stores(data_dir)
    try:
        return build_demo_store(stores, communities, seed)
    finally:
        stores.close()


def start_server(data_dir: Path, port: int, query_timeout: float, log_path: Path,
                 query_workers: int | None = None) -> subprocess.Popen:
    env = {**os.environ, "LCC_DATA_DIR": str(data_dir), "LCC_ADMIN_TOKEN": ADMIN_TOKEN,
           "LCC_QUERY_TIMEOUT_S": str(query_timeout)}
    if query_workers:
        env["LCC_QUERY_WORKERS"] = str(query_workers)
    cmd = [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory", "--host", "127.0.0.1",
           "--port", str(port), "--log-level", "warning", "--no-access-log"]
    log = open(log_path, "wb")
    try:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)  # its own process group: workers included
    finally:
        log.close()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: {log_path.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop_server(proc)
    raise TimeoutError("the server did not answer /health within 120 s")


def stop_server(proc: subprocess.Popen) -> None:
    """SIGTERM to the server's group, then SIGKILL to whatever of the group is left."""
    for sig, wait_s in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(wait_s)
        except subprocess.TimeoutExpired:
            pass


def group_cpu_seconds(pgid: int) -> float:
    """CPU seconds of the server's process group (live members, plus reaped children of the server)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[2]) != pgid:  # fields[0] is state; 1 ppid, 2 pgrp
            continue
        utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
        total += utime + stime + (cutime + cstime if int(entry.name) == pgid else 0)
    return total / tick


# --------------------------------------------------------------------------------------------
# Phases


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def summarise(records: list[dict], duration: float) -> dict:
    def stats(rs: list[dict]) -> dict:
        lat = [r["latency"] for r in rs]
        ok = [r for r in rs if r["status"] == 200]
        errors = Counter(str(r["status"]) for r in rs if r["status"] != 200)
        messages = Counter(f'{r["status"]} {r.get("message", "")}'.strip() for r in rs if r["status"] != 200)
        return {"sent": len(rs), "ok": len(ok), "throughput": len(ok) / duration,
                "max_send_lag": max((r["sent_late"] for r in rs), default=None),
                "p50": percentile(lat, 50), "p95": percentile(lat, 95), "p99": percentile(lat, 99),
                "max": max(lat) if lat else None, "errors": dict(errors),
                "error_messages": dict(messages)}

    by_kind = defaultdict(list)
    for r in records:
        by_kind[r["kind"]].append(r)
    return {"all": stats(records), "kinds": {k: stats(by_kind[k]) for k in MIX if by_kind[k]}}


def check_uploads(base: str, tokens: dict[str, str], acked: dict[str, int], acked_count: dict[str, int],
                  sent_max: dict[str, int]) -> dict:
    """Every acknowledged upload visible: version >= last acked, whole, and counted in the history."""
    problems = []
    failed = set()
    with httpx.Client(base_url=base, timeout=60) as http:
        for community, token in sorted(tokens.items()):
            iri = LCC + community
            q = (f"PREFIX lcc: <https://w3id.org/lcc#> SELECT (SAMPLE(?pop) AS ?population) (COUNT(?p) AS ?n) "
                 f"WHERE {{ <{iri}> lcc:population ?pop . OPTIONAL {{ ?p a lcc:Partner ; lcc:community <{iri}> }} }}")
            rows = http.get("/sparql", params={"query": q}, headers=SPARQL_JSON).json()["results"]["bindings"]
            population = int(rows[0]["population"]["value"]) if rows and "population" in rows[0] else 0
            partners = int(rows[0]["n"]["value"]) if rows and "n" in rows[0] else 0
            versions = http.get(f"/communities/{community}/history",
                                headers={"Authorization": f"Bearer {token}"}).json()["versions"]
            want = acked.get(community, 0)
            before = len(problems)
            if population < want:
                problems.append(f"{community}: acknowledged version {want} lost (found {population})")
            if population > sent_max.get(community, 0):
                problems.append(f"{community}: version {population} was never sent")
            if population and partners != PARTNERS:
                problems.append(f"{community}: partial graph ({partners} partners, not {PARTNERS})")
            if len(versions) < acked_count.get(community, 0):
                problems.append(f"{community}: {acked_count[community]} acknowledged, history has {len(versions)}")
            if len(problems) > before:
                failed.add(community)
    # lost: communities where an acknowledged upload is missing (or the graph is partial)
    return {"communities": len(tokens), "acknowledged": sum(acked_count.values()), "lost": len(failed),
            "problems": problems}


def run_phase(name: str, base: str, args, demo_ids: list[str], owned: list[dict[str, str]],
              versions: dict[str, int], pgid: int, runaway: bool) -> dict:
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    t0 = time.monotonic() + 3.0  # every process is up and waiting by then
    end = t0 + args.duration
    load_before = os.getloadavg()
    cpu_before = group_cpu_seconds(pgid)
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    procs = []
    for i in range(args.clients):
        firsts = {c: versions[c] for c in owned[i]}
        procs.append(ctx.Process(target=client_process, daemon=True, args=(
            out, base, i, args.clients, args.rate, t0, args.duration, args.seed, demo_ids, owned[i], firsts,
            args.client_timeout)))
    rq = ctx.Queue() if runaway else None
    if runaway:
        procs.append(ctx.Process(target=runaway_process, daemon=True,
                                 args=(rq, base, t0, end, args.query_timeout)))
    for p in procs:
        p.start()
    wait_until = end + args.client_timeout + 30
    results = []
    runaways: list[dict] = []
    try:
        for _ in range(args.clients):
            results.append(out.get(timeout=max(1.0, wait_until - time.monotonic())))
        if runaway:
            runaways = rq.get(timeout=max(1.0, wait_until + args.query_timeout * 3 + 30 - time.monotonic()))
    finally:
        for p in procs:
            p.join(5)
            if p.is_alive():
                p.kill()
                p.join(5)
    cpu = group_cpu_seconds(pgid) - cpu_before
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    client_cpu = (children.ru_utime + children.ru_stime) - (children_before.ru_utime + children_before.ru_stime)
    load_after = os.getloadavg()
    failed = [r["error"] for r in results if "error" in r]
    if failed:
        raise RuntimeError(f"a client failed: {failed}")
    records = [rec for r in results for rec in r["records"]]
    acked: dict[str, int] = {}
    acked_count: dict[str, int] = {}
    sent_max: dict[str, int] = {}
    for r in results:
        acked.update(r["acked"])
        acked_count.update(r["acked_count"])
        versions.update(r["version"])
    for c, v in versions.items():
        sent_max[c] = v
    summary = summarise(records, args.duration)
    summary.update({
        "phase": name, "duration_s": args.duration, "rate": args.rate, "clients": args.clients,
        "cancelled": sum(r["cancelled"] for r in results),
        "server_cpu_s": round(cpu, 1), "server_cpu_cores": round(cpu / args.duration, 2),
        "client_cpu_s": round(client_cpu, 1),
        "load_before": [round(x, 2) for x in load_before], "load_after": [round(x, 2) for x in load_after],
        "acked": acked, "acked_count": acked_count, "sent_max": sent_max,
        # every request: [due (s after t0), kind, latency (s), status]
        "records": [[round(r["due"], 3), r["kind"], round(r["latency"], 4), r["status"]]
                    for r in sorted(records, key=lambda r: r["n"])],
    })
    if runaway:
        summary["runaway"] = {"sent": len(runaways), "statuses": dict(Counter(str(r["status"]) for r in runaways)),
                              "seconds": [round(r["seconds"], 2) for r in runaways],
                              "starts": [round(r["start"], 2) for r in runaways]}
    return summary


def calibrate(base: str, seed: int, demo_ids: list[str], repeats: int) -> dict:
    """Each read kind alone, one request at a time: its service time (uploads are left out)."""
    times: dict[str, list[float]] = defaultdict(list)
    with httpx.Client(base_url=base, timeout=60) as http:
        n = 10_000_000
        wanted = {k: repeats for k in MIX if k != "upload"}
        for _ in range(2000):  # bounded
            if not any(wanted.values()):
                break
            n += 1
            kind, req = plan(seed, n, demo_ids)
            if not wanted.get(kind):
                continue
            start = time.perf_counter()
            r = http.request(req["method"], req["path"], params=req.get("params"), headers=req.get("headers"))
            if r.status_code == 200:
                times[kind].append(time.perf_counter() - start)
            wanted[kind] -= 1
    return {k: sorted(v)[len(v) // 2] for k, v in times.items() if v}


# --------------------------------------------------------------------------------------------
# Report


def ms(x: float | None) -> str:
    return "–" if x is None else f"{x * 1000:,.0f}"


def table(phases: list[dict]) -> str:
    lines = ["| phase | kind | sent | ok/s | p50 ms | p95 ms | p99 ms | max ms | errors |",
             "|---|---|---:|---:|---:|---:|---:|---:|---|"]
    for ph in phases:
        rows = [("**all**", ph["all"])] + list(ph["kinds"].items())
        for kind, s in rows:
            errors = ", ".join(f"{k}: {v}" for k, v in sorted(s["errors"].items())) or "0"
            lines.append(f"| {ph['phase']} | {kind} | {s['sent']} | {s['throughput']:.2f} | {ms(s['p50'])} | "
                         f"{ms(s['p95'])} | {ms(s['p99'])} | {ms(s['max'])} | {errors} |")
    return "\n".join(lines)


def ratios(base: dict, other: dict) -> dict:
    out = {"all": other["all"]["p99"] / base["all"]["p99"] if base["all"]["p99"] else None}
    for kind, s in other["kinds"].items():
        b = base["kinds"].get(kind)
        if b and b["p99"]:
            out[kind] = s["p99"] / b["p99"]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--communities", type=int, default=100, help="demo communities in the data directory")
    ap.add_argument("--seed", type=int, default=0, help="demo data and request mix seed")
    ap.add_argument("--clients", type=int, default=3, help="client processes")
    ap.add_argument("--rate", type=float, default=4.0, help="requests per second, all clients together")
    ap.add_argument("--duration", type=float, default=30.0, help="seconds per phase")
    ap.add_argument("--warmup", type=float, default=5.0, help="seconds of unrecorded load before phase 1")
    ap.add_argument("--upload-communities", type=int, default=6, help="communities created for uploads")
    ap.add_argument("--query-timeout", type=float, default=5.0, help="LCC_QUERY_TIMEOUT_S of the server")
    ap.add_argument("--query-workers", type=int, default=0,
                    help="LCC_QUERY_WORKERS of the server (0: the server's own default, 3)")
    ap.add_argument("--client-timeout", type=float, default=30.0, help="client timeout of each request")
    ap.add_argument("--calibrate", type=int, default=3, help="sequential requests per read kind first (0: skip)")
    ap.add_argument("--no-runaway", action="store_true", help="phase 1 only")
    ap.add_argument("--json", type=Path, default=Path(tempfile.gettempdir()) / "lcc-load.json",
                    help="where the JSON result goes")
    ap.add_argument("--keep", action="store_true", help="keep the temporary data directory and server log")
    args = ap.parse_args(argv)
    if args.clients < 1 or args.rate <= 0 or args.duration <= 0 or args.upload_communities < args.clients:
        ap.error("need clients >= 1, rate > 0, duration > 0 and upload-communities >= clients")

    work = Path(tempfile.mkdtemp(prefix="lcc-load-"))
    data_dir = work / "data"
    log_path = work / "server.log"
    started = time.monotonic()
    proc = None
    result: dict = {"command": " ".join([Path(sys.executable).name, *sys.argv]), "cores": os.cpu_count(),
                    "load_at_start": [round(x, 2) for x in os.getloadavg()], "args": {
                        k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}}
    try:
        print(f"building {args.communities} demo communities in {data_dir} ...", flush=True)
        t = time.monotonic()
        result["data"] = build_data(data_dir, args.communities, args.seed)
        print(f"  {result['data']['triples']:,} triples in {time.monotonic() - t:.1f} s", flush=True)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = start_server(data_dir, port, args.query_timeout, log_path, args.query_workers)
        print(f"server on {base} (pid {proc.pid}, LCC_QUERY_TIMEOUT_S={args.query_timeout:g}"
              f"{f', LCC_QUERY_WORKERS={args.query_workers}' if args.query_workers else ''})", flush=True)

        admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        with httpx.Client(base_url=base, timeout=60) as http:
            listed = http.get("/communities").json()["communities"]
            demo_ids = sorted(c["id"] for c in listed)
            tokens: dict[str, str] = {}
            for i in range(args.upload_communities):
                cid = f"load-{i:03d}"
                r = http.post("/communities", json={"id": cid, "label": f"Load {i}"}, headers=admin)
                r.raise_for_status()
                r = http.post(f"/communities/{cid}/tokens", headers=admin)
                r.raise_for_status()
                tokens[cid] = r.json()["token"]
        owned = [{c: tokens[c] for c in sorted(tokens)[i::args.clients]} for i in range(args.clients)]
        versions = {c: 0 for c in tokens}

        if args.calibrate:
            service = calibrate(base, args.seed, demo_ids, args.calibrate)
            weights = {k: w for k, w in MIX.items() if k in service}
            mean = sum(service[k] * w for k, w in weights.items()) / sum(weights.values())
            result["service_time_s"] = {k: round(v, 4) for k, v in service.items()}
            result["mean_read_service_s"] = round(mean, 4)
            print("service time alone (median ms): " + ", ".join(f"{k} {v * 1000:.0f}" for k, v in service.items())
                  + f"; mix mean {mean * 1000:.0f} ms -> {args.rate * mean:.2f} busy-seconds/s offered", flush=True)

        phases = []
        pgid = proc.pid
        if args.warmup > 0:
            warm = argparse.Namespace(**{**vars(args), "duration": args.warmup})
            print(f"warm-up {args.warmup:g} s ...", flush=True)
            w = run_phase("warm-up", base, warm, demo_ids, owned, versions, pgid, runaway=False)
            acked, acked_count = dict(w["acked"]), dict(w["acked_count"])
        else:
            acked, acked_count = {}, {}
        plan_phases = [("1 baseline", False)] + ([] if args.no_runaway else [("2 runaway", True)])
        for name, runaway in plan_phases:
            print(f"phase {name}: {args.clients} clients, {args.rate:g} req/s for {args.duration:g} s"
                  f"{' + the runaway query' if runaway else ''}; load average {os.getloadavg()[0]:.2f} ...", flush=True)
            ph = run_phase(name, base, args, demo_ids, owned, versions, pgid, runaway)
            for c, v in ph["acked"].items():
                acked[c] = max(acked.get(c, 0), v)
            for c, k in ph["acked_count"].items():
                acked_count[c] = acked_count.get(c, 0) + k
            ph["uploads"] = check_uploads(base, tokens, acked, acked_count, ph["sent_max"])
            ph["uploads"]["acknowledged_this_phase"] = sum(ph["acked_count"].values())
            for key in ("acked", "acked_count", "sent_max"):
                ph.pop(key)
            phases.append(ph)
            a = ph["all"]
            print(f"  {a['sent']} sent, {a['throughput']:.2f} ok/s, p50 {ms(a['p50'])} ms, p99 {ms(a['p99'])} ms, "
                  f"errors {a['errors'] or 0}, communities with a lost upload {ph['uploads']['lost']}, latest send "
                  f"{ms(a['max_send_lag'])} ms after due, server CPU "
                  f"{ph['server_cpu_cores']} cores, load {ph['load_after'][0]}", flush=True)
        result["phases"] = phases
        if len(phases) == 2:
            result["p99_ratio"] = {k: round(v, 2) for k, v in ratios(phases[0], phases[1]).items() if v is not None}
    finally:
        if proc is not None:
            stop_server(proc)
        for child in mp.active_children():
            child.kill()
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    result["wall_s"] = round(time.monotonic() - started, 1)

    print()
    print(f"{result['cores']} cores; load average at start {result['load_at_start']}; wall time {result['wall_s']} s")
    print()
    print(table(phases))
    print()
    for ph in phases:
        u = ph["uploads"]
        line = (f"- phase {ph['phase']}: {u['acknowledged_this_phase']} uploads acknowledged "
                f"({u['acknowledged']} in all, {u['communities']} communities), {u['lost']} communities with a lost "
                f"or partial upload; server CPU {ph['server_cpu_s']} s = {ph['server_cpu_cores']} cores, client "
                f"processes {ph['client_cpu_s']} s; load average {ph['load_before'][0]} -> {ph['load_after'][0]}")
        if "runaway" in ph:
            r = ph["runaway"]
            line += (f"; runaway queries: {r['sent']} sent, statuses {r['statuses']}, each "
                     f"{min(r['seconds']) if r['seconds'] else 0:.1f}-{max(r['seconds']) if r['seconds'] else 0:.1f} s")
        print(line)
        for p in u["problems"]:
            print(f"  - {p}")
        for m, k in sorted(ph["all"]["error_messages"].items()):
            print(f"  - {k} x {m}")
    if "p99_ratio" in result:
        ratio = result["p99_ratio"].get("all")
        verdict = "" if ratio is None else f" (target 2x: {'met' if ratio <= 2 else 'NOT met'})"
        print("- p99 phase 2 / phase 1: " + ", ".join(f"{k} {v:.2f}x" for k, v in result["p99_ratio"].items())
              + verdict)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2))
    print(f"\nJSON: {args.json}")
    lost = sum(ph["uploads"]["lost"] for ph in phases)
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
