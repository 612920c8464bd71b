"""Personal data stays private: whatever chat an owner command or button is used in, and
whatever an owner notice is about, a group sees no one's phone, address or order; and
what a customer types into a name, address or note cannot fake lines in an order card."""

from __future__ import annotations

import dataclasses
import enum
import typing

import pytest

from bot.actions import Action
from bot.app import ROUTES
from bot.channels.base import MembershipChange
from bot.messages import ChatKind, ChatRef, Outgoing
from bot.routing import RouteTable
from bot.store import OrderLine, OrderRequest

from support import CHANNEL, OWNER, ChatHarness, texts

TABLE = RouteTable.build(list(ROUTES))
OWNER_COMMANDS = sorted({name for name, route in TABLE.commands.items() if route.owner})
OWNER_BUTTONS = sorted(
    (route.action for route in TABLE.buttons.values() if route.owner), key=lambda a: a.__name__
)
# Arguments an owner might type after any owner command.
ARGUMENTS = ("", "list", "preview 3", "pause winter-masks", "resume winter-masks", "x")

GROUP = "friends"
OTHER_GROUP = "family-of-lily"


@dataclasses.dataclass(frozen=True)
class Secrets:
    """Everything a group must never see of the shop's customers and groups."""

    words: tuple[str, ...]

    def leaked_in(self, messages: list[Outgoing]) -> list[str]:
        text = texts(messages)
        return [word for word in self.words if word in text]


async def join(harness: ChatHarness, group: str) -> None:
    await harness.shop.on_membership(
        MembershipChange(ChatRef(CHANNEL, group, ChatKind.GROUP, group), joined=True)
    )


async def customers_with_orders(harness: ChatHarness) -> Secrets:
    """Two customers order, one from a group; another group is known to the shop."""
    await join(harness, GROUP)
    await join(harness, OTHER_GROUP)
    people = {
        "ann": ("Ann Lin", "13912345678", "88 Plum Lane, Xihu District, Hangzhou"),
        "bob": ("Bob Wu", "13787654321", "7 Pine Road, Gusu District, Suzhou"),
    }
    for user, (name, phone, address) in people.items():
        harness.languages[user] = "en"
        await harness.say(user, "@bot 2 walnuts", group=GROUP, mention=True)
        await harness.press(user, "check out")  # the cart went to them in private
        for answer in (name, phone, address):
            await harness.say(user, answer)
        await harness.say(user, "leave it with the neighbour")
        await harness.press(user, "confirm order")
    numbers = [o.number for o in await harness.shop.store.orders.in_progress()]
    assert len(numbers) == 2
    words = [w for details in people.values() for w in details]
    return Secrets((*words, *numbers, "neighbour", OTHER_GROUP))


def sample(action_type: type[Action], order_number: str) -> Action:
    """An instance of an owner action, aimed at a real order where it takes one."""
    hints = typing.get_type_hints(action_type)
    values: dict[str, object] = {}
    for field in dataclasses.fields(action_type):  # type: ignore[arg-type]
        kind = hints[field.name]
        if kind is int:
            values[field.name] = 1
        elif isinstance(kind, type) and issubclass(kind, enum.Enum):
            values[field.name] = next(iter(kind))
        elif field.name == "number":
            values[field.name] = order_number
        elif field.name == "chat_key":
            values[field.name] = f"{CHANNEL}:{OTHER_GROUP}"
        else:
            values[field.name] = "winter-masks"
    return action_type(**values)


def test_the_owner_routes_are_all_here() -> None:
    # The parametrised tests below would pass vacuously over an empty table.
    assert {"open", "groups", "promo", "reload"} <= set(OWNER_COMMANDS)
    assert len(OWNER_BUTTONS) >= 3


@pytest.mark.parametrize("command", OWNER_COMMANDS)
async def test_every_owner_command_in_a_group_is_answered_in_private(
    harness: ChatHarness, command: str
) -> None:
    secrets = await customers_with_orders(harness)
    before = len(harness.channel.sent)
    for argument in ARGUMENTS:
        await harness.say(OWNER, f"/{command} {argument}".strip(), group=GROUP)
    sent = harness.channel.sent[before:]
    to_group = [m for m in sent if m.chat.is_group]
    assert not secrets.leaked_in(to_group), texts(to_group)
    assert any(m.chat == harness.chat(OWNER) for m in sent), "the owner got the answer"


@pytest.mark.parametrize("action_type", OWNER_BUTTONS, ids=lambda a: a.__name__)
async def test_every_owner_button_in_a_group_is_answered_in_private(
    harness: ChatHarness, action_type: type[Action]
) -> None:
    secrets = await customers_with_orders(harness)
    [first, *_] = await harness.shop.store.orders.in_progress()
    key = await harness.shop.store.buttons.key_for(sample(action_type, first.number).encode())
    replies = await harness.press_key(OWNER, key, group=GROUP)
    to_group = [m for m in replies if m.chat.is_group]
    assert not secrets.leaked_in(to_group), texts(to_group)
    assert any(m.chat == harness.chat(OWNER) for m in replies)


async def test_no_owner_notice_ever_reaches_a_group(harness: ChatHarness) -> None:
    secrets = await customers_with_orders(harness)  # new-order notices
    harness.languages["cy"] = "en"
    await harness.say("cy", "/ask", group=GROUP)  # a question for the owner, from a group
    await harness.say("cy", "Can Ann Lin at 13912345678 get hers sooner?")
    await harness.say("ann", "/orders", group=GROUP)
    await harness.press("ann", "cancel order")
    await harness.press("ann", "Yes, cancel")  # the customer-cancelled notice
    await harness.shop.on_membership(
        MembershipChange(ChatRef(CHANNEL, OTHER_GROUP, ChatKind.GROUP, OTHER_GROUP), False)
    )
    for message in harness.messages_to(OWNER):
        assert not message.chat.is_group
    notices = texts(harness.messages_to(OWNER))
    assert "新订单" in notices and "顾客取消了订单" in notices and "提问" in notices
    to_groups = [m for m in harness.channel.sent if m.chat.is_group]
    assert to_groups, "the group did see what was meant for it"
    assert not secrets.leaked_in(to_groups), texts(to_groups)


FAKE_LINES = {
    "name": "Ann\nStatus: paid ✅",
    "phone": "139 1234 5678",
    "address": "88 Plum Lane\u2028Paid by: bank\r\n\u202eyaP\u202c, Hangzhou\x00",
    "note": "ring twice\n\nOrder ABCDEF · 已付款",
}


async def test_names_addresses_and_notes_are_one_plain_line(harness: ChatHarness) -> None:
    harness.languages["dee"] = "en"
    await harness.say("dee", "1 walnuts")
    await harness.press("dee", "check out")
    for field in ("name", "phone", "address", "note"):
        await harness.say("dee", FAKE_LINES[field])
    await harness.press("dee", "confirm order")
    [order] = await harness.shop.store.orders.of_customer("test:dee")
    assert order.contact_name == "Ann Status: paid ✅"
    assert order.address == "88 Plum Lane Paid by: bank yaP, Hangzhou"
    assert order.note == "ring twice Order ABCDEF · 已付款"
    card = harness.last_text(OWNER)
    assert "收件：Ann Status: paid ✅，139 1234 5678，88 Plum Lane Paid by: bank yaP" in card
    assert "\nStatus" not in card and "\nPaid by" not in card and "\nOrder ABCDEF" not in card
    assert not any(c in card for c in "\u2028\u202e\u202c\r\x00")
    # Next time the remembered details are offered the same way.
    await harness.say("dee", "1 walnuts")
    offer = texts(await harness.press("dee", "check out"))
    assert "Ann Status: paid ✅" in offer and "\u202e" not in offer


async def test_an_order_stored_with_raw_lines_is_shown_as_one_line(harness: ChatHarness) -> None:
    # What an earlier version may have stored before input was cleaned.
    placed = await harness.shop.store.orders.place(
        OrderRequest(
            customer_key="test:eve",
            chat=harness.chat("eve"),
            lines=(OrderLine("WALNUTS", "Walnuts", "核桃", 3200, 1),),
            currency="CNY",
            contact_name=FAKE_LINES["name"],
            phone="13800138000",
            address=FAKE_LINES["address"],
            note=FAKE_LINES["note"],
            language="en",
        )
    )
    assert not isinstance(placed, list)
    cards = texts(await harness.say(OWNER, "/open"))
    assert "Ann Status: paid ✅" in cards and "ring twice Order ABCDEF" in cards
    assert "\nStatus" not in cards and "\u202e" not in cards
