"""Expected given resources: is an indicator above, as expected or below what a community's
resources predict?

The plan (``PLAN``, a ``prov:Plan`` in ontology/indicators.ttl; docs/relative-evaluation.md):

1. A community's **resource index** is the mean of its standardised resource dimensions, the same
   z-scores of log(1 + available amount per 1,000 inhabitants) per kind and unit that choose its
   peers (:mod:`lcc_graph.peers`). A community that declares no available amount has no index.
2. For each indicator, a **Theil–Sen line** (the median of the slopes between every pair of
   points, as ``scipy.stats.theilslopes`` computes it: robust to a few extreme communities) is fitted over every
   community with an index and a raw value of that indicator.
3. The community's **expected** value is the line at its index; its **residual** is its value
   minus that. The spread is the median absolute deviation of all residuals (x 1.4826, a standard
   deviation for normal residuals). The **verdict** is ``above`` when the residual is more than
   one spread above the line, ``below`` when more than one spread below, ``as-expected`` between.
   With fewer than ``MIN_COMMUNITIES`` points there is no verdict (``null``), and the reason says so.

A resource split into parts has the same total, so the same index and verdict.
"""

from __future__ import annotations

import logging
import statistics
import threading
from collections.abc import Mapping
from dataclasses import dataclass

from . import peers

log = logging.getLogger(__name__)

PLAN = "https://w3id.org/lcc/plans/theil-sen-resources"
MIN_COMMUNITIES = 8
MAD_TO_SD = 1.4826


@dataclass(frozen=True)
class Fit:
    """One indicator's line over the communities (value = intercept + slope x index), and its spread."""

    slope: float
    intercept: float
    spread: float
    points: int


def resource_index(profiles: Mapping[str, peers.Profile]) -> dict[str, float]:
    """Each community's mean standardised resource dimension (communities with none are left out)."""
    z = peers.standardised(profiles)
    out = {}
    for iri, dims in z.items():
        resources = [v for dim, v in dims.items() if dim != "population"]
        if resources:
            out[iri] = sum(resources) / len(resources)
    return out


def theil_sen(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """(slope, intercept) of the Theil–Sen line: the median of the slopes between every pair of
    points with different x, and the median of y less the slope times the median of x, exactly as
    ``scipy.stats.theilslopes`` computes them (its default, ``method="separate"``; equal to it in
    tests/test_expected.py). Written with numpy here because importing ``scipy.stats`` took 1.4 to
    1.7 s of the first community page after a start (a 2-core machine), and ``theilslopes`` also
    works out a confidence interval this plan does not use: 55 ms against 15 ms for 1,000 points."""
    import numpy as np

    x, y = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    dx = x[:, np.newaxis] - x
    dy = y[:, np.newaxis] - y
    wider = dx > 0
    slope = float(np.median(dy[wider] / dx[wider]))
    return slope, float(np.median(y) - slope * np.median(x))


def fit(points: list[tuple[float, float]]) -> Fit | None:
    """The Theil–Sen line through (index, value) points and the spread of its residuals; None
    with fewer than MIN_COMMUNITIES points."""
    if len(points) < MIN_COMMUNITIES:
        return None
    import numpy as np

    xs, ys = [p[0] for p in points], [p[1] for p in points]
    if max(xs) == min(xs):
        slope, intercept = 0.0, statistics.median(ys)
    else:
        slope, intercept = theil_sen(xs, ys)
    residuals = np.asarray(ys, dtype=float) - (intercept + slope * np.asarray(xs, dtype=float))
    spread = MAD_TO_SD * float(np.median(np.abs(residuals - np.median(residuals))))
    return Fit(slope, intercept, spread, len(points))


def verdict(value: float, index: float, line: Fit) -> tuple[float, str]:
    """The expected value at ``index`` and the verdict for ``value``."""
    expected = line.intercept + line.slope * index
    residual = value - expected
    tolerance = max(line.spread, 1e-9 * max(1.0, abs(expected)))
    if residual > tolerance:
        return expected, "above"
    if residual < -tolerance:
        return expected, "below"
    return expected, "as-expected"


def _lines(stores, value_property: str, all_profiles: Mapping[str, peers.Profile]):
    """The resource index, every community's raw values by indicator, and each indicator's line.

    Kept per checkpoint of the public data (``stores.generation()``): the lines depend on every
    community, not on who asks, so the pages of a thousand communities share one fit until the
    data next changes. Without a known generation (no query pool) they are fitted every time.
    """
    generation = stores.generation() if hasattr(stores, "generation") else None
    cache = getattr(stores, "_expected_cache", None)
    if generation is not None and cache is not None and cache[0] == (generation, value_property):
        return cache[1]
    index = resource_index(all_profiles)
    values = peers.measurement_values(stores, sorted(all_profiles), {"raw": value_property})
    by_indicator: dict[str, dict[str, float]] = {}
    for (c, indicator, _), v in values.items():
        by_indicator.setdefault(indicator, {})[c] = v
    lines = {indicator: fit([(index[c], v) for c, v in per.items() if c in index])
             for indicator, per in by_indicator.items()}
    found = (index, by_indicator, lines)
    if generation is not None:
        try:
            stores._expected_cache = ((generation, value_property), found)
        except AttributeError:
            pass
    return found


def expectations(stores, community: str, value_property: str,
                 all_profiles: Mapping[str, peers.Profile] | None = None) -> dict[str, dict]:
    """Indicator IRI -> {expected, verdict, reason, points} for one community's raw values."""
    all_profiles = peers.profiles(stores) if all_profiles is None else all_profiles
    index, by_indicator, lines = _lines(stores, value_property, all_profiles)
    out = {}
    for indicator, per_community in by_indicator.items():
        if community not in per_community:
            continue
        if community not in index:
            out[indicator] = {"expected": None, "verdict": None, "points": None,
                              "reason": "the community declares no available resource with an amount and unit"}
            continue
        line = lines[indicator]
        if line is None:
            points = sum(1 for c in per_community if c in index)
            out[indicator] = {"expected": None, "verdict": None, "points": points,
                              "reason": f"fewer than {MIN_COMMUNITIES} communities have this indicator and resources"}
            continue
        expected, said = verdict(per_community[community], index[community], line)
        out[indicator] = {"expected": round(expected, 6), "verdict": said, "points": line.points, "reason": None}
    return out


class LineWarmer:
    """Fits the lines of each new checkpoint in the background, so that no reader waits for them.

    The lines depend on every community and are kept per checkpoint (:func:`_lines`): the first
    community page after a start or after a write fitted them itself, 2-4 s at 1,000 communities
    on a 2-core machine. Called (as a ``Stores.after_publish`` hook, and once at start-up) it only
    signals; its thread waits until writes have been quiet for ``quiet_s``, so that a burst of
    uploads is fitted once, then fits the current checkpoint's lines.
    """

    def __init__(self, stores, quiet_s: float = 1.0) -> None:
        self._stores = stores
        self._quiet_s = quiet_s
        self._wanted = threading.Event()
        self._lock = threading.Lock()
        self._pending = self._running = False  # a signal not yet fitted for; a fit under way
        self._closed = False
        self.fitted = 0  # times the lines were fitted here
        self._thread = threading.Thread(target=self._run, name="lcc-line-warmer", daemon=True)
        self._thread.start()

    def __call__(self) -> None:
        with self._lock:
            self._pending = True
        self._wanted.set()

    def settle(self, timeout_s: float = 30.0) -> bool:
        """Wait until every signal so far has been fitted for; False if ``timeout_s`` passed first
        (for callers that count the reads the service runs, such as tests)."""
        import time

        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self._lock:
                if not (self._pending or self._running) or self._closed:
                    return True
            time.sleep(0.01)
        return False

    def close(self) -> None:
        """Stop the thread (a fit under way ends first)."""
        self._closed = True
        self._wanted.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        from .indicators import VALUE_PROPERTIES

        while True:
            self._wanted.wait()
            while not self._closed and self._wanted.is_set():  # until quiet_s pass without a write
                self._wanted.clear()
                self._wanted.wait(self._quiet_s)
            if self._closed:
                return
            with self._lock:  # this fit covers every signal so far
                self._pending, self._running = False, True
            try:
                if self._stores.generation() is not None:  # else nothing keeps them (no query pool)
                    _lines(self._stores, VALUE_PROPERTIES["raw"], peers.profiles(self._stores))
                    self.fitted += 1
            except Exception as exc:  # the store closed meanwhile, or a read failed: a page fits them itself
                log.info("the expected-value lines were not fitted ahead (%s)", exc)
            finally:
                with self._lock:
                    self._running = False
