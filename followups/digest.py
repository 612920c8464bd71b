"""The owner's daily digest: due and lapsed customers, best first, ten to a page, each
with the reason in words, the suggested message and the buttons to act on it.

``FollowUpDigest`` is the job on the shop's scheduler (bot/scheduler.py): once a day at
the catalog's ``followups.digest_at`` (shop time), and at start when that time has passed
today without a digest (the bot was down). The day is claimed in the store first, so a
restart or a second worker never sends it twice. No digest on a day with nobody due.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.actions import action_button
from bot.catalog import Catalog
from bot.clock import Clock
from bot.context import CatalogHolder
from bot.delivery import Delivery
from bot.i18n import t
from bot.messages import Button, Outgoing, buttons
from bot.money import format_money
from bot.owners import owner_chats_with_languages
from bot.scheduler import Scheduler
from bot.store import Customer, Store
from followups.actions import DigestPage, FollowUpDone, SendFollowUp, SnoozeFollowUp
from followups.due import DueCustomer, Status
from followups.history import due_customers, local_day
from followups.texts import customer_language, customer_name, reason, suggestion

log = logging.getLogger(__name__)

PAGE_SIZE = 10
JOB_ID = "followups:digest"


@dataclass(frozen=True)
class DigestPageText:
    text: str
    rows: list[list[Button]]


async def digest_page(
    store: Store, catalog: Catalog, now: datetime, language: str, page: int = 0
) -> DigestPageText | None:
    """Page ``page`` (0 = the first) of today's due list, or None when nobody is due."""
    today = local_day(now, catalog.shop.timezone)
    ranked = await due_customers(store, catalog, today)
    if not ranked:
        return None
    page = max(0, min(page, (len(ranked) - 1) // PAGE_SIZE))
    shown = ranked[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    lines = [t("fu.digest_title", language, count=len(ranked))]
    rows: list[list[Button]] = []
    for number, entry in enumerate(shown, start=page * PAGE_SIZE + 1):
        customer = await store.customers.get(entry.customer_key)
        if customer is None:  # an imported buyer without a chat yet: nothing to send to
            customer = Customer(
                entry.customer_key, "", "", entry.customer_key, None, None, None, None
            )
        lines.append(_entry_text(number, entry, customer, catalog, today, language))
        rows.append(
            [
                action_button(
                    t("fu.btn_send", language, n=number), SendFollowUp("digest", entry.customer_key)
                ),
                action_button(
                    t("fu.btn_snooze", language, n=number), SnoozeFollowUp(entry.customer_key)
                ),
                action_button(
                    t("fu.btn_done", language, n=number), FollowUpDone(entry.customer_key)
                ),
            ]
        )
    rest = len(ranked) - (page + 1) * PAGE_SIZE
    if rest > 0:
        lines.append(t("fu.digest_more", language, count=rest))
        rows.append([action_button(t("fu.btn_next", language), DigestPage(page + 1))])
    return DigestPageText("\n\n".join(lines), rows)


def _entry_text(
    number: int,
    entry: DueCustomer,
    customer: Customer,
    catalog: Catalog,
    today: date,
    language: str,
) -> str:
    status = "fu.status_lapsed" if entry.status is Status.LAPSED else "fu.status_due"
    head = t(
        "fu.digest_head",
        language,
        n=number,
        name=customer_name(customer),
        spent=format_money(entry.lifetime_minor, catalog.shop.currency),
        status=t(status, language),
    )
    their_language = customer_language(customer, catalog)
    main = entry.main
    message = suggestion(
        customer,
        main.sku,
        main.usual_qty,
        catalog,
        (today - main.last_purchase).days,
        their_language,
    )
    return "\n".join([head, "   " + reason(entry, catalog, today, language), "   ✉️ " + message])


class FollowUpDigest:
    """The digest's job on the shop's scheduler. Each owner reads it in the language they
    chose (or their app's), else the shop's."""

    def __init__(
        self,
        store: Store,
        catalog_holder: CatalogHolder,
        delivery: Delivery,
        clock: Clock,
        owners: Callable[[], frozenset[str]],
        scheduler: Scheduler,
    ) -> None:
        self.store = store
        self.catalog_holder = catalog_holder
        self.delivery = delivery
        self.clock = clock
        self.owners = owners  # read per digest: a /reload may have changed them
        self.scheduler = scheduler

    async def start(self) -> None:
        """Catch up on today's digest if its time has passed, then schedule it daily."""
        catalog = self.catalog_holder.catalog
        hour, minute = (int(part) for part in catalog.shop.followups.digest_at.split(":"))
        zone = ZoneInfo(catalog.shop.timezone)
        if self.clock.now().astimezone(zone).time() >= time(hour, minute):
            await self.run()
        self.scheduler.add(
            JOB_ID,
            self.run,
            CronTrigger(hour=hour, minute=minute, timezone=zone),
            misfire_grace_time=6 * 3600,
        )

    async def run(self) -> bool:
        """Send today's digest to every owner unless it went out already or nobody is due;
        True when it was sent."""
        catalog = self.catalog_holder.catalog
        now = self.clock.now()
        owners = await owner_chats_with_languages(
            self.store, self.owners(), catalog.shop.default_language
        )
        pages = {
            language: await digest_page(self.store, catalog, now, language)
            for language in {language for _, language in owners}
        }
        if not pages or None in pages.values():
            return False
        day = local_day(now, catalog.shop.timezone).isoformat()
        if not await self.store.records.claim_digest(day):
            return False
        messages = []
        for chat, language in owners:
            page = pages[language]
            assert page is not None
            messages.append(
                Outgoing(chat=chat, text=page.text, buttons=buttons(*page.rows), language=language)
            )
        await self.delivery.send_all(messages)
        log.info("follow-up digest sent to %d owner(s)", len(messages))
        return True
