"""Statistics as the owner reads them: loaded from the store, written as a table."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.catalog import Catalog
from bot.i18n import t
from bot.money import format_money
from bot.store import FollowUpOutcome, Store
from followups.history import local_day
from followups.stats import Stats, from_sales, month_bounds
from followups.texts import product_name


async def load_stats(store: Store, catalog: Catalog, now: datetime, months: int) -> Stats:
    """The months summed by the store, not read line by line (issue 12: a million orders),
    and the order times of only the customers followed up in them."""
    timezone = catalog.shop.timezone
    today = local_day(now, timezone)
    first, last = month_bounds(today, months)
    sales = await store.records.sales(timezone, first, last)
    # A day before the first month in any zone: conversions need the orders after each
    # follow-up, and every follow-up counted was sent in those months.
    since = datetime.fromisoformat(f"{first}-01T00:00:00+00:00") - timedelta(days=1)
    followups = await store.records.followups(since=since)
    sent = {f.customer_key for f in followups if f.outcome is FollowUpOutcome.SENT}
    order_times = await store.records.order_times(sent, since)
    return from_sales(sales, followups, order_times, timezone, today, months)


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
