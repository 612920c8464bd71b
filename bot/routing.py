"""Routes, declared beside the handlers they lead to.

Each handler module makes one ``Routes`` and decorates its entry points::

    routes = Routes("cart")

    @routes.button(CartAdd)
    async def add(ctx: Context, action: CartAdd) -> None: ...

    @routes.command("cart", private="cart")
    async def cart_command(ctx: Context, argument: str) -> None: ...

    @routes.text(TextStage.ORDER, read=read_order)
    async def order_in_words(ctx: Context, intent: OrderIntent) -> None: ...

``Routes("owner", owner=True)`` makes every route of the module owner-only, so a new
owner action cannot skip the check: the router refuses it for anyone else before the
handler runs. The composition root (bot/app.py) hands the router the modules' routes in
the order that states their precedence; the router itself names no handler.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING, Any, TypeVar

from bot.actions import Action

if TYPE_CHECKING:
    from bot.context import Context

A = TypeVar("A", bound=Action)
T = TypeVar("T")

ActionHandler = Callable[["Context", A], Awaitable[None]]
CommandHandler = Callable[["Context", str], Awaitable[None]]
# A command prelude runs before the command's own route and says whether it has already
# answered everything (True) or the command should go on (False).
CommandPrelude = Callable[["Context", str], Awaitable[bool]]
TextReader = Callable[["Context", str], T | None]
TextHandler = Callable[["Context", T], Awaitable[None]]


class TextStage(IntEnum):
    """The precedence of free text, read top to bottom; the first route that reads the
    text takes it. Within a stage, routes keep the order of their modules. Before any
    route runs the router reads the message once (``ctx.reading``, bot/nlu/reading.py);
    readers look at that reading rather than parse the text again.

    - LEAVE: leaving what the customer is in the middle of ("cancel", "算了", and "stop"
      while checking out means stop the checkout, not the promotions).
    - STEP: the answer to the question a conversation asked (a checkout step, the
      question for the owner); private chats only. It comes before OPT_OUT: a delivery
      note "不要再发票" or a question "why do you keep posting, 别发了?" is what it is.
    - OPT_OUT: "stop", "unsubscribe", "退订", "别发了": no more promotions, anywhere else.
    - ORDER: a cart change in words (add, remove, set, replace, empty, same as last time).
      Only the reading's cart intents get here, so a question naming a product is not an
      order.
    - ANSWER: a question or request the shop answers (price, stock, policies, the cart,
      checkout, my orders, I have paid, cancel, a complaint, a human, the FAQ).
    - TALK: greetings, thanks and small talk with nothing else in them.
    - FALLBACK: nobody understood it; say so helpfully.
    - RESUME: not first-wins: after the route that took the text, every RESUME route whose
      reader accepts it runs too, to ask again the question the message interrupted (a
      checkout step answered by "wait, also add 2 rose masks").
    """

    LEAVE = 10
    STEP = 20
    OPT_OUT = 30
    ORDER = 40
    ANSWER = 50
    TALK = 60
    FALLBACK = 90
    RESUME = 100


@dataclass(frozen=True)
class ButtonRoute:
    action: type[Action]
    handler: ActionHandler[Any]
    owner: bool
    # In a group the press is answered in the presser's private chat instead, opened
    # with this start payload ("" for the greeting); None means it is fine in a group.
    private: str | None
    module: str


@dataclass(frozen=True)
class CommandRoute:
    names: tuple[str, ...]
    handler: CommandHandler
    owner: bool
    private: str | None
    module: str


@dataclass(frozen=True)
class PreludeRoute:
    name: str
    handler: CommandPrelude
    module: str


@dataclass(frozen=True)
class TextRoute:
    stage: TextStage
    read: TextReader[Any]
    handler: TextHandler[Any]
    owner: bool
    module: str


class Routes:
    """The routes one handler module declares."""

    def __init__(self, name: str, *, owner: bool = False) -> None:
        self.name = name
        self.owner = owner
        self.buttons: list[ButtonRoute] = []
        self.commands: list[CommandRoute] = []
        self.preludes: list[PreludeRoute] = []
        self.texts: list[TextRoute] = []

    def button(
        self, action: type[A], *, owner: bool = False, private: str | None = None
    ) -> Callable[[ActionHandler[A]], ActionHandler[A]]:
        def register(handler: ActionHandler[A]) -> ActionHandler[A]:
            self.buttons.append(
                ButtonRoute(action, handler, self.owner or owner, private, self.name)
            )
            return handler

        return register

    def command(
        self, *names: str, owner: bool = False, private: str | None = None
    ) -> Callable[[CommandHandler], CommandHandler]:
        def register(handler: CommandHandler) -> CommandHandler:
            self.commands.append(
                CommandRoute(tuple(names), handler, self.owner or owner, private, self.name)
            )
            return handler

        return register

    def prelude(self, name: str) -> Callable[[CommandPrelude], CommandPrelude]:
        """Run before command ``name`` wherever it is handled (e.g. /start also undoes a
        promotions opt-out)."""

        def register(handler: CommandPrelude) -> CommandPrelude:
            self.preludes.append(PreludeRoute(name, handler, self.name))
            return handler

        return register

    def text(
        self, stage: TextStage, read: TextReader[T], *, owner: bool = False
    ) -> Callable[[TextHandler[T]], TextHandler[T]]:
        def register(handler: TextHandler[T]) -> TextHandler[T]:
            self.texts.append(TextRoute(stage, read, handler, self.owner or owner, self.name))
            return handler

        return register


@dataclass(frozen=True)
class RouteTable:
    """Every route of the shop, indexed for dispatch; built once at start."""

    buttons: dict[type[Action], ButtonRoute]
    commands: dict[str, CommandRoute]
    preludes: dict[str, tuple[PreludeRoute, ...]]
    texts: tuple[TextRoute, ...]  # first wins, stage by stage
    resumes: tuple[TextRoute, ...]  # every one that reads the text, after the first

    @classmethod
    def build(cls, modules: list[Routes]) -> RouteTable:
        buttons: dict[type[Action], ButtonRoute] = {}
        commands: dict[str, CommandRoute] = {}
        preludes: dict[str, list[PreludeRoute]] = {}
        texts: list[TextRoute] = []
        for routes in modules:
            for button in routes.buttons:
                if button.action in buttons:
                    raise ValueError(
                        f"{button.action.__name__} is routed twice: "
                        f"{buttons[button.action].module} and {routes.name}"
                    )
                buttons[button.action] = button
            for command in routes.commands:
                for name in command.names:
                    if name in commands:
                        raise ValueError(f"/{name} is routed twice: {commands[name].module}")
                    commands[name] = command
            for prelude in routes.preludes:
                preludes.setdefault(prelude.name, []).append(prelude)
            texts.extend(routes.texts)
        texts.sort(key=lambda route: route.stage)  # stable: module order within a stage
        return cls(
            buttons,
            commands,
            {k: tuple(v) for k, v in preludes.items()},
            tuple(r for r in texts if r.stage < TextStage.RESUME),
            tuple(r for r in texts if r.stage >= TextStage.RESUME),
        )
