"""The owner's daily promotions summary: one message a day, never one per event.

It tells who opted out of promotions since the last summary (and where they said it) and
which broadcasts of the past day posted nothing at all (a broadcast that posted something
had its own report when it went out). Nothing to tell: nothing is sent. Opt-outs are
marked told in the store, so a restart never tells them twice and a summary missed while
the bot was down carries them to the next one.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import t
from bot.messages import Outgoing
from bot.owners import owner_chats_with_languages
from bot.store import OptOut, OutboxRow, PostState
from promotions.engine import Promotions
from promotions.texts import reason_text

# Local shop time of the summary: after the day's last posts, before the seller sleeps.
SUMMARY_AT = time(21, 0)
SUMMARY_SPAN = timedelta(days=1)
# Names listed before "and N more".
NAMED = 10


async def send_summary(promotions: Promotions, now: datetime | None = None) -> bool:
    """Send the day's summary to every owner; False when there was nothing to tell."""
    now = now or promotions.clock.now()
    catalog = promotions.catalog_holder.catalog
    opt_outs = await promotions.store.chats.unreported_opt_outs()
    silent = await silent_broadcasts(promotions, now - SUMMARY_SPAN, now)
    if not opt_outs and not silent:
        return False
    owners = await owner_chats_with_languages(
        promotions.store, promotions.owners, catalog.shop.default_language
    )
    texts = {
        language: await _summary_text(promotions, opt_outs, silent, language)
        for language in {language for _, language in owners}
    }
    for chat, language in owners:
        await promotions.delivery.send(Outgoing(chat=chat, text=texts[language], language=language))
    await promotions.store.chats.mark_opt_outs_reported([o.id for o in opt_outs])
    return True


async def _summary_text(
    promotions: Promotions,
    opt_outs: list[OptOut],
    silent: dict[tuple[str, datetime], Counter[str]],
    language: str,
) -> str:
    """The day's summary in one owner's language."""
    lines = [t("promo.summary_title", language)]
    if opt_outs:
        lines.append(await _opt_out_line(promotions, opt_outs, language))
    if silent:
        zone = ZoneInfo(promotions.catalog_holder.catalog.shop.timezone)
        slots = "; ".join(
            t(
                "promo.summary_silent_slot",
                language,
                campaign=campaign_id,
                time=f"{slot.astimezone(zone):%m-%d %H:%M}",
                reasons=", ".join(
                    f"{reason_text(reason, language)} × {n}" for reason, n in reasons.most_common()
                ),
            )
            for (campaign_id, slot), reasons in silent.items()
        )
        lines.append(t("promo.summary_silent", language, slots=slots))
    return "\n".join(lines)


async def silent_broadcasts(
    promotions: Promotions, since: datetime, until: datetime
) -> dict[tuple[str, datetime], Counter[str]]:
    """Broadcasts with a slot in (since, until] that are settled and posted nothing: for
    each, why its chats got nothing."""
    by_slot: dict[tuple[str, datetime], list[OutboxRow]] = {}
    for row in await promotions.store.outbox.rows(slots_after=since):
        if row.slot <= until:
            by_slot.setdefault((row.campaign_id, row.slot), []).append(row)
    silent: dict[tuple[str, datetime], Counter[str]] = {}
    for key, rows in sorted(by_slot.items(), key=lambda kv: kv[0][1]):
        states = {row.state for row in rows}
        if states & {PostState.SENT, PostState.PENDING, PostState.SENDING}:
            continue  # it posted (and was reported), or is not settled yet
        silent[key] = Counter(
            row.reason if row.state is PostState.SUPPRESSED else row.state.value for row in rows
        )
    return silent


async def _opt_out_line(promotions: Promotions, opt_outs: list[OptOut], language: str) -> str:
    names: list[str] = []
    for opt_out in opt_outs[:NAMED]:
        chat = await promotions.store.chats.get(opt_out.chat_key)
        if chat is not None and chat.kind == "group":
            names.append(
                t(
                    "promo.summary_opt_out_where",
                    language,
                    name=opt_out.name,
                    group=chat.title or chat.chat_id,
                )
            )
        else:
            names.append(opt_out.name)
    listed = ", ".join(names) + (f" … (+{len(opt_outs) - NAMED})" if len(opt_outs) > NAMED else "")
    return t("promo.summary_opt_outs", language, count=len(opt_outs), names=listed)
