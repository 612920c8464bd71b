"""Promotions as people see them: opting out, and the owner's controls.

The caps themselves are in promotions/caps.py, the sending engine in promotions/engine.py
and what a post says in promotions/texts.py. Here: how a customer says "stop", and the
owner's commands to enable groups, manage campaigns and preview them.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.actions import action_button
from bot.catalog import Campaign
from bot.context import Context
from bot.i18n import t
from bot.messages import Button, Outgoing
from bot.nlu.intents import Intent
from bot.owners import owner_private_chats
from bot.routing import Routes, TextStage
from bot.store import CampaignSource, CampaignStatus, PostKind, PostState
from promotions.actions import (
    BuyFromPost,
    CampaignControl,
    FewerLikeThis,
    StopPromotions,
    SwitchGroup,
)
from promotions.audiences import caps_from_catalog
from promotions.caps import CapsConfig, in_quiet_hours, quiet_end_after
from promotions.preview import preview_text
from promotions.schedule import fire_times
from promotions.spec import Complaint, read_create
from promotions.texts import buy_payload, post_of, reason_text

routes = Routes("promotions")


# --- customers ---------------------------------------------------------------------------


def read_opt_out(ctx: Context, text: str) -> str | None:
    """Said to the bot anywhere (a private chat, or a reply to a promotion in a group):
    what the reader understood as asking for no more promotions ("stop", "退订",
    "别再给我发广告了", "please stop posting ads here") puts the person on the suppression
    list every private promotion checks."""
    return text if ctx.reading_of(Intent.OPT_OUT) else None


@routes.text(TextStage.OPT_OUT, read=read_opt_out)
async def opt_out_words(ctx: Context, _: str) -> None:
    await opt_out(ctx)


@routes.command("stop")
async def stop_command(ctx: Context, _: str) -> None:
    await opt_out(ctx)


@routes.button(StopPromotions)
async def stop_button(ctx: Context, _: StopPromotions) -> None:
    await opt_out(ctx)


async def opt_out(ctx: Context) -> None:
    """No more private promotions for this person. Said in a group it is also that group
    complaining (fatigue's opposite of a reaction), and it says what it does not do: the
    group's posts are the group's choice. The owner hears of it in the daily summary."""
    _, stopped = await ctx.store.customers.promo_flags(ctx.customer.key)
    if not stopped:
        await ctx.store.customers.set_promo_flags(ctx.customer.key, stopped=True)
        await ctx.store.chats.note_opt_out(ctx.chat, ctx.customer.key, ctx.incoming.sender.name)
    if ctx.chat.is_group:
        await ctx.store.chats.note_complaint(ctx.chat.key)
        ctx.reply(ctx.t("promo.stopped_in_group", name=ctx.incoming.sender.name))
    else:
        ctx.reply(ctx.t("promo.stopped"))


@routes.command("subscribe")
async def subscribe(ctx: Context, _: str) -> None:
    await ctx.store.customers.set_promo_flags(ctx.customer.key, subscribed=True, stopped=False)
    ctx.reply(ctx.t("promo.subscribed"))


@routes.prelude("start")
async def start_resumes(ctx: Context, payload: str) -> bool:
    """A bare /start after /stop turns promotions back on and says only that. /start with
    a payload is a link being followed (a post's Buy, a group's "continue privately"):
    it resumes nothing, and one from a group's post counts as that group's reaction."""
    post = post_of(payload)
    if post is not None:
        await note_post_reaction(ctx, post)
    return not payload and await resume_if_stopped(ctx)


async def resume_if_stopped(ctx: Context) -> bool:
    """/start after /stop turns private promotions back on; True when it did."""
    subscribed, stopped = await ctx.store.customers.promo_flags(ctx.customer.key)
    if not stopped:
        return False
    await ctx.store.customers.set_promo_flags(ctx.customer.key, stopped=False)
    ctx.reply(ctx.t("promo.sub_resumed") if subscribed else ctx.t("promo.unstopped"))
    return True


@routes.button(BuyFromPost)
async def buy_from_post(ctx: Context, action: BuyFromPost) -> None:
    """Buy under a group's post on a platform without links: the product is shown in the
    buyer's private chat (never the cart in the group) and the group reacted."""
    await note_post_reaction(ctx, action.post)
    await ctx.move_to_private(buy_payload(action.sku, action.post))


async def note_post_reaction(ctx: Context, post: int) -> None:
    """Someone opened a product from a post: the best reaction a group can give."""
    row = await ctx.store.outbox.get(post)
    if row is not None and row.kind == PostKind.GROUP:
        await ctx.store.chats.note_reaction(row.chat.key)


@routes.button(FewerLikeThis)
async def fewer_like_this(ctx: Context, action: FewerLikeThis) -> None:
    await ctx.store.customers.mute_campaign(ctx.customer.key, action.campaign)
    ctx.reply(ctx.t("promo.fewer"))


@routes.command("nopromo")
async def group_opt_out(ctx: Context, _: str) -> None:
    """/nopromo in a group, by a group admin or an owner: no more promotions here."""
    if not ctx.chat.is_group:
        ctx.reply(ctx.t("promo.nopromo_in_group"))
        return
    if not (ctx.incoming.sender_is_admin or ctx.is_owner):
        ctx.reply(ctx.t("promo.admins_only"))
        return
    await ctx.store.chats.register(ctx.chat, active=True)
    await ctx.store.chats.set_promotions(ctx.chat.key, False)
    ctx.reply(ctx.t("promo.group_off"))
    language = ctx.catalog.shop.default_language
    told = t(
        "promo.owner_nopromo",
        language,
        name=ctx.incoming.sender.name,
        group=ctx.chat.title or ctx.chat.chat_id,
    )
    for owner in owner_private_chats(ctx.owners):
        if owner.channel == ctx.chat.channel:
            ctx.send(Outgoing(chat=owner, text=told, language=language))


# --- the owner ---------------------------------------------------------------------------


@routes.command("groups", owner=True)
async def list_groups(ctx: Context, _: str) -> None:
    groups = await ctx.store.chats.groups()
    if not groups:
        ctx.reply(ctx.t("groups.none"))
        return
    rows: list[list[Button]] = []
    lines = [ctx.t("groups.title")]
    for group in groups:
        if not group.active:
            state = ctx.t("groups.state_gone")
        elif group.promotions_enabled:
            state = ctx.t("groups.state_on")
        else:
            state = ctx.t("groups.state_off")
        lines.append(f"• {group.title or group.chat_id} ({group.key}): {state}")
        if group.active:
            verb = "off" if group.promotions_enabled else "on"
            label_key = "btn.group_disable" if group.promotions_enabled else "btn.group_enable"
            rows.append(
                [
                    action_button(
                        ctx.t(label_key, group=(group.title or group.chat_id)[:20]),
                        SwitchGroup(verb, group.key),
                    )
                ]
            )
    ctx.reply("\n".join(lines), *rows)


@routes.button(SwitchGroup, owner=True)
async def set_group(ctx: Context, action: SwitchGroup) -> None:
    turn_on = action.switch == "on"
    if action.switch not in ("on", "off") or not await ctx.store.chats.set_promotions(
        action.chat_key, turn_on
    ):
        ctx.reply(ctx.t("button.expired"))
        return
    record = await ctx.store.chats.get(action.chat_key)
    name = record.title if record and record.title else action.chat_key
    ctx.reply(ctx.t("groups.enabled" if turn_on else "groups.disabled", chat=name))


@routes.command("promo", owner=True)
async def promo_command(ctx: Context, argument: str) -> None:
    """/promo [list|pause|resume|delete|status ID|create ...|preview [days]]"""
    verb, _, rest = argument.strip().partition(" ")
    verb = verb.lower() or "list"
    rest = rest.strip()
    if verb == "list":
        await _list_campaigns(ctx)
    elif verb in ("pause", "resume", "delete") and rest:
        status = {
            "pause": CampaignStatus.PAUSED,
            "resume": CampaignStatus.ACTIVE,
            "delete": CampaignStatus.DELETED,
        }[verb]
        changed = await ctx.store.campaigns.set_status(rest, status)
        stored = await ctx.store.campaigns.get(rest)
        if not changed and verb == "resume" and stored is not None:
            # A deleted campaign (a catalog one too) comes back by resuming it.
            await ctx.store.campaigns.restore(stored.campaign, stored.source)
            changed = True
        key = f"promo.{verb}d" if changed else "promo.no_such_campaign"
        ctx.reply(ctx.t(key, campaign=rest))
    elif verb == "status" and rest:
        await _campaign_status(ctx, rest)
    elif verb == "create" and rest:
        await _create_campaign(ctx, rest)
    elif verb == "preview":
        days = preview_days(rest)
        if days is None:
            ctx.reply(ctx.t("promo.preview_days", value=rest[:20]))
            return
        await preview(ctx, days)
    else:
        ctx.reply(ctx.t("promo.usage"))


async def _list_campaigns(ctx: Context) -> None:
    campaigns = await ctx.store.campaigns.all()
    if not campaigns:
        ctx.reply(ctx.t("promo.none"))
        return
    lines = [ctx.t("promo.list_title")]
    rows: list[list[Button]] = []
    now = ctx.clock.now()
    for stored in campaigns:
        campaign = stored.campaign
        upcoming = next(
            fire_times(campaign, ctx.catalog.shop.timezone, now, now + timedelta(days=366)), None
        )
        when = _local(ctx, upcoming) if upcoming and stored.status is CampaignStatus.ACTIVE else "—"
        lines.append(
            ctx.t(
                "promo.list_line",
                campaign=campaign.id,
                status=ctx.t(f"promo.status_{stored.status.value}"),
                products=", ".join(campaign.products),
                next=when,
            )
        )
        action = "pause" if stored.status is CampaignStatus.ACTIVE else "resume"
        rows.append(
            [
                action_button(
                    ctx.t(f"btn.promo_{action}", campaign=campaign.id),
                    CampaignControl(action, campaign.id),
                )
            ]
        )
    ctx.reply("\n".join(lines), *rows)


@routes.button(CampaignControl, owner=True)
async def campaign_button(ctx: Context, action: CampaignControl) -> None:
    await promo_command(ctx, f"{action.change} {action.campaign}")


def preview_days(text: str) -> int | None:
    """Days to preview: 7 when not said, 1-31 when said; None for anything else."""
    text = text.strip()
    if not text:
        return 7
    return int(text) if text.isdigit() and 1 <= int(text) <= 31 else None


def _local(ctx: Context, moment: datetime) -> str:
    """A moment as the seller reads it, the weekday in her language."""
    local = moment.astimezone(ZoneInfo(ctx.catalog.shop.timezone))
    weekday = ctx.t("preview.weekdays").split()[local.weekday()]
    return f"{weekday} {local:%m-%d %H:%M}"


async def _campaign_status(ctx: Context, campaign_id: str) -> None:
    stored = await ctx.store.campaigns.get(campaign_id)
    if stored is None:
        ctx.reply(ctx.t("promo.no_such_campaign", campaign=campaign_id))
        return
    rows = await ctx.store.outbox.rows(campaign_id=stored.id)
    counts: dict[str, int] = {}
    reasons: dict[str, int] = {}
    for row in rows:
        counts[row.state.value] = counts.get(row.state.value, 0) + 1
        if row.state is PostState.SUPPRESSED:
            reasons[row.reason] = reasons.get(row.reason, 0) + 1
    text = ctx.t(
        "promo.status_line",
        campaign=stored.id,
        status=ctx.t(f"promo.status_{stored.status.value}"),
        sent=counts.get("sent", 0),
        suppressed=counts.get("suppressed", 0),
        failed=counts.get("failed", 0) + counts.get("missed", 0),
        pending=counts.get("pending", 0),
    )
    if reasons:
        text += "\n" + ctx.t(
            "promo.suppressed_why",
            reasons=", ".join(f"{reason_text(r, ctx.language)} × {n}" for r, n in reasons.items()),
        )
    ctx.reply(text)


async def _create_campaign(ctx: Context, spec: str) -> None:
    """``create ID PRODUCT[,PRODUCT] TIME[,TIME] [text]``: every day, every enabled group."""
    campaign = read_create(spec, ctx.catalog)
    if isinstance(campaign, Complaint):
        # What is wrong, then the shape with an example: owners write "明天上午10点 发 龙井".
        ctx.reply(ctx.t(campaign.key, **campaign.values) + "\n\n" + ctx.t("promo.create_example"))
        return
    existing = await ctx.store.campaigns.get(campaign.id)
    if existing is not None and existing.status is not CampaignStatus.DELETED:
        ctx.reply(ctx.t("promo.exists", campaign=campaign.id))
        return
    if existing is not None:  # a deleted campaign's id may be used again
        await ctx.store.campaigns.restore(campaign, CampaignSource.CHAT)
    else:
        await ctx.store.campaigns.save(campaign, source=CampaignSource.CHAT)
    times = ", ".join(campaign.schedule.times)
    lines = [ctx.t("promo.created", campaign=campaign.id, times=times)]
    quiet = _in_quiet_hours(ctx, campaign)
    if quiet:
        caps = caps_from_catalog(ctx.catalog)
        lines.append(
            ctx.t(
                "promo.created_quiet",
                times=", ".join(quiet),
                start=f"{caps.quiet_start:%H:%M}",
                end=f"{caps.quiet_end:%H:%M}",
                when=_local(ctx, _first_post(ctx, campaign, caps)),
            )
        )
    ctx.reply("\n".join(lines))


def _in_quiet_hours(ctx: Context, campaign: Campaign) -> list[str]:
    """The campaign's times that fall in the shop's quiet hours."""
    caps = caps_from_catalog(ctx.catalog)
    return [
        moment
        for moment in campaign.schedule.times
        if in_quiet_hours(time.fromisoformat(moment), caps)
    ]


def _first_post(ctx: Context, campaign: Campaign, caps: CapsConfig) -> datetime:
    """When the campaign's first post can really go out: its first slot, moved to the
    end of quiet hours when it falls in them."""
    zone = ZoneInfo(ctx.catalog.shop.timezone)
    now = ctx.clock.now()
    slot = next(fire_times(campaign, ctx.catalog.shop.timezone, now, now + timedelta(days=8)))
    local = slot.astimezone(zone)
    return quiet_end_after(local, caps) if in_quiet_hours(local.time(), caps) else slot


async def preview(ctx: Context, days: int) -> None:
    text = await preview_text(
        ctx.store,
        ctx.catalog,
        ctx.clock.now(),
        days,
        ctx.language,
        staff=ctx.owners,
        # The pacing of the platform the owner asks on (WeChat is far slower than Telegram).
        limits=ctx.rate_limits(ctx.chat.channel),
    )
    ctx.reply(text)
