"""Throughput of one-community named queries through one API instance and through two, over the
same SPARQL engine (`oxigraph serve`), with 16 concurrent clients: the row of `make bench` for
docs/deploy.md.

    .venv/bin/python benchmarks/instances.py [--communities 50] [--seconds 15] [--clients 16]

Everything runs on 127.0.0.1: the engine, the instances and the load generator (asyncio + httpx)
share this machine's cores, which the report says. Writes the result into docs/benchmarks.md
(the section between its markers) and prints it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.remote_servers import HOST, _stop, _wait_http, free_port, oxigraph_binary  # noqa: E402

QUERY = "cross-sector-partnerships"
BEGIN, END = "<!-- instances:begin -->", "<!-- instances:end -->"


@contextmanager
def process(cmd: list[str], url: str, log: Path, env: dict | None = None, timeout: float = 120):
    with open(log, "ab") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        _wait_http(url, proc, log, timeout)
        yield proc
    finally:
        _stop(proc)


async def load(bases: list[str], paths: list[str], clients: int, seconds: float) -> dict:
    """``clients`` concurrent loops for ``seconds``, requests spread round-robin over ``bases``."""
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients * 2, max_keepalive_connections=clients * 2)

    async def one(k: int, client: httpx.AsyncClient) -> None:
        nonlocal errors
        i = k
        while time.monotonic() < stop:
            start = time.perf_counter()
            r = await client.get(bases[i % len(bases)] + paths[i % len(paths)])
            latencies.append(time.perf_counter() - start)
            if r.status_code != 200:
                errors += 1
            i += clients

    async with httpx.AsyncClient(timeout=60, limits=limits, trust_env=False) as client:
        began = time.monotonic()
        await asyncio.gather(*(one(k, client) for k in range(clients)))
        took = time.monotonic() - began
    latencies.sort()
    return {"requests": len(latencies), "errors": errors, "rps": len(latencies) / took,
            "p50_ms": 1000 * statistics.median(latencies),
            "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communities", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    binary = oxigraph_binary()
    if binary is None:
        sys.exit("the oxigraph server binary is not installed (pip install oxigraph)")
    work = Path(tempfile.mkdtemp(prefix="lcc-bench-instances-"))
    port = free_port()
    engine = f"http://{HOST}:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LCC_") and not k.lower().endswith("_proxy")}
    env.update(LCC_STORE="remote", LCC_PRIVATE_STORE="remote", LCC_REMOTE_ENGINE="oxigraph",
               LCC_REMOTE_QUERY_URL=f"{engine}/query", LCC_REMOTE_UPDATE_URL=f"{engine}/update",
               LCC_QUERY_TIMEOUT_S="30")
    results = {}
    with ExitStack() as stack:
        stack.enter_context(process([binary, "serve", "--location", str(work / "db"), "--bind", f"{HOST}:{port}"],
                                    f"{engine}/", work / "engine.log"))
        print(f"loading {args.communities} demo communities into the engine ...", flush=True)
        subprocess.run([sys.executable, "-m", "lcc_graph.cli", "demo", "-n", str(args.communities),
                        "--data-dir", str(work / "demo")], env=env, check=True, capture_output=True, timeout=1800)
        ports = [free_port(), free_port()]
        for i, p in enumerate(ports):
            stack.enter_context(process([sys.executable, "-m", "lcc_graph.cli", "serve", "--data-dir",
                                         str(work / f"api{i}"), "--port", str(p)],
                                        f"http://{HOST}:{p}/health", work / f"api{i}.log", env=env))
        bases = [f"http://{HOST}:{p}" for p in ports]
        ids = [c["id"] for c in httpx.get(f"{bases[0]}/communities", params={"format": "json", "limit": 1000},
                                          timeout=60).json()["communities"]]
        paths = [f"/queries/{QUERY}?community={cid}&format=json" for cid in ids]
        for name, used in (("1 instance", bases[:1]), ("2 instances", bases)):
            asyncio.run(load(used, paths, args.clients, 2.0))  # warm up
            results[name] = asyncio.run(load(used, paths, args.clients, args.seconds))
            print(name, {k: round(v, 1) if isinstance(v, float) else v for k, v in results[name].items()}, flush=True)
    one, two = results["1 instance"], results["2 instances"]
    ratio = two["rps"] / one["rps"] if one["rps"] else float("nan")
    cores = os.cpu_count()
    section = f"""{BEGIN}
## Instances over one engine

`{QUERY}` for one community (round-robin over {len(paths)} demo communities), {args.clients} concurrent
clients for {args.seconds:g} s, through one `lcc serve` and through two over the same `oxigraph serve`
(`LCC_STORE=remote`, `LCC_PRIVATE_STORE=remote`). Machine: {platform.machine()}, {cores} cores, Python
{platform.python_version()}; the engine, both instances and the load generator share these cores.
Command: `.venv/bin/python benchmarks/instances.py --communities {args.communities} --seconds {args.seconds:g}`
(or `make bench`).

| | requests/s | p50 | p99 | errors |
| --- | --- | --- | --- | --- |
| 1 instance | {one['rps']:.1f} | {one['p50_ms']:.0f} ms | {one['p99_ms']:.0f} ms | {one['errors']} |
| 2 instances | {two['rps']:.1f} | {two['p50_ms']:.0f} ms | {two['p99_ms']:.0f} ms | {two['errors']} |

Ratio, 2 instances / 1: **{ratio:.2f}**. Each request costs the instance its Python work (routing,
binding, serialising) and the engine its query; with {cores} cores shared by everything, a second
instance can only use what the first leaves idle. On paper, with one core per instance and the
engine on its own cores, throughput grows with the instances until the engine's query time is
the bound: the instance share of a request's time here is what a second instance can take off.
{END}"""
    print(section)
    if not args.no_write:
        target = REPO / "docs" / "benchmarks.md"
        text = target.read_text() if target.exists() else "# Benchmarks\n\nMeasured by the scripts in benchmarks/, on this machine.\n"
        if BEGIN in text and END in text:
            text = text[:text.index(BEGIN)] + section + text[text.index(END) + len(END):]
        else:
            text = text.rstrip("\n") + "\n\n" + section + "\n"
        target.write_text(text)
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
