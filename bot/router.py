"""The router: one Incoming in, the handler it belongs to, Outgoing messages out.

Order of decisions: group etiquette (unaddressed group chatter gets nothing), button
presses, commands, a conversation in progress (checkout, a question), then free text
through the parser. Owner authorization is checked here, once, for commands and buttons
alike, so no handler can forget it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from bot.clock import Clock
from bot.context import CatalogHolder, Context
from bot.i18n import pick_language
from bot.messages import Button, Incoming, Outgoing
from bot.nlu import detect_language, match_faq, parse_order
from bot.store import Store
from handlers import cart, checkout, inquiry, orders, owner, shop
from promotions import commands as promo

log = logging.getLogger(__name__)

# Only so much of a message is worth reading; the rest cannot be an order.
MAX_TEXT = 2000

OWNER_COMMANDS = frozenset({"open", "reload", "groups", "promo"})
# Commands that in a group are answered with a link to a private chat instead.
PRIVATE_COMMANDS: dict[str, str] = {
    "start": "",
    "help": "",
    "browse": "",
    "shop": "",
    "cart": "cart",
    "checkout": "cart",
    "orders": "orders",
    "ask": "",
}
CANCEL_WORDS = frozenset({"cancel", "/cancel", "取消", "算了", "不要了"})

DeepLink = Callable[[str, str], str | None]


@dataclass
class Router:
    store: Store
    catalog_holder: CatalogHolder
    clock: Clock
    owners: frozenset[str]
    deep_link: DeepLink

    async def handle(self, incoming: Incoming) -> list[Outgoing]:
        """Everything the shop says in answer to one incoming message (maybe nothing)."""
        if incoming.chat.is_group:
            # Who sits in which group lets the caps avoid pushing one product at the
            # same person through several groups; addressing the bot is a reaction.
            await self.store.note_group_activity(
                incoming.chat, incoming.sender.key, reaction=incoming.addressed
            )
        if not incoming.addressed:
            return []  # group chatter: a bot that answers every message is itself a flood
        sender = incoming.sender
        text = incoming.text[:MAX_TEXT]
        # A bare command, number or phone says nothing about the language a person reads;
        # words do, and are remembered for the next bare "1" (WeChat reports no language).
        written_in = None if text.startswith("/") else detect_language(text)
        written_in = written_in if written_in and not _bare(text) else None
        customer = await self.store.touch_customer(
            sender.key,
            sender.channel,
            sender.user_id,
            sender.name,
            sender.language or written_in,
        )
        if not incoming.chat.is_group and await self.store.is_unreachable(incoming.chat.key):
            await self.store.register_chat(incoming.chat, active=True)  # they came back
        language = pick_language(
            customer.language,
            sender.language,
            written_in,
            customer.platform_language,
            self.catalog_holder.catalog.shop.default_language,
        )
        state = await self.store.conversation(customer.key)
        ctx = Context(
            incoming=incoming,
            customer=customer,
            language=language,
            store=self.store,
            catalog_holder=self.catalog_holder,
            clock=self.clock,
            owners=self.owners,
            deep_link=self.deep_link,
            state=state,
        )
        try:
            choice = await self._numbered_choice(incoming.chat.key, text)
            if choice is not None:
                await self._press(ctx, choice)
            elif incoming.button is not None:
                await self._press(ctx, incoming.button)
            else:
                await self._text(ctx, text.strip())
        except Exception:
            # A bug must not leave the customer staring at silence or a traceback; the
            # state is not saved, so nothing half-done is kept.
            log.exception("handler failed for %s: %r", sender.key, text[:200])
            ctx.outbox.clear()
            ctx.reply(ctx.t("error.internal"))
            return ctx.outbox
        await self.store.save_conversation(customer.key, ctx.state)
        return ctx.outbox

    # --- buttons -----------------------------------------------------------------------

    async def _numbered_choice(self, chat_key: str, text: str) -> str | None:
        """On platforms without buttons a reply "2" presses the second choice offered."""
        number = text.strip()
        if not number.isdigit() or len(number) > 2:
            return None
        return await self.store.choice(chat_key, int(number))

    async def _press(self, ctx: Context, key: str) -> None:
        action = await self.store.button_action(key)
        if action is None:
            ctx.reply(ctx.t("button.expired"), [ctx.button("btn.browse", "browse")])
            return
        await self._action(ctx, action)

    async def _action(self, ctx: Context, action: str) -> None:
        verb, *args = action.split(":")
        if verb == "owner" and not ctx.is_owner:
            log.warning("refused owner action %r from %s", action, ctx.incoming.sender.key)
            ctx.reply(ctx.t("owner.only"))
            return
        handler = _ACTIONS.get((verb, args[0] if args else ""))
        rest = args[1:]
        if handler is None:
            handler, rest = _ACTIONS.get((verb, "")), args
        if handler is None:
            ctx.reply(ctx.t("button.expired"), [ctx.button("btn.browse", "browse")])
            return
        if ctx.chat.is_group and verb in ("checkout", "orders", "order", "ask"):
            await self._invite_private(ctx, "cart" if verb == "checkout" else "")
            return
        try:
            await handler(ctx, *rest)
        except (TypeError, ValueError):
            # A payload of the wrong shape: an old or forged button.
            log.warning("bad button payload %r", action)
            ctx.reply(ctx.t("button.expired"), [ctx.button("btn.browse", "browse")])

    # --- text ---------------------------------------------------------------------------

    async def _text(self, ctx: Context, text: str) -> None:
        if not text:
            ctx.reply(ctx.t("text.empty"), [ctx.button("btn.browse", "browse")])
            return
        if text.startswith("/"):
            await self._command(ctx, text)
            return
        if promo.is_opt_out(text):
            await promo.opt_out(ctx)
            return
        if text.lower() in CANCEL_WORDS and ("checkout" in ctx.state or "asking" in ctx.state):
            if "asking" in ctx.state:
                await inquiry.cancel_question(ctx)
            else:
                await checkout.cancel(ctx)
            return
        if not ctx.chat.is_group:
            if checkout.in_checkout(ctx):
                await checkout.answer(ctx, text)
                return
            if ctx.state.get("asking"):
                await inquiry.forward_question(ctx, text)
                return
        intent = parse_order(text, ctx.catalog)
        if intent is not None:
            await cart.handle_order_text(ctx, intent)
            if ctx.chat.is_group:
                await self._invite_private(ctx, "cart", quiet=True)
            return
        faq = match_faq(text, ctx.catalog)
        if faq is not None:
            inquiry.answer_faq(ctx, faq)
            return
        if ctx.chat.is_group:
            ctx.reply(ctx.t("group.hint"))
            return
        ctx.reply(
            ctx.t("text.not_understood"),
            [ctx.button("btn.browse", "browse"), ctx.button("btn.ask", "ask:start")],
        )

    async def _command(self, ctx: Context, text: str) -> None:
        head, _, rest = text[1:].partition(" ")
        command = head.split("@", 1)[0].lower()
        argument = rest.strip()
        if command in OWNER_COMMANDS and not ctx.is_owner:
            ctx.reply(ctx.t("owner.only"))
            return
        if command == "start" and await promo.resume_if_stopped(ctx) and not argument:
            return
        if ctx.chat.is_group and command in PRIVATE_COMMANDS:
            await self._invite_private(ctx, PRIVATE_COMMANDS[command])
            return
        if command == "start" and argument:
            await self._start_payload(ctx, argument)
            return
        handler = _COMMANDS.get(command)
        if handler is None:
            ctx.reply(ctx.t("command.unknown", command=head[:32]), [ctx.button("btn.help", "help")])
            return
        await handler(ctx, argument)

    async def _start_payload(self, ctx: Context, payload: str) -> None:
        if payload.startswith("p-"):
            await shop.show_product(ctx, payload[2:])
        elif payload == "cart":
            await cart.show_cart(ctx)
        elif payload == "orders":
            await orders.list_orders(ctx)
        else:
            await shop.start(ctx)

    async def _invite_private(self, ctx: Context, payload: str, quiet: bool = False) -> None:
        """Move a conversation from a group to the person's private chat."""
        link = ctx.deep_link(ctx.chat.channel, payload or "start")
        if link:
            if not quiet:
                ctx.reply(ctx.t("group.continue_private"))
            ctx.outbox.append(
                Outgoing(
                    chat=ctx.chat,
                    text=ctx.t("group.open_private", name=ctx.incoming.sender.name),
                    buttons=((Button(ctx.t("btn.open_private"), url=link),),),
                )
            )
            return
        # Platforms without links (the console, WeChat) can write to the person directly.
        if not quiet:
            ctx.reply(ctx.t("group.sent_private", name=ctx.incoming.sender.name))
            before = len(ctx.outbox)
            await self._start_payload(ctx, payload or "start")
            for index in range(before, len(ctx.outbox)):
                if ctx.outbox[index].chat == ctx.chat:
                    ctx.outbox[index] = replace(ctx.outbox[index], chat=ctx.private_chat)


def _bare(text: str) -> bool:
    """Digits, signs and at most one short word ("1", "+86 138...", "ok"): no language."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) < 3 and not any("\u4e00" <= c <= "\u9fff" for c in letters)


async def _help(ctx: Context, _: str = "") -> None:
    await shop.help_text(ctx)


async def _lang(ctx: Context, argument: str = "") -> None:
    choice = argument.lower()[:2]
    if choice not in ("en", "zh"):
        ctx.reply(ctx.t("lang.usage"))
        return
    await ctx.store.set_customer_language(ctx.customer.key, choice)
    ctx.language = choice
    ctx.reply(ctx.t("lang.set"))


async def _cancel(ctx: Context, _: str = "") -> None:
    if "asking" in ctx.state:
        await inquiry.cancel_question(ctx)
    elif "checkout" in ctx.state:
        await checkout.cancel(ctx)
    else:
        ctx.reply(ctx.t("cancel.nothing"))


def _no_args(handler: Callable[[Context], Awaitable[None]]) -> Callable[..., Awaitable[None]]:
    async def call(ctx: Context, *_: str) -> None:
        await handler(ctx)

    return call


async def _add(ctx: Context, sku: str, quantity: str) -> None:
    await cart.add_to_cart(ctx, sku, int(quantity))


async def _category(ctx: Context, category_id: str, page: str = "0") -> None:
    await shop.show_category(ctx, category_id, int(page))


_COMMANDS: dict[str, Callable[..., Awaitable[None]]] = {
    "start": _no_args(shop.start),
    "help": _help,
    "browse": _no_args(shop.browse),
    "shop": _no_args(shop.browse),
    "cart": _no_args(cart.show_cart),
    "checkout": _no_args(checkout.start),
    "orders": _no_args(orders.list_orders),
    "ask": _no_args(inquiry.start_question),
    "cancel": _cancel,
    "lang": _lang,
    "open": _no_args(owner.open_orders),
    "groups": _no_args(promo.list_groups),
    "promo": promo.promo_command,
    "stop": _no_args(promo.opt_out),
    "subscribe": _no_args(promo.subscribe),
    "nopromo": _no_args(promo.group_opt_out),
    "reload": _no_args(owner.reload_catalog),
}

# (verb, first argument) -> handler taking the remaining arguments.
_ACTIONS: dict[tuple[str, str], Callable[..., Awaitable[None]]] = {
    ("browse", ""): _no_args(shop.browse),
    ("help", ""): _help,
    ("prod", ""): shop.show_product,
    ("cat", ""): _category,
    ("cart", "show"): _no_args(cart.show_cart),
    ("cart", "clear"): _no_args(cart.clear_cart),
    ("cart", "add"): _add,
    ("cart", "inc"): lambda ctx, sku: cart.change_line(ctx, sku, 1),
    ("cart", "dec"): lambda ctx, sku: cart.change_line(ctx, sku, -1),
    ("cart", "del"): lambda ctx, sku: cart.change_line(ctx, sku, None),
    ("checkout", "start"): _no_args(checkout.start),
    ("checkout", "saved"): _no_args(checkout.use_saved),
    ("checkout", "new"): _no_args(checkout.ask_name),
    ("checkout", "skipnote"): _no_args(checkout.skip_note),
    ("checkout", "confirm"): _no_args(checkout.confirm),
    ("checkout", "cancel"): _no_args(checkout.cancel),
    ("orders", "list"): _no_args(orders.list_orders),
    ("order", "cancel"): orders.cancel_order,
    ("ask", "start"): _no_args(inquiry.start_question),
    ("ask", "cancel"): _no_args(inquiry.cancel_question),
    ("owner", "status"): owner.set_status,
    ("owner", "group"): promo.set_group,
    ("owner", "promo"): promo.campaign_button,
    ("promo", "fewer"): promo.fewer_like_this,
    ("promo", "stop"): _no_args(promo.opt_out),
}
