"""``chatshop followups`` and ``chatshop stats``: the due list and the statistics for the
terminal and for scripts (bot/cli.py parses the arguments and calls these)."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path

from bot.catalog import Catalog
from bot.clock import Clock
from bot.store import Store
from followups.chart import render_chart
from followups.history import due_customers, local_day
from followups.importing import read_history
from followups.report import load_stats, stats_text
from followups.texts import customer_name, reason


async def due_report(
    catalog: Catalog, db: Path, clock: Clock, as_of: date | None, as_json: bool, language: str
) -> str:
    store = await Store.open(db, clock)
    try:
        today = as_of or local_day(clock.now(), catalog.shop.timezone)
        ranked = await due_customers(store, catalog, today)
        rows = []
        for rank, entry in enumerate(ranked, start=1):
            customer = await store.customers.get(entry.customer_key)
            rows.append(
                {
                    "rank": rank,
                    "customer": entry.customer_key,
                    "name": customer_name(customer) if customer else entry.customer_key,
                    "status": entry.status.value,
                    "lifetime_minor": entry.lifetime_minor,
                    "overdue_days": entry.overdue_days,
                    "days_since_last_order": entry.days_since_last_order,
                    "products": [
                        {
                            "sku": p.sku,
                            "interval_days": p.interval_days,
                            "from_history": p.from_history,
                            "usual_qty": p.usual_qty,
                            "last_purchase": p.last_purchase.isoformat(),
                            "due_on": p.due_on.isoformat(),
                        }
                        for p in entry.products
                    ],
                    "reason": reason(entry, catalog, today, language),
                }
            )
    finally:
        await store.close()
    if as_json:
        return json.dumps({"as_of": today.isoformat(), "due": rows}, ensure_ascii=False, indent=2)
    if not rows:
        return f"{today.isoformat()}: nobody is due for a follow-up."
    lines = [f"{today.isoformat()}: {len(rows)} customer(s) due"]
    for row in rows:
        lines.append(
            f"{row['rank']:>4}. {row['name']} ({row['customer']}) · {row['status']} · "
            f"{row['reason']}"
        )
    return "\n".join(lines)


async def stats_report(
    catalog: Catalog, db: Path, clock: Clock, months: int, png: Path | None, language: str
) -> str:
    store = await Store.open(db, clock)
    try:
        stats = await load_stats(store, catalog, clock.now(), months)
    finally:
        await store.close()
    text = stats_text(stats, catalog, language)
    if png is not None:
        render_chart(stats, catalog, language, png)
        text += f"\n{png}"
    return text


async def import_report(
    catalog: Catalog, db: Path, clock: Clock, path: Path, skip_bad: bool
) -> tuple[str, int]:
    """Import ``path``; the report and the exit status (1 when bad rows stopped it)."""
    try:
        data = await asyncio.to_thread(path.read_bytes)
    except OSError as error:
        return f"chatshop: cannot read {path}: {error.strerror or error}", 1
    history = read_history(data, catalog, local_day(clock.now(), catalog.shop.timezone))
    lines = [f"line {bad.line}: {bad.reason}" for bad in history.bad]
    if history.bad and not skip_bad:
        lines.append(
            f"Nothing imported: {len(history.bad)} bad row(s) above. Fix them and import"
            " again, or add --skip-bad to import the good rows only."
        )
        return "\n".join(lines), 1
    store = await Store.open(db, clock)
    try:
        added = await store.records.import_orders(history.orders)
    finally:
        await store.close()
    known = len(history.orders) - added
    summary = f"Imported {added} order(s) from {path.name}"
    if known:
        summary += f"; {known} were imported before and were left alone"
    if history.bad:
        summary += f"; {len(history.bad)} bad row(s) skipped"
    lines.append(summary + ".")
    return "\n".join(lines), 0
