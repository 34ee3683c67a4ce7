"""A community's indicators over its versions: the time series of ``/communities/{id}/assessment/history``.

Read from the assessments every accepted version keeps (:mod:`lcc_graph.assessment_history`): per
indicator, each version's count, base, value and values per normalisation, and the change from the
version before. The same answer as JSON, as CSV (one row per version and indicator) and as a page.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from .. import assessment_history
from ..indicators import VALUE_PROPERTIES
from ..namespaces import community_iri
from ..store.stores import Stores
from .assessment import RAW, _local, indicator_labels
from .community import require_community

CSV_COLUMNS = ("community", "version", "assessed_at", "framework_version", "criterion", "indicator",
               "count", "base", "value", *(n for n in VALUE_PROPERTIES if n != "raw"), "delta", "count_delta")


def series(stores: Stores, community_id: str, lang: str = "en") -> dict[str, Any]:
    """Every version's figures per indicator, oldest version first; NotFound for an unknown community."""
    _, label = require_community(stores, community_id, lang)
    kept = assessment_history.assessments(stores, community_id)
    labels = indicator_labels(stores, lang)
    norms = {prop: slug for slug, prop in VALUE_PROPERTIES.items() if slug != "raw"}
    indicators: dict[str, dict[str, Any]] = {}
    for number, assessed in sorted(kept.items()):
        for iri, figures in assessed.measurements.items():
            if iri not in labels:
                continue
            known = labels[iri]
            criterion = known["criterion"]
            entry = indicators.setdefault(iri, {
                "indicator": _local(iri), "iri": iri, "label": known["label"],
                "criterion": _local(criterion) if criterion else None,
                "criterion_label": known["criterion_label"], "series": []})
            change = assessment_history.change(kept, number, iri, RAW)
            entry["series"].append({
                "version": number, "count": figures.get("count"), "base": figures.get("base"),
                "value": figures.get(RAW),
                **{slug: figures.get(prop) for prop, slug in norms.items()},
                "delta": change["delta"] if change else None,
                "count_delta": change["count_delta"] if change else None,
            })
    return {
        "community": community_id,
        "iri": community_iri(community_id),
        "label": label,
        "versions": [{"version": n, "assessed_at": a.generated_at, "framework_version": a.framework_version,
                      "current": a.current} for n, a in sorted(kept.items())],
        "indicators": sorted(indicators.values(), key=lambda e: (e["criterion"] or "", e["indicator"])),
    }


def to_csv(body: dict[str, Any]) -> str:
    """One row per version and indicator (``CSV_COLUMNS``); empty cells where a figure is absent."""
    when = {v["version"]: v for v in body["versions"]}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for entry in body["indicators"]:
        for point in entry["series"]:
            version = when.get(point["version"], {})
            row = {"community": body["community"], "version": point["version"],
                   "assessed_at": version.get("assessed_at"), "framework_version": version.get("framework_version"),
                   "criterion": entry["criterion"], "indicator": entry["indicator"], **point}
            writer.writerow(["" if row.get(c) is None else row.get(c) for c in CSV_COLUMNS])
    return out.getvalue()


__all__ = ["CSV_COLUMNS", "series", "to_csv"]
