"""Small charts drawn on the server as inline SVG: no script, so they pass the CSP and print."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape


def sparkline(points: Sequence[tuple[int, float | None]], *, label: str = "", width: int = 120, height: int = 28,
              pad: int = 4, rtl: bool = False) -> Markup:
    """A line through ``(version, value)`` points, the oldest at the start of the line of reading
    (the left; the right with ``rtl``, as the columns of the table beside it run), each point a
    dot whose title gives its value. Points without a value break the line. Nothing is drawn with
    fewer than two values."""
    known = [(v, y) for v, y in points if y is not None]
    if len(known) < 2:
        return Markup("")
    versions = [v for v, _ in points]
    lo, hi = min(y for _, y in known), max(y for _, y in known)
    span_x = (max(versions) - min(versions)) or 1
    span_y = (hi - lo) or 1

    def at(version: int, value: float) -> tuple[float, float]:
        x = pad + (version - min(versions)) * (width - 2 * pad) / span_x
        x = width - x if rtl else x
        y = height - pad - ((value - lo) * (height - 2 * pad) / span_y if hi > lo else (height - 2 * pad) / 2)
        return round(x, 1), round(y, 1)

    segments: list[list[tuple[float, float]]] = [[]]
    for version, value in points:
        if value is None:
            segments.append([])
        else:
            segments[-1].append(at(version, value))
    lines = "".join(f'<polyline points="{" ".join(f"{x},{y}" for x, y in seg)}"/>' for seg in segments if len(seg) > 1)
    dots = "".join(
        f'<circle cx="{x}" cy="{y}" r="2"><title>v{version}: {escape(_fmt(value))}</title></circle>'
        for version, value in known for x, y in [at(version, value)])
    return Markup(
        f'<svg class="sparkline" dir="ltr" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(label)}">{lines}{dots}</svg>')


def _fmt(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def change_text(point: dict, share: bool) -> tuple[str, str] | None:
    """How a figure changed from the version before, as a page shows it: a share in percentage
    points ("+6 pt"), a count as a number ("-1"); and its direction (up, down, same)."""
    if share and point.get("delta") is not None:
        d = point["delta"] * 100
        text = f"{d:+.1f} pt".replace(".0 ", " ")
    elif not share and point.get("count_delta") is not None:
        d = point["count_delta"]
        text = f"{d:+g}"
    else:
        return None
    return (text.replace("+0 pt", "0 pt").replace("+0", "0"), "up" if d > 0 else "down" if d < 0 else "same")


__all__ = ["change_text", "sparkline"]
