"""Validation benchmark: the fast engine, pySHACL and pyshacl-turbo on the same shapes and data.

    .venv/bin/python benchmarks/validation.py                  # 10, 100, 1000 communities + large
    .venv/bin/python benchmarks/validation.py --sizes 10 100 --pyshacl-max 100 --repeat 3

Data: demo communities (``lcc_graph.demo.generate(n, seed=0)``), all in one graph, and one large
community (the two largest of the 1,000 merged into one community). Every engine validates the
same candidate store (the upload with the ontology, criteria and vocabularies).

Timed:
- fast: ``lcc_graph.validation.validate(triples)`` end to end (candidate store, every check,
  labels, report); the ``load`` column is building the candidate store alone (the floor of any
  engine working on an Oxigraph store), the ``checks`` column the engine alone on a loaded store;
- pySHACL / pyshacl-turbo: ``validate()`` of the rdflib data graph (converted from the same store,
  conversion not timed), no inference, warnings and infos allowed; pySHACL parses each SPARQL
  constraint once (``memoised_sparql_parsing``), as it otherwise re-parses it for every focus node.

Results are compared as sets of (focus node, path, value, source shape, severity, message,
constraint component); "agree" is "yes" only when every engine that ran gave the same set.
The table goes to stdout and to benchmarks/results/validation.md.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lcc_graph import demo  # noqa: E402
from lcc_graph.validation import validate  # noqa: E402
from lcc_graph.validation.candidate import candidate_store, store_triples  # noqa: E402
from lcc_graph.validation.engine import run_fast  # noqa: E402
from lcc_graph.validation.reference import rdflib_graph, report_results, shapes_rdflib  # noqa: E402
from lcc_graph.validation.reference import memoised_sparql_parsing  # noqa: E402

COMMUNITIES = "https://w3id.org/lcc/communities/"


def merged_large(communities: list) -> tuple[str, list[ox.Triple]]:
    """The two largest communities as one: the second's resources re-homed under the first."""
    first, second = sorted(communities, key=lambda c: len(c.triples), reverse=True)[:2]
    node = ox.NamedNode(COMMUNITIES + second.id)
    kept = [t for t in second.triples if t.subject != node]
    data = (ox.serialize(kept, format=ox.RdfFormat.N_TRIPLES) or b"").decode()
    data = data.replace(f"<{COMMUNITIES}{second.id}>", f"<{COMMUNITIES}{first.id}>")
    data = data.replace(f"<{COMMUNITIES}{second.id}/", f"<{COMMUNITIES}{first.id}/merged/")
    moved = [q.triple for q in ox.parse(data.encode(), format=ox.RdfFormat.N_TRIPLES)]
    return f"large ({first.id} + {second.id})", first.triples + moved


def keys(results) -> set[tuple]:
    return {r.key() + (r.message, r.component) for r in results}


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def run_reference(module, data, shapes):
    with memoised_sparql_parsing():
        _conforms, report, _text = module.validate(
            data, shacl_graph=shapes, inference="none", allow_warnings=True, allow_infos=True,
            advanced=False, abort_on_first=False)
    return report_results(report)


def bench(name: str, triples: list[ox.Triple], args) -> dict:
    row: dict = {"data": name, "triples": len(triples)}
    fast_time, report = timed(lambda: validate(triples), args.repeat)
    row["fast"] = fast_time
    row["load"], store = timed(lambda: candidate_store(triples), args.repeat)
    row["candidate"] = len(store)
    check_time, fast = timed(lambda: run_fast(store), args.repeat)
    row["checks"] = check_time
    row["results"] = len(report.results)
    reference_sets = {}
    wanted = args.turbo_limit(name) or args.pyshacl_max_triples(name)
    data = rdflib_graph(store_triples(store)) if wanted else None
    shapes = shapes_rdflib()
    if args.turbo_limit(name):
        try:
            import pyshacl_turbo
        except ImportError:
            row["turbo"] = None
            print("pyshacl-turbo is not installed: skipped (pip install pyshacl-turbo)", file=sys.stderr)
        else:
            row["turbo"], results = timed(lambda: run_reference(pyshacl_turbo, data, shapes), 1)
            reference_sets["turbo"] = keys(results)
    if args.pyshacl_max_triples(name):
        import pyshacl

        row["pyshacl"], results = timed(lambda: run_reference(pyshacl, data, shapes), 1)
        reference_sets["pyshacl"] = keys(results)
    fast_set = keys(fast)
    row["agree"] = all(s == fast_set for s in reference_sets.values()) if reference_sets else None
    row["compared"] = ", ".join(sorted(reference_sets)) or "-"
    return row


def fmt(seconds: float | None) -> str:
    return "-" if seconds is None else (f"{seconds:.3f} s" if seconds < 10 else f"{seconds:.1f} s")


def ratio(other: float | None, fast: float) -> str:
    return "-" if other is None else f"{other / fast:.0f}x"


def table(rows: list[dict]) -> str:
    head = ("| data | triples (with ontology) | fast engine | of which load | of which checks | pySHACL | "
            "pyshacl-turbo | pySHACL / fast | turbo / fast | results | identical |")
    lines = [head, "|" + "---|" * 11]
    for r in rows:
        agree = {True: "yes", False: "NO", None: "not compared"}[r["agree"]]
        lines.append(
            f"| {r['data']} | {r['triples']:,} ({r['candidate']:,}) | {fmt(r['fast'])} | {fmt(r['load'])} | "
            f"{fmt(r['checks'])} | "
            f"{fmt(r.get('pyshacl'))} | {fmt(r.get('turbo'))} | {ratio(r.get('pyshacl'), r['fast'])} | "
            f"{ratio(r.get('turbo'), r['fast'])} | {r['results']:,} | {agree} ({r['compared']}) |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10, 100, 1000], help="numbers of communities")
    parser.add_argument("--no-large", action="store_true", help="skip the large single community")
    parser.add_argument("--pyshacl-max", type=int, default=100,
                        help="run pySHACL up to this many communities (0: never); it takes minutes at 100")
    parser.add_argument("--turbo-max", type=int, default=100,
                        help="run pyshacl-turbo up to this many communities (0: never); it grows faster than linearly")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the fast engine (median)")
    args = parser.parse_args()

    biggest = max([*args.sizes, 1000 if not args.no_large else 0])
    start = time.perf_counter()
    communities = list(demo.generate(biggest, 0))
    print(f"generated {biggest} demo communities in {time.perf_counter() - start:.1f} s", file=sys.stderr)

    pyshacl_on: dict[str, bool] = {}
    turbo_on: dict[str, bool] = {}
    datasets: list[tuple[str, list[ox.Triple]]] = []
    if not args.no_large:
        name, data = merged_large(communities)
        datasets.append((name, data))
        pyshacl_on[name], turbo_on[name] = args.pyshacl_max > 0, args.turbo_max > 0
    for n in args.sizes:
        name = f"{n} communities"
        datasets.append((name, [t for c in communities[:n] for t in c.triples]))
        pyshacl_on[name], turbo_on[name] = n <= args.pyshacl_max, n <= args.turbo_max
    args.pyshacl_max_triples = pyshacl_on.__getitem__
    args.turbo_limit = turbo_on.__getitem__

    rows = []
    for name, data in datasets:
        print(f"validating {name} ({len(data):,} triples)...", file=sys.stderr)
        rows.append(bench(name, data, args))
        print(table(rows[-1:]).splitlines()[-1], file=sys.stderr)

    out = table(rows)
    machine = f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}"
    note = (f"\n\nMachine: {machine}; pyoxigraph {ox.__version__}. Fast engine: median of {args.repeat} runs, "
            "end to end from triples to report.\n")
    print(out + note)
    results = ROOT / "benchmarks" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "validation.md").write_text(out + note)
    return 0 if all(r["agree"] in (True, None) for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
