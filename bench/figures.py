"""Figures (a median of several runs with min–max), ratios to baselines, targets, and the report."""
from __future__ import annotations

import json
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Figure:
    """One measured quantity: every run's value; shown as median (min–max)."""

    key: str
    label: str
    unit: str
    values: list[float] = field(default_factory=list)
    section: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else float("nan")

    def summary(self) -> dict[str, Any]:
        return {"label": self.label, "unit": self.unit, "section": self.section, "runs": self.values,
                "median": self.median, "min": min(self.values, default=None), "max": max(self.values, default=None)}


@dataclass
class Target:
    """A goal from the issue, checked against a figure's median: `lower` means smaller is better."""

    section: str
    text: str
    key: str
    limit: float
    lower: bool = False

    def holds(self, figures: dict[str, Figure]) -> bool | None:
        figure = figures.get(self.key)
        if figure is None or not figure.values:
            return None
        return figure.median <= self.limit if self.lower else figure.median >= self.limit


class Results:
    """Every figure of a benchmark run, by key, in the order they were measured."""

    def __init__(self) -> None:
        self.figures: dict[str, Figure] = {}
        self.notes: list[str] = []
        self.meta: dict[str, Any] = {}

    def add(self, section: str, key: str, label: str, unit: str, value: float) -> Figure:
        figure = self.figures.setdefault(key, Figure(key, label, unit, section=section))
        figure.values.append(float(value))
        return figure

    def ratio(self, section: str, key: str, label: str, over: str, under: str) -> Figure | None:
        """`over / under` run by run (run i with run i: both measured in the same round)."""
        top, bottom = self.figures.get(over), self.figures.get(under)
        if top is None or bottom is None:
            return None
        figure = Figure(key, label, "×", section=section)
        figure.values = [a / b for a, b in zip(top.values, bottom.values) if b]
        self.figures[key] = figure
        return figure

    def difference(self, section: str, key: str, label: str, minuend: str, subtrahend: str) -> Figure | None:
        """`minuend - subtrahend` run by run."""
        a, b = self.figures.get(minuend), self.figures.get(subtrahend)
        if a is None or b is None:
            return None
        figure = Figure(key, label, a.unit, section=section)
        figure.values = [x - y for x, y in zip(a.values, b.values)]
        self.figures[key] = figure
        return figure

    def to_json(self, targets: list[Target]) -> dict[str, Any]:
        return {"meta": self.meta, "figures": {k: f.summary() for k, f in self.figures.items()},
                "targets": [{"section": t.section, "target": t.text, "figure": t.key,
                             "median": self.figures[t.key].median if t.key in self.figures else None,
                             "holds": t.holds(self.figures)} for t in targets],
                "notes": self.notes}

    def write_json(self, path: Path, targets: list[Target]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(targets), indent=2) + "\n")


def fmt(value: float, unit: str) -> str:
    if value != value:  # NaN
        return "–"
    if unit == "×":
        return f"{value:.2f}×"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"


def markdown(results: Results, targets: list[Target]) -> str:
    """The figures as one Markdown table, then the targets with ✅ / ❌ next to the measured median."""
    lines = ["| section | measurement | median | min–max | unit | runs |", "|---|---|---:|---:|---|---:|"]
    for f in results.figures.values():
        spread = f"{fmt(min(f.values), f.unit)}–{fmt(max(f.values), f.unit)}" if f.values else "–"
        lines.append(f"| {f.section} | {f.label} | {fmt(f.median, f.unit)} | {spread} | {f.unit} | {len(f.values)} |")
    lines += ["", "| section | target | measured (median) | holds |", "|---|---|---:|:---:|"]
    for t in targets:
        figure = results.figures.get(t.key)
        measured = fmt(figure.median, figure.unit) + ("" if figure.unit == "×" else f" {figure.unit}") \
            if figure and figure.values else "not measured"
        mark = {True: "✅", False: "❌", None: "–"}[t.holds(results.figures)]
        lines.append(f"| {t.section} | {t.text} | {measured} | {mark} |")
    return "\n".join(lines + [""] + [f"- {note}" for note in results.notes])
