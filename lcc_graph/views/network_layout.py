"""Where each node of a network picture goes: connected partners together, the same place on every load.

Each connected component of four nodes or more is laid out on its own by Kamada-Kawai (each tie
a spring as long as the shortest path between its ends, ties between two Louvain clusters
``ACROSS`` times as long as ties within one, so clusters show as groups), from a circle in IRI
order; beyond ``KK_LIMIT`` nodes a seeded spring layout takes over. The components are packed
side by side, largest first, and stretched into the canvas; components of one to three nodes go
in rows below, each with room for its names. Circles that came too close are pushed apart, and
the most important partners (brokers first, then by degree: :func:`label_order`) get room for
their names beside them. Nodes are always visited in IRI order and every layout is seeded, so the
same network gives the same picture on every load, in every language.

A partner's circle grows with its degree (the number of partners it shares a partnership with);
brokers are marked. Both, and the clusters, come from :func:`partner_metrics`
(:mod:`lcc_graph.network_metrics`). The names themselves are placed by ``api.drawing``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import networkx as nx

SEED = 14
#: Width of the picture in SVG user units (about the width of a page's main column, in px).
WIDTH = 1040
#: Height of a picture of more than ``SMALL`` partners; smaller networks get a smaller canvas.
HEIGHT = 760
SMALL = 16
#: Room kept free around the nodes on each side of the canvas (labels go there).
MARGIN_X, MARGIN_Y = 110, 34
#: The least distance between the rims of two circles after the layout.
MIN_GAP = 16.0
STRETCH = 1.5
#: About the width of a character and the height of a line of a name, for the room kept beside the
#: most important partners (``api.drawing`` places the names themselves).
NAME_WIDTH, NAME_HEIGHT = 7.4, 16.0
#: The share of nodes (at most ``ROOM_MAX``) whose names get room in the layout.
ROOM_SHARE, ROOM_MAX = 0.4, 40
#: Components of one to three nodes: their margin, the room between them and between their rows.
STRIP_MARGIN, STRIP_GAP, STRIP_ROW = 16.0, 28.0, 26.0
#: Kamada-Kawai up to this many nodes in a component (it is quadratic), a spring layout beyond.
KK_LIMIT = 150
#: The length of a tie between two clusters, a tie within one being 1.
ACROSS = 1.6


def partner_metrics(g: nx.MultiGraph) -> dict[str, dict[str, Any]]:
    """Per partner IRI: ``degree``, ``broker`` and ``cluster``, as :mod:`lcc_graph.network_metrics`
    defines them; read from the node attributes when the network already carries them."""
    partners = [n for n, a in g.nodes(data=True) if a.get("kind") != "partnership"]
    if partners and all("degree" in g.nodes[n] and "cluster" in g.nodes[n] for n in partners):
        return {n: {k: g.nodes[n].get(k) for k in ("degree", "broker", "cluster")} for n in partners}
    from ..network_metrics import compute

    return compute(g).partners


def node_radius(degree: int, kind: str = "partner") -> float:
    """The circle's radius for a partner of this degree (a partnership's square: its members)."""
    if kind == "partnership":
        return round(5.0 + 1.2 * math.sqrt(max(degree, 0)), 2)
    return round(min(4.5 + 2.1 * math.sqrt(max(degree, 0)), 20.0), 2)


def _layout_graph(g: nx.MultiGraph, metrics: dict[str, dict[str, Any]]) -> tuple[nx.Graph, dict[str, int]]:
    """A simple weighted graph over the nodes, in IRI order, and each node's cluster.

    Two partners are tied with the number of partnerships they share (doubled within a cluster);
    in the bipartite view a partnership is tied to each member and sits in its members' most
    common cluster.
    """
    cluster = {n: int(m.get("cluster") or 0) for n, m in metrics.items()}
    for n in sorted(g.nodes):
        if n not in cluster:
            member_clusters = sorted(cluster.get(m, 0) for m in g[n])
            cluster[n] = max(member_clusters, key=member_clusters.count) if member_clusters else 0
    h = nx.Graph()
    h.add_nodes_from(sorted(g.nodes))
    weights: dict[tuple[str, str], float] = defaultdict(float)
    for a, b in g.edges():
        if a == b:
            continue
        weights[(a, b) if a < b else (b, a)] += 1.0
    for (a, b), w in sorted(weights.items()):
        h.add_edge(a, b, weight=w * (2.0 if cluster[a] == cluster[b] else 1.0))
    return h, cluster


def _component_layout(h: nx.Graph, cluster: dict[str, int]) -> dict[str, tuple[float, float]]:
    """One connected component in unit coordinates: about one unit between neighbours.

    Kamada-Kawai (springs as long as the shortest path between two nodes, a tie across clusters
    counting ``ACROSS`` times one within a cluster) from a circle in IRI order; beyond ``KK_LIMIT``
    nodes a spring layout with a fixed seed, ties within a cluster pulling twice as hard, from
    starting points grouped by cluster.
    """
    nodes = sorted(h.nodes)
    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    if len(nodes) == 2:
        return {nodes[0]: (-0.5, 0.0), nodes[1]: (0.5, 0.0)}
    if len(nodes) <= KK_LIMIT:
        lengths = nx.Graph()
        lengths.add_nodes_from(nodes)
        for a, b in h.edges():
            lengths.add_edge(a, b, length=1.0 if cluster.get(a) == cluster.get(b) else ACROSS)
        pos = nx.kamada_kawai_layout(lengths, weight="length", pos=nx.circular_layout(nodes))
    else:
        pos = nx.spring_layout(h, pos=_cluster_start(nodes, cluster), weight="weight", seed=SEED,
                               method="force", iterations=150 if len(nodes) <= 400 else 60,
                               k=1.6 / math.sqrt(len(nodes)))
    # One unit between neighbours: scale by the median tie length.
    ties = sorted(math.dist(pos[a], pos[b]) for a, b in h.edges())
    unit = ties[len(ties) // 2] if ties and ties[len(ties) // 2] > 0 else 1.0
    return {n: (float(pos[n][0]) / unit, float(pos[n][1]) / unit) for n in nodes}


def _cluster_start(nodes: list[str], cluster: dict[str, int]) -> dict[str, tuple[float, float]]:
    """Starting points: clusters around a circle, each cluster's nodes in a small sunflower."""
    groups: dict[int, list[str]] = defaultdict(list)
    for n in nodes:
        groups[cluster.get(n, 0)].append(n)
    order = sorted(groups, key=lambda c: (-len(groups[c]), c))
    start: dict[str, tuple[float, float]] = {}
    ring = 0.0 if len(order) == 1 else 1.0
    golden = math.pi * (3 - math.sqrt(5))
    for i, c in enumerate(order):
        angle = 2 * math.pi * i / len(order)
        cx, cy = ring * math.cos(angle), ring * math.sin(angle)
        spread = 0.35 / math.sqrt(len(order))
        for j, n in enumerate(groups[c]):
            rad = spread * math.sqrt((j + 0.5) / len(groups[c]))
            start[n] = (cx + rad * math.cos(j * golden), cy + rad * math.sin(j * golden))
    return start


def _pack(parts: list[dict[str, tuple[float, float]]], aspect: float) -> dict[str, tuple[float, float]]:
    """Components side by side in columns, largest first, each keeping one unit of room around it."""
    boxes = []
    for part in parts:
        xs = [p[0] for p in part.values()]
        ys = [p[1] for p in part.values()]
        boxes.append((min(xs), min(ys), max(xs) - min(xs) + 1.2, max(ys) - min(ys) + 1.2))
    area = sum(w * h for *_, w, h in boxes)
    column_height = max(max(h for *_, _w, h in boxes), math.sqrt(area / aspect))
    out: dict[str, tuple[float, float]] = {}
    x0 = y0 = column_width = 0.0
    for part, (bx, by, w, h) in zip(parts, boxes):
        if y0 > 0 and y0 + h > column_height:
            x0, y0, column_width = x0 + column_width, 0.0, 0.0
        for n, (x, y) in part.items():
            out[n] = (x - bx + x0 + 0.6, y - by + y0 + 0.6)
        y0 += h
        column_width = max(column_width, w)
    return out


def _spread(pos: dict[str, list[float]], radius: dict[str, float], bounds: tuple[float, float, float, float],
            room: dict[str, tuple[float, float, float, float]] | None = None, rounds: int = 60) -> None:
    """Push apart circles closer than ``MIN_GAP`` rim to rim, and out of the room kept for a name
    (``room``: node -> box relative to its centre), keeping every node inside ``bounds``."""
    nodes = sorted(pos)
    x0, y0, x1, y1 = bounds
    cell = 2 * max(radius.values(), default=1.0) + MIN_GAP
    room = room or {}
    for _ in range(rounds):
        grid: dict[tuple[int, int], list[str]] = defaultdict(list)
        for n in nodes:
            grid[(int(pos[n][0] // cell), int(pos[n][1] // cell))].append(n)
        moved = False
        for a in nodes:
            i, j = int(pos[a][0] // cell), int(pos[a][1] // cell)
            near = [b for di in (-1, 0, 1) for dj in (-1, 0, 1) for b in grid.get((i + di, j + dj), ()) if b > a]
            for b in sorted(near):
                dx, dy = pos[b][0] - pos[a][0], pos[b][1] - pos[a][1]
                need = radius[a] + radius[b] + MIN_GAP
                d = math.hypot(dx, dy)
                if d >= need:
                    continue
                if d < 1e-6:
                    dx, dy, d = 1.0, 0.0, 1.0
                push = (need - d) / 2 + 0.01
                ux, uy = dx / d, dy / d
                pos[a][0] -= ux * push
                pos[a][1] -= uy * push
                pos[b][0] += ux * push
                pos[b][1] += uy * push
                moved = True
        for owner, (bx0, by0, bx1, by1) in sorted(room.items()):
            ox, oy = pos[owner]
            for m in nodes:
                if m == owner:
                    continue
                rm = radius[m] + 3
                mx, my = pos[m]
                if ox + bx0 - rm < mx < ox + bx1 + rm and oy + by0 - rm < my < oy + by1 + rm:
                    pos[m][1] = oy + by0 - rm - 0.5 if my < oy else oy + by1 + rm + 0.5
                    moved = True
        for n in nodes:
            pos[n][0] = min(max(pos[n][0], x0), x1)
            pos[n][1] = min(max(pos[n][1], y0), y1)
        if not moved:
            return


def label_order(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Nodes in the order their names are placed: brokers first, then partnerships (the bipartite
    view is about them), then by degree (a partnership's: its members), then by name."""
    return sorted(nodes, key=lambda n: (not n.get("broker"), n.get("kind") != "partnership",
                                        -(n.get("degree") or 0), (n.get("label") or "").casefold(), n["id"]))


def _room(r: float, out: int, label: str) -> tuple[float, float, float, float]:
    """The box, relative to a node's centre, that its name takes beside it on the ``out`` side."""
    w = NAME_WIDTH * len(label) + 6
    near = r + 4
    x0, x1 = (near, near + w) if out > 0 else (-near - w, -near)
    return (x0, -NAME_HEIGHT / 2, x1, NAME_HEIGHT / 2)


def canvas_size(g: nx.MultiGraph) -> tuple[int, int]:
    """The picture's width and height in user units."""
    partners = sum(1 for _, a in g.nodes(data=True) if a.get("kind") != "partnership")
    if partners <= SMALL:
        return 760, 460
    return WIDTH, HEIGHT


def _strip(g: nx.MultiGraph, parts: list[list[str]], radius: dict[str, float], width: float
           ) -> tuple[dict[str, list[float]], float]:
    """Components of one to three nodes in rows, each a short column of nodes with their names to the
    right, so that none of them runs into another: positions from (0, 0), and the rows' height."""
    pos: dict[str, list[float]] = {}
    x = y = row_h = 0.0
    for part in parts:
        # a partner tied to both others (or a partnership between its members) goes in the middle
        members = sorted(part, key=lambda n: (-len(set(g[n]) & set(part)), n))
        if len(members) == 3:
            members = [members[1], members[0], members[2]]
        names = max(2 * radius[n] + 4 + NAME_WIDTH * len(g.nodes[n].get("label") or n) for n in members)
        cell_w = names + STRIP_GAP
        cell_h = STRIP_ROW * len(members)
        if x > 0 and x + cell_w > width:
            x, y, row_h = 0.0, y + row_h, 0.0
        r0 = max(radius[n] for n in members)
        for i, n in enumerate(members):
            pos[n] = [x + r0, y + STRIP_ROW * (i + 0.5)]
        x += cell_w
        row_h = max(row_h, cell_h + 8)
    return pos, y + row_h


def positions(g: nx.MultiGraph, metrics: dict[str, dict[str, Any]], radius: dict[str, float],
              width: float, height: float, first: list[str] | None = None
              ) -> tuple[dict[str, tuple[float, float]], dict[str, tuple[float, float]], float]:
    """Each node's centre on a ``width`` x ``height`` canvas, the centre of its component, and the
    height used (less than ``height`` for a network of small components only).

    Components of four nodes or more are laid out and packed in the main area; smaller ones go in
    rows below it, with room for their names. The nodes of ``first`` (the most important, in order)
    get room for their names beside them, on the side away from the middle of their component.
    """
    if not g.number_of_nodes():
        return {}, {}, height
    h, cluster = _layout_graph(g, metrics)
    components = sorted((sorted(c) for c in nx.connected_components(h)), key=lambda c: (-len(c), c[0]))
    large = [c for c in components if len(c) > 3]
    small = [c for c in components if len(c) <= 3]
    strip, strip_h = _strip(g, small, radius, width - 2 * STRIP_MARGIN)
    if not large:
        height = min(height, strip_h + 2 * MARGIN_Y)
    main_h = height - 2 * MARGIN_Y - (strip_h + STRIP_MARGIN if small and large else 0)
    pos: dict[str, list[float]] = {}
    bounds = (MARGIN_X, MARGIN_Y, width - MARGIN_X, MARGIN_Y + main_h)
    if large:
        parts = [_component_layout(h.subgraph(c), cluster) for c in large]
        inner_w = width - 2 * MARGIN_X
        packed = _pack(parts, inner_w / main_h)
        xs = [p[0] for p in packed.values()]
        ys = [p[1] for p in packed.values()]
        span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
        sx = inner_w / span_x if span_x else math.inf
        sy = main_h / span_y if span_y else math.inf
        scale = min(sx, sy, 140.0)  # small networks stay compact instead of filling the canvas
        # Names are wide: stretch the picture to the canvas, up to half as much again one way.
        sx, sy = min(sx, scale * STRETCH), min(sy, scale * STRETCH)
        off_x = MARGIN_X + (inner_w - span_x * sx) / 2 - min(xs) * sx
        off_y = MARGIN_Y + (main_h - span_y * sy) / 2 - min(ys) * sy
        pos = {n: [x * sx + off_x, y * sy + off_y] for n, (x, y) in packed.items()}
        _spread(pos, radius, bounds)
    top = MARGIN_Y + main_h + STRIP_MARGIN if large else (height - strip_h) / 2
    strip_w = max((p[0] for p in strip.values()), default=0.0)
    left = STRIP_MARGIN if large else max(STRIP_MARGIN, (width - strip_w) / 2 - 100)
    for n, (x, y) in strip.items():
        pos[n] = [x + left, y + top]

    def centres_of(p: dict[str, Any]) -> dict[str, tuple[float, float]]:
        out: dict[str, tuple[float, float]] = {}
        for c in components:
            cx = sum(p[n][0] for n in c) / len(c)
            cy = sum(p[n][1] for n in c) / len(c)
            for n in c:
                out[n] = (cx, cy)
        return out

    room: dict[str, tuple[float, float, float, float]] = {}
    centres = centres_of(pos)
    for n in first or []:
        if n in strip:
            continue
        label = g.nodes[n].get("label") or n
        for side in (1 if pos[n][0] >= centres[n][0] else -1, -1 if pos[n][0] >= centres[n][0] else 1):
            box = _room(radius[n], side, label)
            if 0 <= pos[n][0] + box[0] and pos[n][0] + box[2] <= width:
                room[n] = box
                break
    if room:
        main = {n: p for n, p in pos.items() if n not in strip}
        _spread(main, {n: radius[n] for n in main}, bounds, room)
    placed = {n: (round(p[0], 2), round(p[1], 2)) for n, p in pos.items()}
    return placed, centres_of(placed), height


def _edge_paths(g: nx.MultiGraph, pos: dict[str, tuple[float, float]], key: dict[str, str]) -> list[dict[str, Any]]:
    """Each edge as a path; parallel edges (two partnerships between the same two partners) bent apart."""
    by_pair: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for a, b, attrs in g.edges(data=True):
        by_pair[(a, b) if a < b else (b, a)].append(attrs)
    edges = []
    for (a, b), items in sorted(by_pair.items()):
        (x1, y1), (x2, y2) = pos[a], pos[b]
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        nx_, ny_ = -(y2 - y1) / length, (x2 - x1) / length
        for i, attrs in enumerate(sorted(items, key=lambda e: e.get("id", ""))):
            offset = (i - (len(items) - 1) / 2) * 14
            cx, cy = (x1 + x2) / 2 + nx_ * offset, (y1 + y2) / 2 + ny_ * offset
            edges.append({"d": f"M{x1:.2f},{y1:.2f} Q{cx:.2f},{cy:.2f} {x2:.2f},{y2:.2f}",
                          "label": attrs.get("label") or "", "partnership": attrs.get("partnership"),
                          "a": key[a], "b": key[b]})
    return edges


def _partnerships(g: nx.MultiGraph, key: dict[str, str]) -> list[dict[str, Any]]:
    """Every partnership with its members' keys (and its own node's key in the bipartite view)."""
    found: dict[str, dict[str, Any]] = {}
    for n, attrs in g.nodes(data=True):
        if attrs.get("kind") == "partnership":
            found[n] = {"id": n, "label": attrs.get("label") or n, "node": key[n],
                        "members": sorted({key[m] for m in g[n]})}
    for a, b, attrs in g.edges(data=True):
        ps = attrs.get("partnership")
        if not ps or ps in found and found[ps]["node"]:
            continue
        entry = found.setdefault(ps, {"id": ps, "label": attrs.get("label") or ps, "node": None, "members": []})
        entry["members"] = sorted(set(entry["members"]) | {key[a], key[b]})
    return sorted(found.values(), key=lambda p: (p["label"], p["id"]))


def drawing(g: nx.MultiGraph) -> dict[str, Any]:
    """What a template needs to draw the network: positioned, sized and coloured nodes (brokers
    marked), edges as paths, the partnerships with their members, the sectors and fields present
    (for filters) and a sector legend. Labels are placed by the page (``api.drawing``)."""
    from .community import SECTOR_ORDER
    from .network import OTHER_COLOUR, PARTNERSHIP_COLOUR, SECTOR_COLOURS

    width, height = canvas_size(g)
    metrics = partner_metrics(g)
    order = sorted(g.nodes)
    key = {n: f"n{i}" for i, n in enumerate(order)}
    degree: dict[str, int] = {}
    radius: dict[str, float] = {}
    for n in order:
        attrs = g.nodes[n]
        kind = attrs.get("kind") or "partner"
        degree[n] = int(metrics.get(n, {}).get("degree") or 0) if kind != "partnership" else len(set(g[n]))
        radius[n] = node_radius(degree[n], kind)
    ranked = label_order([{"id": n, "label": g.nodes[n].get("label") or n, "degree": degree[n],
                           "kind": g.nodes[n].get("kind") or "partner",
                           "broker": bool(metrics.get(n, {}).get("broker"))} for n in order])
    first = [n["id"] for n in ranked[:min(ROOM_MAX, max(3, int(len(order) * ROOM_SHARE)))]]
    pos, centres, height = positions(g, metrics, radius, width, height, first)
    nodes = []
    for n in order:
        attrs = g.nodes[n]
        kind = attrs.get("kind") or "partner"
        x, y = pos[n]
        sector = attrs.get("sector")
        if kind == "partnership":
            colour = PARTNERSHIP_COLOUR
        else:
            colour = SECTOR_COLOURS.get(sector or "", OTHER_COLOUR)
        nodes.append({
            "id": n, "key": key[n], "label": attrs.get("label") or n, "kind": kind, "x": x, "y": y,
            "r": radius[n], "colour": colour, "degree": degree[n],
            "broker": bool(metrics.get(n, {}).get("broker")), "cluster": metrics.get(n, {}).get("cluster"),
            "sector": attrs.get("sectorLabel") or sector,
            "sectorSlug": (sector if sector in SECTOR_COLOURS else "other") if kind != "partnership" else None,
            "sectors": list(attrs.get("sectors") or []),
            "fields": ", ".join(attrs.get("fieldLabels") or []),
            "fieldSlugs": list(attrs.get("fields") or []), "fieldLabels": list(attrs.get("fieldLabels") or []),
            "out": 1 if x >= centres[n][0] else -1,
        })
    partner_attrs = [a for _, a in g.nodes(data=True) if a.get("kind") != "partnership"]
    present = {a.get("sector") for a in partner_attrs}
    sector_label = {a.get("sector"): a.get("sectorLabel") or a.get("sector") for a in partner_attrs}
    legend = [{"key": s, "label": sector_label.get(s) or s, "colour": SECTOR_COLOURS[s]}
              for s in SECTOR_ORDER if s in present]
    if None in present or present - set(SECTOR_ORDER) - {None}:
        legend.append({"key": "other", "label": "other or unknown sector", "colour": OTHER_COLOUR})
    if any(a.get("kind") == "partnership" for _, a in g.nodes(data=True)):
        legend.append({"key": "partnership", "label": "partnership", "colour": PARTNERSHIP_COLOUR})
    fields: dict[str, str] = {}
    for a in partner_attrs:
        for slug, label in zip(a.get("fields") or [], a.get("fieldLabels") or []):
            fields.setdefault(slug, label or slug)
    return {
        "width": width, "height": height, "view": g.graph.get("view") or "partners",
        "community": g.graph.get("community"), "nodes": nodes, "edges": _edge_paths(g, pos, key),
        "legend": legend, "sectors": [item for item in legend if item["key"] != "partnership"],
        "fields": [{"slug": s, "label": fields[s]} for s in sorted(fields, key=lambda f: (fields[f].casefold(), f))],
        "partnerships": _partnerships(g, key), "key_of": key,
        "brokers": sum(1 for n in nodes if n["broker"]),
    }
