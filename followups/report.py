"""Statistics as the owner reads them: loaded from the store, written as a table."""

from __future__ import annotations

from datetime import datetime

from bot.catalog import Catalog
from bot.i18n import t
from bot.money import format_money
from bot.store import Store
from followups.history import local_day
from followups.stats import Stats, compute
from followups.texts import product_name


async def load_stats(store: Store, catalog: Catalog, now: datetime, months: int) -> Stats:
    purchases = await store.records.purchases()
    followups = await store.records.followups()
    today = local_day(now, catalog.shop.timezone)
    return compute(purchases, followups, catalog.shop.timezone, today, months)


def stats_text(stats: Stats, catalog: Catalog, language: str) -> str:
    currency = catalog.shop.currency
    lines = [t("fu.stats_title", language, months=len(stats.months))]
    for month in stats.months:
        lines.append(
            t(
                "fu.stats_month",
                language,
                month=month.month,
                orders=month.orders,
                revenue=format_money(month.revenue_minor, currency),
                rate=round(month.repeat_rate * 100),
                repeat=format_money(month.repeat_revenue_minor, currency),
                sent=month.followups_sent,
                converted=month.followups_converted,
            )
        )
    if stats.top_products:
        best = [
            f"{product_name(catalog, sku, language)} ×{units} ({format_money(earned, currency)})"
            for sku, units, earned in stats.top_products
        ]
        lines.append(t("fu.stats_top", language, products=t("fu.list_sep", language).join(best)))
    return "\n".join(lines)
