"""Products and their live stock, brought in line with the catalog file."""

from __future__ import annotations

from bot.catalog import Catalog
from bot.store.models import CampaignSource
from bot.store.sqlite.campaigns import SAVE_CAMPAIGN, campaign_params
from bot.store.sqlite.db import Database


class SqliteStock:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def apply_catalog(self, catalog: Catalog) -> None:
        """Bring products in line with the catalog without forgetting what was sold.

        Names and prices are replaced. Stock moves by the change of the catalog's number
        since it was last applied: raising it from 50 to 80 adds 30 units; an unchanged
        number leaves the live stock (50 minus whatever sold) alone; lowering it takes
        units away, never below zero. Products gone from the file become inactive, so
        their orders and old buttons still resolve.
        """
        now = self._db.now()
        async with self._db.transaction() as db:
            known = {
                row["sku"]: row for row in await db.all("SELECT sku, stock_baseline FROM products")
            }
            for product in catalog.products:
                price = catalog.price_minor(product)
                currency = catalog.currency_of(product)
                row = known.get(product.sku)
                if row is None:
                    await db.execute(
                        "INSERT INTO products (sku, name_en, name_zh, price_minor, currency,"
                        " stock, stock_baseline, active, updated_at)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)",
                        (
                            product.sku,
                            product.name.en,
                            product.name.zh,
                            price,
                            currency,
                            product.stock,
                            product.stock,
                            now,
                        ),
                    )
                    continue
                delta = product.stock - int(row["stock_baseline"])
                await db.execute(
                    "UPDATE products SET name_en = ?, name_zh = ?, price_minor = ?, currency = ?,"
                    " stock = MAX(0, stock + ?), stock_baseline = ?, active = 1, updated_at = ?"
                    " WHERE sku = ?",
                    (
                        product.name.en,
                        product.name.zh,
                        price,
                        currency,
                        delta,
                        product.stock,
                        now,
                        product.sku,
                    ),
                )
            for campaign in catalog.campaigns:
                await db.execute(
                    SAVE_CAMPAIGN, campaign_params(campaign, CampaignSource.CATALOG, now)
                )
            listed = {p.sku for p in catalog.products}
            for sku in set(known) - listed:
                await db.execute(
                    "UPDATE products SET active = 0, updated_at = ? WHERE sku = ?", (now, sku)
                )

    async def level(self, sku: str) -> int:
        row = await self._db.one("SELECT stock FROM products WHERE sku = ? AND active = 1", (sku,))
        return int(row["stock"]) if row else 0

    async def levels(self) -> dict[str, int]:
        rows = await self._db.all("SELECT sku, stock FROM products WHERE active = 1")
        return {row["sku"]: int(row["stock"]) for row in rows}
