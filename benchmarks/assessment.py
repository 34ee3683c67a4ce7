"""Relative evaluation over many demo communities: ``lcc assess`` with the fits, and kept versions.

    .venv/bin/python benchmarks/assessment.py                    # 1,000 communities (builds once)
    .venv/bin/python benchmarks/assessment.py --communities 200 --data-dir /tmp/lcc-bench-200

What it times, on the embedded store (a copy of the data directory, so the source stays as built):

1. ``assess_all`` when every assessment graph is rewritten (the stored values altered first,
   untimed), as ``lcc assess`` does after a framework change;
2. the fits of :mod:`lcc_graph.expected`: the resource index and one Theil–Sen line per indicator
   over every community (what the first assessment read after a change computes; later reads
   reuse it until the data changes). ``lcc assess`` + fits is the issue's "under 60 s";
3. one community's assessment read (findings, peer group of 10, verdicts, change) with the fits
   already made, for ``--reads`` communities: the median (without the query pool, so the peer
   profiles are read again each time, which the service's pool keeps per checkpoint);
4. a second version uploaded through the upload path (parse in the sandbox, validate, assess,
   snapshot the replaced assessment into the history, commit) for ``--uploads`` communities, side
   by side with the same uploads into a store whose communities have no assessment to keep
   (version 1): the ratio says what keeping the history costs an upload.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from queries import alter_assessments, build, settle  # noqa: E402

from lcc_graph import demo, expected, peers  # noqa: E402
from lcc_graph.indicators import VALUE_PROPERTIES, assess_all  # noqa: E402
from lcc_graph.namespaces import community_graph  # noqa: E402
from lcc_graph.store import open_stores  # noqa: E402
from lcc_graph.uploads import commit, prepare  # noqa: E402
from lcc_graph.views.assessment import assessment  # noqa: E402

TARGET_S = 60.0


def _uploads(stores, communities, *, drop_assessment: bool) -> list[float]:
    import pyoxigraph as ox

    times = []
    for c in communities:
        if drop_assessment:  # as if the community had never been assessed: nothing to keep
            stores.replace_graphs({community_graph(c.id, "assessment"): []})
        # a changed version: the community's data with one more partner
        extra = ox.Triple(ox.NamedNode(f"https://w3id.org/lcc/communities/{c.id}/partners/bench"),
                          ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("Bench", language="en"))
        data = ox.serialize([*c.triples, extra], format=ox.RdfFormat.N_TRIPLES)
        start = time.perf_counter()
        commit(stores, prepare(stores, c.id, data, "application/n-triples", reject=False, check_owner=False), "bench")
        times.append(time.perf_counter() - start)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--communities", type=int, default=1000)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--reads", type=int, default=20)
    parser.add_argument("--uploads", type=int, default=10)
    args = parser.parse_args()
    source = args.data_dir or Path(tempfile.gettempdir()) / f"lcc-bench-{args.communities}"
    if not (source / "public").exists():
        print(f"building {args.communities} demo communities in {source}", flush=True)
        print(f"  built in {build(source, args.communities):.0f} s", flush=True)
    work = Path(tempfile.mkdtemp()) / "data"
    shutil.copytree(source, work)
    stores = open_stores(work)
    try:
        print(f"settled after {settle(work):.0f} s", flush=True)
        alter_assessments(stores.public)
        start = time.perf_counter()
        assessed = assess_all(stores)
        assess_s = time.perf_counter() - start
        start = time.perf_counter()
        profiles = peers.profiles(stores)
        index, by_indicator, lines = expected._lines(stores, VALUE_PROPERTIES["raw"], profiles)
        fits_s = time.perf_counter() - start
        fitted = sum(1 for line in lines.values() if line is not None)
        ids = sorted(c.rsplit("/", 1)[1] for c in profiles)[: args.reads]
        reads = []
        stores.generation = lambda: "bench"  # the fits kept between reads, as the query pool keeps them
        expected._lines(stores, VALUE_PROPERTIES["raw"], profiles)
        for cid in ids:
            start = time.perf_counter()
            assessment(stores, cid)
            reads.append(time.perf_counter() - start)
        del stores.generation
        generated = list(demo.generate(args.communities, 0))[: args.uploads * 2]
        kept, none = [], []
        for i in range(args.uploads):  # interleaved, so background compaction weighs on both alike
            kept += _uploads(stores, [generated[i]], drop_assessment=False)
            none += _uploads(stores, [generated[args.uploads + i]], drop_assessment=True)
    finally:
        stores.close()
        shutil.rmtree(work.parent, ignore_errors=True)
    total = assess_s + fits_s
    print(f"\n| {args.communities} communities | seconds |\n|---|---:|")
    print(f"| `assess_all`, every assessment graph replaced ({assessed} communities) | {assess_s:.1f} |")
    print(f"| fits: resource index and {fitted} Theil–Sen lines over {len(index)} communities | {fits_s:.1f} |")
    print(f"| **`lcc assess` + fits** (target < {TARGET_S:.0f} s) | **{total:.1f}** {'ok' if total < TARGET_S else 'OVER'} |")
    print(f"| one community's assessment read, fits kept (median of {len(reads)}) | {statistics.median(reads):.3f} |")
    print(f"| an upload of a changed version, keeping the replaced assessment (median of {len(kept)}) | "
          f"{statistics.median(kept):.3f} |")
    print(f"| the same uploads with no assessment to keep (median of {len(none)}) | {statistics.median(none):.3f} |")
    print(f"| ratio, keeping / not keeping | {statistics.median(kept) / statistics.median(none):.2f} |")
    return 0 if total < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
