"""Charts as PNG images (matplotlib, Agg; no pyplot, so it is safe in a worker thread).

Chinese labels need a font with CJK glyphs, and none may be installed (the product never
installs fonts). ``cjk_font`` looks for one; without it the caller renders the charts with
English words (``needs_english``) and any name that still has CJK characters (a
department's own name) falls back to its code, so a chart never shows empty boxes.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from core.reports.model import RATING_ORDER, Summary
from core.reports.words import CHART, DEADLINES, HEAD, RATINGS, Words

if TYPE_CHECKING:  # matplotlib is imported only when a chart is drawn
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

_HINTS = ("cjk", "han", "hei", "song", "ming", "kai", "wenquan", "droid sans fallback",
          "noto sans sc", "noto sans tc", "pingfang", "yahei", "uming", "ukai")
_RATING_COLOURS = ("#1a9850", "#91cf60", "#d9d9d9", "#fc8d59", "#d73027", "#bdbdbd")
DPI = 100


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The name of an installed font that has Chinese characters, if there is one."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    fonts = sorted(font_manager.fontManager.ttflist,
                   key=lambda f: not any(h in f.name.lower() for h in _HINTS))
    for entry in fonts:
        try:
            if FT2Font(entry.fname).get_char_index(0x4E2D):  # a common Chinese character
                return str(entry.name)
        except (OSError, RuntimeError, ValueError):
            continue
    return None


def needs_english(language: str) -> bool:
    """Chinese charts need a CJK font; without one they are drawn in English."""
    return language.startswith("zh") and cjk_font() is None


def _plain(label: str, code: str) -> str:
    if cjk_font() is None and any(ord(ch) >= 0x2E80 for ch in label):
        return code or "-"
    return label


def render_charts(summary: Summary, words: Words, directory: Path) -> list[Path]:
    """The report's charts, written into ``directory``; none for an empty period."""
    if summary.empty:
        return []
    from matplotlib import rcParams

    font = cjk_font()
    if font is not None:
        rcParams["font.sans-serif"] = [font, *rcParams["font.sans-serif"]]
    rcParams["axes.unicode_minus"] = False
    directory.mkdir(parents=True, exist_ok=True)
    charts = [_by_category(summary, words, directory / "cases_by_category.png"),
              _by_department(summary, words, directory / "cases_by_department.png"),
              _trend(summary, words, directory / "on_time_trend.png"),
              _satisfaction(summary, words, directory / "satisfaction.png")]
    return [path for path in charts if path is not None]


def _figure(height: float = 4.5) -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, height), dpi=DPI, layout="constrained")
    return figure, figure.add_subplot()


def _save(figure: Figure, path: Path) -> Path:
    figure.savefig(path, format="png")
    return path


def _by_category(summary: Summary, words: Words, path: Path) -> Path:
    cells = summary.category_department()
    categories = [code for code, _n in summary.by(0)][::-1]  # largest on top
    departments = [code for code, _n in summary.by(1)]
    figure, axes = _figure(max(3.0, 1.2 + 0.45 * len(categories)))
    left = [0] * len(categories)
    y = [_plain(words.category(c), c) for c in categories]
    for department in departments:
        counts = [cells.get((c, department), 0) for c in categories]
        axes.barh(y, counts, left=left, label=_plain(words.department(department), department))
        left = [a + b for a, b in zip(left, counts, strict=True)]
    axes.set_title(words(CHART["by_category"]))
    axes.set_xlabel(words(HEAD["cases"]))
    axes.legend(fontsize="small", loc="lower right")
    return _save(figure, path)


def _by_department(summary: Summary, words: Words, path: Path) -> Path:
    rows = summary.by(1)[::-1]
    figure, axes = _figure(max(3.0, 1.2 + 0.45 * len(rows)))
    bars = axes.barh([_plain(words.department(code), code) for code, _n in rows],
                     [n for _c, n in rows], color="#4575b4")
    axes.bar_label(bars, padding=2)
    axes.set_title(words(CHART["by_department"]))
    axes.set_xlabel(words(HEAD["cases"]))
    return _save(figure, path)


def _trend(summary: Summary, words: Words, path: Path) -> Path | None:
    if not summary.trend or not summary.on_time:
        return None
    figure, axes = _figure()
    labels = [label for label, _t in summary.trend]
    for index, tally in enumerate(summary.on_time):
        values = [t[index].rate for _l, t in summary.trend]
        if all(v is None for v in values):
            continue
        # Positions, not the labels: "11-01" would otherwise be read as a date.
        axes.plot(range(len(labels)), [math.nan if v is None else 100 * v for v in values],
                  marker="o", label=_plain(words.of(DEADLINES, tally.clock), tally.clock))
    axes.set_xticks(range(len(labels)), labels)
    axes.set_ylim(0, 105)
    axes.set_ylabel(words(HEAD["rate"]) + " (%)")
    axes.set_title(words(CHART["trend"]))
    axes.grid(alpha=0.3)
    axes.legend(fontsize="small", loc="lower left")
    return _save(figure, path)


def _satisfaction(summary: Summary, words: Words, path: Path) -> Path | None:
    overall = summary.ratings()
    if not overall:
        return None
    rows = [(words(HEAD["overall"]), overall)] + [
        (_plain(words.department(code), code), summary.ratings(code))
        for code in sorted(summary.satisfaction)]
    rows = rows[::-1]
    figure, axes = _figure(max(3.0, 1.5 + 0.45 * len(rows)))
    left = [0.0] * len(rows)
    for rating, colour in zip(RATING_ORDER, _RATING_COLOURS, strict=True):
        shares = [100 * counts.get(rating, 0) / max(1, sum(counts.values()))
                  for _label, counts in rows]
        axes.barh([label for label, _c in rows], shares, left=left, color=colour,
                  label=_plain(words.of(RATINGS, rating), rating))
        left = [a + b for a, b in zip(left, shares, strict=True)]
    axes.set_xlim(0, 100)
    axes.set_xlabel(words(CHART["share"]) + " (%)")
    axes.set_title(words(CHART["satisfaction"]))
    axes.legend(fontsize="small", ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.18))
    return _save(figure, path)
