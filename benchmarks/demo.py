"""Time the demo generator: ``python benchmarks/demo.py [N ...]`` (default 12 100 1000)."""

from __future__ import annotations

import sys
import time

from lcc_graph import demo


def main(sizes: list[int]) -> None:
    for n in sizes:
        best = float("inf")
        for _ in range(3 if n <= 1000 else 1):
            start = time.perf_counter()
            communities = list(demo.generate(n))
            best = min(best, time.perf_counter() - start)
        triples = sum(len(c.triples) for c in communities)
        print(f"{n:>6} communities  {triples:>10,} triples  {best:6.2f} s  "
              f"({triples / best / 1000:.0f}k triples/s)")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [12, 100, 1000])
