"""Placing the labels of a network drawing so that it stays readable at a hundred partners."""

from __future__ import annotations

import math
from typing import Any

#: Room around the circle for labels written along the radius (many nodes).
RADIAL_MARGIN = 140


def label_layout(drawing: dict[str, Any]) -> dict[str, Any]:
    """The drawing from ``svg_drawing`` with a viewBox and a label position for every partner.

    Up to 40 nodes the drawing already places horizontal labels beside the circle. Beyond that
    each partner's label is written outwards along its radius, in a smaller font, outside the
    circle: every label stays legible and none overlaps another. Partnership nodes (the
    bipartite view) keep their labels only in the tooltip when there are many.
    """
    width, height = drawing["width"], drawing["height"]
    nodes = drawing["nodes"]
    horizontal = any(n.get("show_label") for n in nodes) or not nodes
    partners = [n for n in nodes if n.get("kind") != "partnership"]
    cx, cy = width / 2, height / 2
    out_nodes = []
    for n in nodes:
        n = dict(n)
        n["text"] = None
        if horizontal:
            if n.get("show_label"):
                n["text"] = {"x": n["lx"], "y": n["ly"], "anchor": n["anchor"], "rotate": 0, "size": 11}
        elif n.get("kind") != "partnership":
            dx, dy = n["x"] - cx, n["y"] - cy
            r = math.hypot(dx, dy) or 1.0
            angle = math.degrees(math.atan2(dy, dx))
            left = dx < -0.01
            tx, ty = n["x"] + dx / r * 12, n["y"] + dy / r * 12
            n["text"] = {"x": round(tx, 2), "y": round(ty, 2), "anchor": "end" if left else "start",
                         "rotate": round(angle + 180 if left else angle, 2),
                         "size": 9 if len(partners) <= 120 else 7}
        out_nodes.append(n)
    margin = 0 if horizontal else RADIAL_MARGIN
    return {**drawing, "nodes": out_nodes,
            "viewbox": f"{-margin} {-margin} {width + 2 * margin} {height + 2 * margin}",
            "partners": len(partners)}
