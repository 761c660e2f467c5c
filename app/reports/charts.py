"""Charts drawn on the server with matplotlib's Agg and SVG back ends: no browser script, no network call.

A chart is described by a ChartSpec (built from a report table) and rendered to SVG or PNG bytes. The
caption under the title names the scope, the period and the geography mode, so a downloaded chart says
what it shows.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass, field
from datetime import date

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

FORMATS = {"svg": "image/svg+xml", "png": "image/png"}
PALETTE = ["#005EB8", "#ED8B00", "#009639", "#330072", "#AE2573", "#41B6E6", "#768692"]
_LOCK = threading.Lock()  # matplotlib's text layout caches are not thread-safe


@dataclass
class ChartSpec:
    """What to draw: a bar, horizontal bar or line chart of one or more series over categories."""

    kind: str  # "bar", "barh" or "line"
    title: str
    caption: str
    categories: list[str]
    series: list[tuple[str, list[float]]] = field(default_factory=list)
    value_label: str = "Reviews"

    @property
    def alt_text(self) -> str:
        """A text equivalent for screen readers (the figures are also in the table beside the chart)."""
        parts = []
        for name, values in self.series:
            pairs = ", ".join(f"{c}: {_fmt(v)}" for c, v in zip(self.categories, values, strict=False))
            parts.append(f"{name}: {pairs}" if len(self.series) > 1 else pairs)
        return f"{self.title} ({self.caption}). " + "; ".join(parts) if parts else f"{self.title}: no data."


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _draw(spec: ChartSpec):
    width, height = 7.2, 3.6 if spec.kind != "barh" else max(2.4, 0.3 * len(spec.categories) + 1.4)
    figure = Figure(figsize=(width, height), dpi=100)
    _margins(figure, spec, width, height)
    axes = figure.subplots()
    figure.text(0.01, 1 - 0.12 / height, spec.title, fontsize=12, fontweight="bold", va="top")
    figure.text(0.01, 1 - 0.42 / height, spec.caption, fontsize=8.5, color="#425563", va="top")
    has_data = any(any(v for v in values) for _, values in spec.series)
    if not spec.categories or not has_data:
        axes.text(0.5, 0.5, "No reviews to show", ha="center", va="center", color="#425563",
                  transform=axes.transAxes)
        axes.set_axis_off()
        return figure
    positions = list(range(len(spec.categories)))
    count = len(spec.series)
    width = 0.8 / count
    for i, (name, values) in enumerate(spec.series):
        colour = PALETTE[i % len(PALETTE)]
        if spec.kind == "line":
            axes.plot(positions, values, marker="o", color=colour, label=name)
            for x, v in zip(positions, values, strict=False):
                axes.annotate(_fmt(v), (x, v), textcoords="offset points", xytext=(0, 5), ha="center", fontsize=7)
            continue
        offsets = [p - 0.4 + width * (i + 0.5) for p in positions]
        if spec.kind == "barh":
            bars = axes.barh(offsets, values, height=width, color=colour, label=name)
        else:
            bars = axes.bar(offsets, values, width=width, color=colour, label=name)
        axes.bar_label(bars, labels=[_fmt(v) if v else "" for v in values], fontsize=7, padding=2)
    top = max(max(values) for _, values in spec.series) * 1.18 + 0.5  # room for the value labels
    if spec.kind == "barh":
        axes.set_yticks(positions, spec.categories, fontsize=8)
        axes.set_xlim(0, top)
        axes.invert_yaxis()
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xlabel(spec.value_label, fontsize=8)
    else:
        axes.set_xticks(positions, spec.categories, fontsize=8, rotation=30 if len(positions) > 6 else 0,
                        ha="right" if len(positions) > 6 else "center")
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylabel(spec.value_label, fontsize=8)
        axes.set_ylim(0, top)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(labelsize=8)
    if count > 1:
        axes.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    return figure


def _margins(figure, spec: ChartSpec, width: float, height: float) -> None:
    """Fixed margins worked out from the labels (cheaper than matplotlib's constrained layout)."""
    longest = max((len(c) for c in spec.categories), default=4)
    left = 0.6 if spec.kind != "barh" else min(3.6, 0.3 + 0.062 * longest)
    right = 1.6 if len(spec.series) > 1 else 0.25
    rotated = spec.kind != "barh" and len(spec.categories) > 6
    bottom = (0.4 + 0.03 * longest if rotated else 0.45) if spec.kind != "barh" else 0.45
    figure.subplots_adjust(left=left / width, right=1 - right / width, top=1 - 0.75 / height,
                           bottom=min(bottom, 1.4) / height)


def render(spec: ChartSpec, file_format: str) -> bytes:
    """The chart as SVG or PNG bytes (deterministic: no timestamp, fixed element ids)."""
    if file_format not in FORMATS:
        raise ValueError(f"charts are drawn as {' or '.join(FORMATS)}, not {file_format!r}")
    with _LOCK, matplotlib.rc_context({"svg.hashsalt": "tracker", "svg.fonttype": "none",
                                       "font.family": "DejaVu Sans"}):
        figure = _draw(spec)
        buffer = io.BytesIO()
        metadata = {"Date": None} if file_format == "svg" else {"Software": None}
        figure.savefig(buffer, format=file_format, metadata=metadata, dpi=120 if file_format == "png" else None)
    return buffer.getvalue()


def month_label(day: date, *, last: bool = False) -> str:
    """A trend axis label: 'Dec 21' for a month end; the exact day for a period still under way."""
    return f"{day:%d %b %y}" if last else f"{day:%b %y}"
