"""Placing the labels of a network picture so that none overlaps another, in any script.

Labels are placed greedily, most important partner first (brokers, then by degree): each tries
beside its node on the side away from the middle of its group, then the other side, then above,
below and the four corners; the first place that stays inside the picture and touches no other
label and no node wins. A label with no free place is kept but hidden (``visible`` false): the
page shows it when the partner is pointed at, focused, found, or when zooming in makes room.
``api/static/network.js`` runs the same pass again with the browser's own text widths at every zoom.

Text direction: each label is written in its own direction (Hebrew and Arabic names right to
left, others left to right, whatever the page's), and its ``text-anchor`` is chosen for that
direction so that the text always runs away from its node, never back over it and its lines.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from lcc_graph.views.network_layout import label_order

FONT_SIZE = 12.0
#: Space between a node's rim and its label, and the least space between two labels.
GAP = 4.0
PAD = 1.5
CELL = 48.0

_NARROW = set("ijlI.,:;'!|`")
_SEMI = set("frt()[]{}-/ \"")
_WIDE = set("mwMW@%")


def text_direction(text: str) -> str:
    """``rtl`` when the first strong character is Hebrew, Arabic or another right-to-left script."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """A generous estimate of the text's width at ``size``: wide sans-serif fonts stay within it."""
    em = 0.0
    for ch in text:
        if ch in _NARROW:
            em += 0.32
        elif ch in _SEMI:
            em += 0.45
        elif ch in _WIDE:
            em += 1.0
        elif ch.isdigit():
            em += 0.66
        elif ch.isascii() and ch.isupper():
            em += 0.78
        elif ch.isascii():
            em += 0.64
        else:
            em += 0.7
    return em * size + 2


Box = tuple[float, float, float, float]


def candidates(x: float, y: float, r: float, out: int, w: float, h: float, gap: float = GAP
               ) -> list[tuple[str, int, Box]]:
    """The places a label of ``w`` x ``h`` may take around a node, best first: ``(side, x-direction,
    box)`` with the box as ``(x0, y0, x1, y1)``: beside the node on the ``out`` side (x-direction
    ``out``), on the other side, centred above and below (x-direction 0), then the four corners."""
    out = 1 if out >= 0 else -1
    places: list[tuple[str, int, Box]] = []
    for s in (out, -out):
        ax = x + s * (r + gap)
        places.append(("beside", s, (min(ax, ax + s * w), y - h / 2, max(ax, ax + s * w), y + h / 2)))
    places.append(("above", 0, (x - w / 2, y - r - gap - h, x + w / 2, y - r - gap)))
    places.append(("below", 0, (x - w / 2, y + r + gap, x + w / 2, y + r + gap + h)))
    for s in (out, -out):
        ax = x + s * (r * 0.7 + gap / 2)
        x0, x1 = min(ax, ax + s * w), max(ax, ax + s * w)
        places.append(("above", s, (x0, y - r * 0.7 - gap / 2 - h, x1, y - r * 0.7 - gap / 2)))
        places.append(("below", s, (x0, y + r * 0.7 + gap / 2, x1, y + r * 0.7 + gap / 2 + h)))
    return places


def anchor(direction: int, text_dir: str) -> str:
    """The ``text-anchor`` that makes a label of this text direction run in ``direction`` (-1 left,
    +1 right, 0 centred): ``start`` is the right end of right-to-left text."""
    if direction == 0:
        return "middle"
    if text_dir == "rtl":
        return "end" if direction > 0 else "start"
    return "start" if direction > 0 else "end"


class _Grid:
    """Boxes in a uniform grid, for overlap tests in about constant time."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[Box]] = {}

    def _keys(self, box: Box):
        x0, y0, x1, y1 = box
        for i in range(int(x0 // CELL), int(x1 // CELL) + 1):
            for j in range(int(y0 // CELL), int(y1 // CELL) + 1):
                yield i, j

    def add(self, box: Box) -> None:
        for k in self._keys(box):
            self.cells.setdefault(k, []).append(box)

    def hits(self, box: Box) -> bool:
        x0, y0, x1, y1 = box
        for k in self._keys(box):
            for a0, b0, a1, b1 in self.cells.get(k, ()):
                if x0 < a1 and a0 < x1 and y0 < b1 and b0 < y1:
                    return True
        return False


def _within(box: Box, width: float, height: float) -> bool:
    return box[0] >= PAD and box[1] >= PAD and box[2] <= width - PAD and box[3] <= height - PAD


def _padded(box: Box) -> Box:
    return (box[0] - PAD, box[1] - PAD, box[2] + PAD, box[3] + PAD)


def label_layout(drawing: dict[str, Any], size: float = FONT_SIZE) -> dict[str, Any]:
    """The drawing from ``svg_drawing`` with a viewBox and, for every node, its label's place:
    ``text`` = ``{x, y, anchor, dir, size, visible, order}`` (``x``, ``y``: the anchor point, the
    text centred on ``y``). No two visible labels overlap, and none covers a node."""
    width, height = drawing["width"], drawing["height"]
    nodes = [dict(n) for n in drawing["nodes"]]
    grid = _Grid()
    for n in nodes:
        r = n.get("r", 6)
        grid.add((n["x"] - r - PAD, n["y"] - r - PAD, n["x"] + r + PAD, n["y"] + r + PAD))
    h = size * 1.25
    for order, n in enumerate(label_order(nodes)):
        label = n.get("label") or n["id"]
        direction = text_direction(label)
        w = text_width(label, size)
        places = candidates(n["x"], n["y"], n.get("r", 6), n.get("out", 1), w, h)
        inside = [p for p in places if _within(p[2], width, height)]
        chosen = next((p for p in inside if not grid.hits(_padded(p[2]))), None)
        visible = chosen is not None
        if chosen is None:  # hidden, where it shows inside the picture when its partner is pointed at
            chosen = (inside or places)[0]
        else:
            grid.add(chosen[2])
        side, s, (x0, y0, x1, y1) = chosen
        ax = x0 if s > 0 else (x1 if s < 0 else (x0 + x1) / 2)
        n["text"] = {"x": round(ax, 2), "y": round((y0 + y1) / 2, 2), "anchor": anchor(int(s), direction),
                     "dir": direction, "size": size, "visible": visible, "order": order,
                     "box": [round(v, 2) for v in (x0, y0, x1, y1)]}
    partners = sum(1 for n in nodes if n.get("kind") != "partnership")
    out = {**drawing, "nodes": nodes, "viewbox": f"0 0 {width} {height}", "partners": partners,
           "hidden_labels": sum(1 for n in nodes if not n["text"]["visible"])}
    out["script"] = script_data(out, size)
    return out


def script_data(d: dict[str, Any], size: float = FONT_SIZE) -> dict[str, Any]:
    """What ``network.js`` needs, as JSON: every node (place, size, label and its order, profile)
    and every partnership with its members."""
    nodes = {}
    for n in d["nodes"]:
        t = n["text"]
        nodes[n["key"]] = {
            "label": n["label"], "kind": n["kind"], "x": n["x"], "y": n["y"], "r": n["r"], "out": n.get("out", 1),
            "dir": t["dir"], "order": t["order"], "degree": n.get("degree", 0), "broker": bool(n.get("broker")),
            "sector": n.get("sectorSlug"), "sectorLabel": n.get("sector"),
            "fields": n.get("fieldSlugs") or [], "fieldLabels": n.get("fieldLabels") or [],
        }
    partnerships = [{"label": p["label"], "node": p["node"], "members": p["members"]} for p in d["partnerships"]]
    return {"view": d.get("view"), "width": d["width"], "height": d["height"], "size": size, "gap": GAP,
            "pad": PAD, "nodes": nodes, "partnerships": partnerships}
