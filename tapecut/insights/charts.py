"""Charts drawn on the server as SVG: no script, no network, legible when printed.

The colours are the Okabe–Ito palette, which people with the common colour-vision
deficiencies tell apart; every bar also carries its number as text, so a chart still reads in
black and white. Each value label has the same ``data-metric`` name as the number in the tables
beside it (the dashboard test checks them all).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

# Okabe & Ito (2008): blue, orange, bluish green, vermillion, sky blue, reddish purple, yellow.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442")
INK = "#1b1f24"
GRID = "#d0d7de"
ROW = 26  # height of one horizontal bar's row
LABEL_CHARS = 34  # longer labels are cut (the full one is in the bar's tooltip)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as shown (formatted in the user's language)
    metric: str  # the data-metric name of the value label


@dataclass(frozen=True)
class Series:
    name: str
    bars: list[Bar]  # one per category of the x axis, in order


def _n(value: float) -> str:
    """A coordinate: one decimal is finer than a pixel."""
    return f"{value:.1f}"


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _svg(title: str, width: int, height: int, body: SafeString) -> SafeString:
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" width="100%" role="img" '
        'aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>{b}</svg>',
        w=width,
        h=height,
        t=title,
        b=body,
    )


def hbars(title: str, bars: list[Bar], *, colour: str = PALETTE[0], width: int = 640) -> SafeString:
    """Horizontal bars, one row each: label, bar, value. ``width``: of the drawing, in the
    units its text is set in (wider for a chart that spans the page, so the text stays small)."""
    left, right = 230, 70
    top = max((b.value for b in bars), default=0) or 1
    rows = []
    for i, bar in enumerate(bars):
        y = 6 + i * ROW
        length = max(0.0, bar.value) / top * (width - left - right)
        rows.append(
            format_html(
                "<g><title>{full}: {text}</title>"
                '<text x="{lx}" y="{ty}" text-anchor="end" class="label">{label}</text>'
                '<rect x="{left}" y="{y}" width="{len}" height="18" fill="{c}"/>'
                '<text x="{vx}" y="{ty}" class="value" data-metric="{m}">{text}</text></g>',
                full=bar.label,
                text=bar.text,
                lx=left - 8,
                ty=y + 14,
                label=_short(bar.label),
                left=left,
                y=y,
                len=_n(length),
                c=colour,
                vx=_n(left + length + 6),
                m=bar.metric,
            )
        )
    height = 12 + len(bars) * ROW
    return _svg(title, width, height, mark_safe("".join(rows)))  # noqa: S308 - parts escaped


def columns(title: str, x_labels: list[str], series: list[Series]) -> SafeString:
    """Grouped columns with a legend; each column carries its value above it."""
    width, left, bottom, top_pad = 640, 16, 46, 22
    height = 240
    plot_h = height - bottom - top_pad
    top = max((b.value for s in series for b in s.bars), default=0) or 1
    slot = (width - 2 * left) / max(1, len(x_labels))
    col_w = max(3.0, min(28.0, slot * 0.8 / max(1, len(series))))
    parts = [
        format_html(
            '<line x1="{l}" x2="{r}" y1="{y}" y2="{y}" stroke="{g}"/>',
            l=left,
            r=width - left,
            y=height - bottom,
            g=GRID,
        )
    ]
    for si, s in enumerate(series):
        colour = PALETTE[si % len(PALETTE)]
        for xi, bar in enumerate(s.bars):
            h = max(0.0, bar.value) / top * plot_h
            x = left + xi * slot + (slot - col_w * len(series)) / 2 + si * col_w
            parts.append(_column(bar, x, height - bottom - h, col_w, h, colour))
    parts += _x_axis(x_labels, left, slot, height - bottom)
    parts.append(_legend(series, left, height - 8))
    return _svg(title, width, height, mark_safe("".join(parts)))  # noqa: S308 - parts escaped


def _column(bar: Bar, x: float, y: float, w: float, h: float, colour: str) -> SafeString:
    if bar.value == 0:  # nothing to draw or label; the table below the chart has the zero
        return SafeString("")
    return format_html(
        "<g><title>{label}: {text}</title>"
        '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{c}"/>'
        '<text x="{cx}" y="{ty}" text-anchor="middle" class="value small" '
        'data-metric="{m}">{text}</text></g>',
        label=bar.label,
        text=bar.text,
        x=_n(x),
        y=_n(y),
        w=_n(w),
        h=_n(h),
        c=colour,
        cx=_n(x + w / 2),
        ty=_n(y - 4),
        m=bar.metric,
    )


def _x_axis(labels: list[str], left: float, slot: float, y: float) -> list[SafeString]:
    # About 7 units a character: label every n-th slot so that the labels never overlap.
    widest = max((len(label) for label in labels), default=1) * 7 + 6
    step = max(1, math.ceil(widest / slot))
    return [
        format_html(
            '<text x="{x}" y="{y}" text-anchor="middle" class="axis">{t}</text>',
            x=_n(left + i * slot + slot / 2),
            y=_n(y + 16),
            t=label,
        )
        for i, label in enumerate(labels)
        if i % step == 0
    ]


def _legend(series: list[Series], left: float, y: float) -> SafeString:
    if len(series) < 2:
        return SafeString("")
    items = [
        (
            _n(left + i * 170),
            _n(y - 10),
            PALETTE[i % len(PALETTE)],
            _n(left + i * 170 + 16),
            _n(y),
            s.name,
        )
        for i, s in enumerate(series)
    ]
    return format_html_join(
        "",
        '<rect x="{}" y="{}" width="12" height="12" fill="{}"/>'
        '<text x="{}" y="{}" class="legend">{}</text>',
        items,
    )
