"""Server-rendered SVG charts (服务端绘制的图表): ranked bars and trend lines, no JavaScript.

Plain strings of SVG 1.1 for a page to put inline: every text escaped, labels in the
caller's words (Chinese first), numbers to one decimal, each bar a link when given one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

FONT = "'Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Micro Hei',sans-serif"
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    href: str = ""


@dataclass(frozen=True)
class Line:
    name: str
    points: tuple[tuple[int, float | None], ...]


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}" if float(value).is_integer() else f"{value:.1f}"


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sd-chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'font-family="{FONT}" font-size="12"><title>{escape(title)}</title>'
        + "".join(body)
        + "</svg>"
    )


def bar_chart(
    bars: Sequence[Bar], title: str, unit: str = "", width: int = 720, bar_height: int = 18
) -> str:
    """Horizontal bars, one per agency in the given order (worst first in a ranking)."""
    label_w, value_w, gap = 220, 70, 6
    top = 28
    height = top + max(1, len(bars)) * (bar_height + gap) + 10
    span = width - label_w - value_w - 10
    highest = max((b.value for b in bars if b.value is not None), default=0) or 1
    body = [f'<text x="0" y="16" font-weight="bold">{escape(title)}</text>']
    if not bars:
        body.append(f'<text x="0" y="{top + 14}" fill="#666">无数据 / no data</text>')
    for i, bar in enumerate(bars):
        y = top + i * (bar_height + gap)
        length = 0 if bar.value is None else max(1, round(span * bar.value / highest))
        text = f"{_number(bar.value)}{unit if bar.value is not None else ''}"
        row = [
            f'<text x="{label_w - 6}" y="{y + bar_height - 5}" text-anchor="end">'
            f"{escape(bar.label[:18])}</text>",
            f'<rect x="{label_w}" y="{y}" width="{length}" height="{bar_height}" '
            f'fill="{COLOURS[0]}"><title>{escape(bar.label)}: {escape(text)}</title></rect>',
            f'<text x="{label_w + length + 4}" y="{y + bar_height - 5}">{escape(text)}</text>',
        ]
        if bar.href:
            body.append(f'<a href="{escape(bar.href)}">{"".join(row)}</a>')
        else:
            body.extend(row)
    return _svg(width, height, title, body)


def line_chart(
    lines: Sequence[Line], title: str, unit: str = "", width: int = 720, height: int = 260
) -> str:
    """Values over the years (趋势), one line per series, a legend below the title."""
    left, right, top, bottom = 50, 20, 50, 30
    years = sorted({y for line in lines for y, _v in line.points})
    values = [v for line in lines for _y, v in line.points if v is not None]
    body = [f'<text x="0" y="16" font-weight="bold">{escape(title)}</text>']
    for i, line in enumerate(lines):
        x = left + i * 150
        colour = COLOURS[i % len(COLOURS)]
        body.append(f'<rect x="{x}" y="26" width="12" height="12" fill="{colour}"/>')
        body.append(f'<text x="{x + 16}" y="37">{escape(line.name)}</text>')
    if not years or not values:
        body.append(f'<text x="{left}" y="{top + 20}" fill="#666">无数据 / no data</text>')
        return _svg(width, height, title, body)
    highest = max(values) or 1
    plot_w, plot_h = width - left - right, height - top - bottom

    def xy(year: int, value: float) -> tuple[float, float]:
        step = plot_w / max(1, len(years) - 1)
        x = left + (years.index(year) * step if len(years) > 1 else plot_w / 2)
        return round(x, 1), round(top + plot_h - plot_h * value / highest, 1)

    body.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        'stroke="#999"/>'
    )
    body.append(f'<text x="{left - 6}" y="{top + 4}" text-anchor="end">{_number(highest)}</text>')
    body.append(f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end">0</text>')
    for year in years:
        x, _y = xy(year, 0)
        body.append(f'<text x="{x}" y="{height - 10}" text-anchor="middle">{year}</text>')
    for i, line in enumerate(lines):
        colour = COLOURS[i % len(COLOURS)]
        points = [xy(y, v) for y, v in line.points if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x},{y}" for x, y in points)
            body.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{path}"/>'
            )
        for (year, value), (x, y) in zip(
            [(y, v) for y, v in line.points if v is not None], points, strict=True
        ):
            body.append(
                f'<circle cx="{x}" cy="{y}" r="3" fill="{colour}"><title>{escape(line.name)} '
                f"{year}: {_number(value)}{escape(unit)}</title></circle>"
            )
    return _svg(width, height, title, body)
