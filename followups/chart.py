"""The statistics as a chart (PNG): revenue per month, the part from repeat buyers, and
follow-ups sent and converted; a trend is read faster than a table.

Chinese labels need a font with Chinese glyphs, which a fresh machine seldom has: the
chart uses Noto Sans CJK SC from the ``mplfonts`` package (a dependency, so
``pip install chatshop`` brings it), never whatever the system happens to have.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from bot.catalog import Catalog
from bot.i18n import t
from bot.money import CURRENCY_EXPONENTS
from followups.stats import Stats

if TYPE_CHECKING:
    from matplotlib.font_manager import FontProperties

CJK_FONT = "NotoSansCJKsc-Regular.otf"

# matplotlib is imported where a chart is drawn, not with the shop: it costs about 40 MB
# and a fifth of a second at start-up, for a chart an owner asks for now and then.


def cjk_font() -> FontProperties:
    """Noto Sans CJK SC, registered with matplotlib."""
    from matplotlib import font_manager

    path = str(resources.files("mplfonts") / "fonts" / CJK_FONT)
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path)


def render_chart(stats: Stats, catalog: Catalog, language: str, path: Path) -> Path:
    from matplotlib.figure import Figure

    font = cjk_font()
    months = [m.month for m in stats.months]
    positions = range(len(months))
    scale = 10 ** CURRENCY_EXPONENTS.get(catalog.shop.currency, 2)  # minor units to yuan
    revenue = [m.revenue_minor / scale for m in stats.months]
    repeat = [m.repeat_revenue_minor / scale for m in stats.months]
    sent = [m.followups_sent for m in stats.months]
    converted = [m.followups_converted for m in stats.months]
    # A Figure of its own, not pyplot's global state: safe to draw off the event loop.
    figure = Figure(figsize=(8, 6.5))
    money, follow = figure.subplots(2, 1, sharex=True)
    money.bar(positions, revenue, color="#f4a6a6", label=t("fu.chart_revenue", language))
    money.bar(positions, repeat, color="#c0392b", label=t("fu.chart_repeat", language))
    money.set_ylabel(
        t("fu.chart_money", language, currency=catalog.shop.currency), fontproperties=font
    )
    money.set_title(
        t("fu.chart_title", language, shop=catalog.shop.name.get(language)),
        fontproperties=font,
        fontsize=14,
    )
    money.legend(prop=font)
    width = 0.4
    follow.bar(
        [p - width / 2 for p in positions],
        sent,
        width,
        color="#95a5a6",
        label=t("fu.chart_sent", language),
    )
    follow.bar(
        [p + width / 2 for p in positions],
        converted,
        width,
        color="#27ae60",
        label=t("fu.chart_converted", language),
    )
    follow.set_ylabel(t("fu.chart_followups", language), fontproperties=font)
    follow.legend(prop=font)
    follow.set_xticks(list(positions), months)
    follow.yaxis.get_major_locator().set_params(integer=True)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    return path
