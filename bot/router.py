"""The router: one Incoming in, the route it belongs to, Outgoing messages out.

The middleware chain (bot/middleware.py) runs first; then the route is picked in this
order: a button press (or a number standing for one on platforms without buttons), a
command, then free text stage by stage (``TextStage``). Routes are declared beside their
handlers (bot/routing.py) and handed to the router by the composition root, so this
module names no handler.

Three guards hold for every route, whatever module declares it: an owner-only route is
refused to anyone else before its handler runs; an owner-only route the owner uses in a
group is answered in the owner's private chat (orders, phones and the shop's groups are
never posted to a group); and a private-only route pressed or typed in a group is
answered in the person's private chat instead. A payload that does not
decode is the only way to "this button has expired".
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace

from bot import choices
from bot.actions import Action, ActionError, Browse, Confirmed, Help, KeepAsIs, decode
from bot.channels.base import RateLimits
from bot.clock import Clock
from bot.context import CatalogHolder, Context
from bot.i18n import pick_language, t
from bot.messages import Button, Incoming, Outgoing
from bot.middleware import (
    ConversationState,
    CustomerAndLanguage,
    FloodGuard,
    GroupEtiquette,
    InternalErrors,
    Middleware,
    Next,
    OneAtATime,
    Turn,
)
from bot.nlu.reading import ReadingContext, read
from bot.routing import ButtonRoute, RouteTable, TextStage
from bot.store import Store, StoreBusy

log = logging.getLogger(__name__)

DeepLink = Callable[[str, str], str | None]

# The start payload a private chat opened from a group begins with when none is given.
START = "start"


@dataclass
class Router:
    store: Store
    catalog_holder: CatalogHolder
    clock: Clock
    # Owners from the settings (CHATSHOP_OWNERS); the catalog's are read per message, so
    # removing one from the file and reloading revokes them.
    settings_owners: frozenset[str]
    deep_link: DeepLink
    routes: RouteTable
    one_at_a_time: OneAtATime = field(default_factory=OneAtATime)
    # The pacing each channel's sends get, for what the owner is told (None: not running).
    rate_limits: Callable[[str], RateLimits | None] = lambda _channel: None
    # Kept across messages (it counts them); built from the clock and catalog.
    flood_guard: FloodGuard = field(init=False)

    def __post_init__(self) -> None:
        self.flood_guard = FloodGuard(self.clock, self.catalog_holder)
        # Built once: the chain holds no per-message state (OneAtATime and the flood guard
        # count across messages; everything else reads what it needs per message).
        self._middleware: tuple[Middleware, ...] = (
            self.one_at_a_time,
            GroupEtiquette(self.store),
            CustomerAndLanguage(
                self.store,
                self.catalog_holder,
                self.clock,
                lambda: self.owners,
                self.deep_link,
                self.rate_limits,
            ),
            self.flood_guard,
            InternalErrors(),
            ConversationState(self.store),
        )

    @property
    def owners(self) -> frozenset[str]:
        return self.settings_owners | frozenset(self.catalog_holder.catalog.shop.owners)

    def middleware(self) -> Sequence[Middleware]:
        return self._middleware

    async def handle(self, incoming: Incoming) -> list[Outgoing]:
        """Everything the shop says in answer to one incoming message (maybe nothing)."""
        turn = Turn.of(incoming)

        async def route() -> None:
            assert turn.ctx is not None
            turn.ctx.private_mover = self._move_to_private
            await self._dispatch(turn.ctx, turn.text.strip())

        try:
            await _chain(self.middleware(), turn, route)
        except StoreBusy as busy:
            return self._busy(turn, busy)
        return turn.replies

    def _busy(self, turn: Turn, busy: StoreBusy) -> list[Outgoing]:
        """Another process held the database past the store's patience: the turn wrote
        nothing (its conversation unsaved, its replies dropped), so the person is asked
        to send it again, in one line, never shown a fault; group chatter gets nothing."""
        incoming = turn.incoming
        log.warning("message of %s not handled: %s", incoming.sender.key, busy)
        if not incoming.addressed:
            return []
        language = (
            turn.ctx.language
            if turn.ctx is not None
            else pick_language(
                incoming.sender.language, self.catalog_holder.catalog.shop.default_language
            )
        )
        return [Outgoing(chat=incoming.chat, text=t("error.busy", language))]

    # --- picking the route ----------------------------------------------------------

    async def _dispatch(self, ctx: Context, text: str) -> None:
        key = ctx.incoming.button
        if key is None and await self._numbered_choice(ctx, text):
            return
        if key is not None:
            await self._press(ctx, key)
        elif not text:
            ctx.reply(ctx.t("text.empty"), [ctx.button("btn.browse", Browse())])
        elif text.startswith("/"):
            await self._command(ctx, text)
        else:
            await self._text(ctx, text)

    async def _numbered_choice(self, ctx: Context, text: str) -> bool:
        """On platforms without buttons a reply "2" (or a choice's words) presses what the
        person saw as 2 (bot/choices.py); True when the reply was read as a choice."""
        if ctx.start is not None:  # the lists were read with the rest of the message's state
            found = choices.choose(ctx.start.choice_lists, text)
        else:
            found = await choices.resolve(self.store, ctx.chat.key, ctx.incoming.sender.key, text)
        if found is None:
            return False
        if isinstance(found, choices.Explain):
            ctx.reply(ctx.t(found.message, **found.values))
            return True
        before = len(ctx.outbox)
        await self._press(ctx, found.key)
        # The answer says which choice it acted on, in its first message to the person.
        for index in range(before, len(ctx.outbox)):
            message = ctx.outbox[index]
            if message.chat in (ctx.chat, ctx.private_chat):
                echo = ctx.t("choices.chose", choice=found.shown)
                ctx.outbox[index] = replace(message, text=f"{echo}\n{message.text}")
                break
        return True

    async def _press(self, ctx: Context, key: str, confirmed: bool = False) -> None:
        start = ctx.start
        if start is not None and key == ctx.incoming.button:
            payload = start.button_action  # read with the rest of the message's state
        else:
            payload = await self.store.buttons.action(key)
        route = None
        action: Action | None = None
        if payload is not None:
            try:
                action = decode(payload)
            except ActionError as error:
                log.warning("button payload %r does not decode: %s", payload, error)
            else:
                route = self.routes.buttons.get(type(action))
        if isinstance(action, Confirmed | KeepAsIs):
            await self._confirmed(ctx, action)
            return
        if payload is None or route is None or action is None:
            ctx.reply(ctx.t("button.expired"), [ctx.button("btn.browse", Browse())])
            return
        found, pressed, wire = route, action, payload  # bound for the closure below
        await self._guarded(
            ctx,
            route.owner,
            route.private,
            payload,
            lambda c: self._run_button(c, found, pressed, wire, confirmed),
        )

    async def _run_button(
        self, ctx: Context, route: ButtonRoute, action: Action, payload: str, confirmed: bool
    ) -> None:
        """A pressed button that passed the guards: asked about first when it cannot be
        undone, else run."""
        asked = action.confirmation()
        if asked is not None and not confirmed:
            # Cancelling an order cannot be undone: one tap or "1" never does it alone,
            # and the question names the order.
            what, subject = asked
            ctx.reply(
                ctx.t(f"confirm.{what}", subject=subject),
                [ctx.button(f"btn.confirm_{what}", Confirmed(payload), subject=subject)],
                [ctx.button("btn.confirm_no", KeepAsIs(subject), subject=subject)],
            )
            return
        await route.handler(ctx, action)

    async def _guarded(
        self,
        ctx: Context,
        owner: bool,
        private: str | None,
        what: str,
        run: Callable[[Context], Awaitable[None]],
    ) -> None:
        """The guards every route passes, whatever module declares it: an owner-only
        route is refused to anyone else; used in a group, it is answered in the owner's
        private chat (orders, phones and the shop's groups never reach a group); a
        private-only route used in a group continues in the person's private chat."""
        if owner and not ctx.is_owner:
            log.warning("refused owner-only %r from %s", what[:80], ctx.incoming.sender.key)
            ctx.reply(ctx.t("owner.only"))
        elif owner and ctx.chat.is_group:
            ctx.reply(ctx.t("owner.in_private"))
            await run(ctx.as_private())
        elif private is not None and ctx.chat.is_group:
            await self._move_to_private(ctx, private, False)
        else:
            await run(ctx)

    async def _confirmed(self, ctx: Context, action: Confirmed | KeepAsIs) -> None:
        if isinstance(action, KeepAsIs):
            ctx.reply(ctx.t("confirm.kept", subject=action.subject))
            return
        await self._press(ctx, await self.store.buttons.key_for(action.payload), confirmed=True)

    async def _command(self, ctx: Context, text: str) -> None:
        head, _, rest = text[1:].partition(" ")
        name = head.split("@", 1)[0].lower()
        argument = rest.strip()
        route = self.routes.commands.get(name)
        # A prelude belongs to a command anyone may use (/start): an owner-only one is left
        # to the guards, which refuse it before anything runs.
        if route is None or not route.owner:
            for prelude in self.routes.preludes.get(name, ()):
                if await prelude.handler(ctx, argument):
                    return
        if route is None:
            ctx.reply(ctx.t("command.unknown", command=head[:32]), [ctx.button("btn.help", Help())])
            return
        await self._guarded(
            ctx, route.owner, route.private, f"/{name}", lambda c: route.handler(c, argument)
        )

    async def _text(self, ctx: Context, text: str) -> None:
        # One reading of the message, before any route: what it wants and what about.
        cart = await ctx.cart.lines()
        context = ReadingContext(
            ctx.conversation.last_sku,
            tuple(line.sku for line in cart),
            ctx.conversation.listed,
        )
        ctx.reading = read(text, ctx.catalog, context)
        for route in self.routes.texts:
            if route.owner and not ctx.is_owner:
                continue
            found = route.read(ctx, text)
            if found is not None:
                await route.handler(ctx, found)
                if route.stage is TextStage.STEP:
                    return  # it answered the pending question: nothing to ask again
                break
        for route in self.routes.resumes:
            found = route.read(ctx, text)
            if found is not None:
                await route.handler(ctx, found)

    # --- from a group to a private chat -----------------------------------------------

    async def _move_to_private(self, ctx: Context, payload: str, quiet: bool) -> None:
        """Continue a conversation begun in a group in the person's private chat."""
        link = ctx.deep_link(ctx.chat.channel, payload or START)
        if link:
            if not quiet:
                ctx.reply(ctx.t("group.continue_private"))
            ctx.send(
                Outgoing(
                    chat=ctx.chat,
                    text=ctx.t("group.open_private", name=ctx.incoming.sender.name),
                    buttons=((Button(ctx.t("btn.open_private"), url=link),),),
                )
            )
            return
        if quiet:
            return
        # Platforms without links (the console, WeChat) can write to the person directly:
        # run the start payload as /start would, in their private chat.
        ctx.reply(ctx.t("group.sent_private", name=ctx.incoming.sender.name))
        start = self.routes.commands.get(START)
        if start is None:
            return
        await start.handler(ctx.as_private(), payload or START)


async def _chain(middleware: Sequence[Middleware], turn: Turn, last: Next) -> None:
    """Run ``middleware`` in order around ``last``."""

    async def step(index: int) -> None:
        if index == len(middleware):
            await last()
        else:
            await middleware[index](turn, lambda: step(index + 1))

    await step(0)
