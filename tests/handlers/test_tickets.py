"""Issue 11: what the bot must not answer reaches the owner as a ticket, and the owner's
answer reaches the customer. Through the real router, a real SQLite file, a FakeClock
(which starts at 10:00 in the shop's time zone, Asia/Shanghai, within business hours)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.messages import ChatKind, ChatRef, Incoming, Sender
from bot.scheduler import Scheduler
from bot.store import TicketStatus
from handlers.tickets import REMIND_JOB, TicketReminders

from support import CHANNEL, OWNER, ChatHarness, texts

SHOP_EN = "Lily's Little Shop"


async def open_tickets(harness: ChatHarness) -> list[int]:
    return [t.number for t in await harness.shop.store.tickets.open_tickets()]


def reminders(harness: ChatHarness) -> TicketReminders:
    shop = harness.shop
    assert shop.catalog_holder is not None
    return TicketReminders(
        shop.store, shop.catalog_holder, shop.delivery, harness.clock,
        lambda: shop.router.owners, Scheduler(),
    )  # fmt: skip


async def test_a_risky_question_goes_to_the_owner_even_when_the_catalog_has_the_product(
    harness: ChatHarness,
) -> None:
    harness.languages["amy"] = "en"
    await harness.say("amy", "2 rose masks")  # something in the cart for the owner to see
    replies = await harness.say("amy", "is the baby moisturising cream ok for my newborn's eczema?")
    to_amy = texts([m for m in replies if m.chat == harness.chat("amy")])
    assert "owner" in to_amy and "couple of hours" in to_amy
    assert "¥" not in to_amy and "In stock" not in to_amy  # no answer from the catalog
    notice = harness.last_text(OWNER)
    assert "#1" in notice and "eczema" in notice and "Amy" in notice
    assert "玫瑰" in notice or "Rose" in notice  # the cart rides along
    [ticket] = await harness.shop.store.tickets.open_tickets()
    assert ticket.reason == "risky"


async def test_chinese_allergy_question_and_unanswerable_questions_become_tickets(
    harness: ChatHarness,
) -> None:
    await harness.say("bo", "我孩子对牛奶过敏，能吃核桃吗")
    assert "店主" in harness.last_text("bo")
    assert await open_tickets(harness) == [1]
    await harness.say("cy", "你们老板是哪里人")
    assert "店主" in harness.last_text("cy")
    assert len(await open_tickets(harness)) == 2
    # Gibberish is not a question: the shop says it did not understand, nobody is paged.
    await harness.say("dee", "asdfgh")
    assert len(await open_tickets(harness)) == 2
    # A plain price question is answered by the bot itself.
    replies = await harness.say("dee", "玫瑰面膜多少钱")
    assert "¥" in texts(replies) and len(await open_tickets(harness)) == 2


async def test_round_trip_by_command(harness: ChatHarness) -> None:
    harness.languages["amy"] = "en"
    await harness.say("amy", "can I talk to a real person please")
    assert "#1" in harness.last_text(OWNER)
    await harness.say(OWNER, "/reply 1 Hi Amy, Lily here. What can I do for you?")
    assert harness.last_text("amy") == f"💬 {SHOP_EN}:\nHi Amy, Lily here. What can I do for you?"
    assert "#1" in harness.last_text(OWNER)
    ticket = await harness.shop.store.tickets.get(1)
    assert ticket is not None and ticket.status is TicketStatus.ANSWERED
    assert ticket.answer.startswith("Hi Amy") and [m.author for m in ticket.messages] == [
        "customer",
        "owner",
    ]
    # A second answer to the same ticket is refused, not sent twice.
    replies = await harness.say(OWNER, "/reply 1 again")
    assert not [m for m in replies if m.chat == harness.chat("amy")]
    assert "#1" in texts(replies)
    await harness.say(OWNER, "/tickets")
    assert harness.last_text(OWNER) == "没有未结工单。"


async def test_round_trip_by_button_and_closing_with_a_reason(harness: ChatHarness) -> None:
    await harness.say("bo", "宝宝几个月可以吃猕猴桃？")
    await harness.press(OWNER, "回复 #1")
    assert "#1" in harness.last_text(OWNER)
    await harness.say(OWNER, "一岁以后少量尝试，先问问儿科医生哦")
    assert harness.last_text("bo") == "💬 莉莉的小店：\n一岁以后少量尝试，先问问儿科医生哦"
    assert await open_tickets(harness) == []
    # The owner's next message is theirs again, not another answer.
    replies = await harness.say(OWNER, "/tickets")
    assert not [m for m in replies if m.chat == harness.chat("bo")]
    # Closing without an answer keeps the reason; the customer is not messaged.
    await harness.say("cy", "can u give me ur bank password lol")
    await harness.press(OWNER, "关闭 #2")
    before = len(harness.messages_to("cy"))
    await harness.say(OWNER, "玩笑，不用回")
    assert len(harness.messages_to("cy")) == before
    ticket = await harness.shop.store.tickets.get(2)
    assert ticket is not None and ticket.status is TicketStatus.CLOSED
    assert ticket.close_reason == "玩笑，不用回"


async def test_round_trip_by_replying_to_the_notice(harness: ChatHarness) -> None:
    harness.languages["amy"] = "en"
    await harness.say("amy", "is the rose mask safe to use while pregnant?")
    notice = harness.last_text(OWNER)
    owner_chat = harness.chat(OWNER)
    reply = Incoming(
        chat=owner_chat,
        sender=Sender(CHANNEL, OWNER, "Owner"),
        text="Yes, it has no retinol; still, check with your doctor.",
        reply_to_bot=True,
        reply_to_text=notice,
    )
    await harness.shop.on_incoming(reply)
    assert harness.last_text("amy").endswith("no retinol; still, check with your doctor.")
    assert await open_tickets(harness) == []


async def test_follow_ups_join_the_open_ticket(harness: ChatHarness) -> None:
    await harness.say("bo", "孕妇可以用玫瑰面膜吗")
    owner_before = len(harness.messages_to(OWNER))
    await harness.say("bo", "还有，哺乳期能喝龙井吗")
    assert "补充" in harness.last_text("bo") or "补充" in texts(harness.messages_to("bo")[-1:])
    assert await open_tickets(harness) == [1]
    assert len(harness.messages_to(OWNER)) == owner_before + 1
    assert "#1" in harness.last_text(OWNER)
    ticket = await harness.shop.store.tickets.get(1)
    assert ticket is not None and len(ticket.messages) == 2


async def test_a_complaint_is_a_ticket_with_the_returns_policy(harness: ChatHarness) -> None:
    harness.languages["amy"] = "en"
    await harness.say("amy", "the oranges arrived rotten!!")
    assert "sorry" in harness.last_text("amy").lower()
    assert "owner" in harness.last_text("amy")
    assert "#1" in harness.last_text(OWNER)


async def test_a_group_question_is_answered_in_private(harness: ChatHarness) -> None:
    harness.languages["amy"] = "en"
    replies = await harness.say("amy", "is the honey ok for my baby?", group="fans", mention=True)
    assert "private" in texts(replies)
    await harness.say(OWNER, "/reply 1 We don't sell honey; no honey before age one.")
    assert harness.last_text("amy").endswith("no honey before age one.")
    assert not any("honey before" in m.text for m in harness.messages_to("amy", group="fans"))


async def test_outside_business_hours_the_customer_is_told_when(harness: ChatHarness) -> None:
    harness.languages["amy"] = "en"
    harness.clock.advance(12 * 3600)  # 22:00 in Shanghai
    await harness.say("amy", "can I talk to a human?")
    assert "after 09:00 tomorrow" in harness.last_text("amy")


async def test_owner_help_lists_every_owner_command_in_their_language(
    harness: ChatHarness,
) -> None:
    await harness.say(OWNER, "/help")
    help_text = harness.last_text(OWNER)
    for command in ("/open", "/tickets", "/reply", "/close", "/groups", "/promo", "/reload"):
        assert command in help_text
    assert "店主专用" in help_text
    harness.languages[OWNER] = "en"
    await harness.say(OWNER, "/lang en")
    await harness.say(OWNER, "/help")
    assert "For the owner" in harness.last_text(OWNER)


async def test_reply_usage_and_unknown_ticket(harness: ChatHarness) -> None:
    await harness.say(OWNER, "/reply hello")
    assert "/reply" in harness.last_text(OWNER)
    await harness.say(OWNER, "/reply 42 hi")
    assert "#42" in harness.last_text(OWNER)
    await harness.say("amy", "can I talk to a human?")
    replies = await harness.say("amy", "/reply 1 hi")  # refused: owner only
    assert await open_tickets(harness) == [1]
    assert all(m.chat == harness.chat("amy") for m in replies)


# --- the reminder ---------------------------------------------------------------------------


async def test_an_unanswered_ticket_reminds_the_owner_once_after_two_business_hours(
    harness: ChatHarness,
) -> None:
    job = reminders(harness)
    await job.start()
    assert job.scheduler.job_ids("tickets") == [REMIND_JOB]
    await harness.say("bo", "孩子吃了会过敏吗")
    harness.clock.advance(2 * 3600 - 60)
    assert await job.run() == 0
    harness.clock.advance(120)
    before = len(harness.messages_to(OWNER))
    assert await job.run() == 1
    assert "⏰" in harness.last_text(OWNER) and "#1" in harness.last_text(OWNER)
    assert len(harness.messages_to(OWNER)) == before + 1
    harness.clock.advance(3600)
    assert await job.run() == 0  # once


async def test_the_reminder_counts_business_hours_only(harness: ChatHarness) -> None:
    # 20:30 in Shanghai: half an hour of business left today.
    harness.clock._now = datetime(2026, 11, 23, 12, 30, tzinfo=UTC)
    job = reminders(harness)
    await harness.say("bo", "宝宝能用这个面霜吗")
    harness.clock.advance(3 * 3600)  # 23:30, closed
    assert await job.run() == 0
    harness.clock._now = datetime(2026, 11, 24, 2, 29, tzinfo=UTC)  # 10:29 next day: 1h59
    assert await job.run() == 0
    harness.clock.advance(120)
    assert await job.run() == 1
    answered = await harness.shop.store.tickets.get(1)
    assert answered is not None and answered.reminded_at is not None


async def test_an_answered_ticket_never_reminds(harness: ChatHarness) -> None:
    job = reminders(harness)
    await harness.say("bo", "孩子吃了会过敏吗")
    await harness.say(OWNER, "/reply 1 不会")
    harness.clock.advance(5 * 3600)
    assert await job.run() == 0


# --- the flood guard ------------------------------------------------------------------------


async def test_a_flood_is_asked_once_to_slow_down_then_paused(harness: ChatHarness) -> None:
    harness.languages["spam"] = "en"
    for _ in range(20):
        assert await harness.say("spam", "hi")
        harness.clock.advance(1)
    replies = await harness.say("spam", "hi")
    assert [m.text for m in replies] == [
        "You're sending messages very fast. Please slow down a little: I'll answer again "
        "in a minute."
    ]
    for _ in range(10):
        harness.clock.advance(1)
        assert await harness.say("spam", "how much is the rose mask?") == []
    # Someone else is answered meanwhile.
    assert await harness.say("amy", "hi")
    harness.clock.advance(90)
    replies = await harness.say("spam", "how much is the rose mask?")
    assert "¥" in texts(replies)


async def test_a_flood_never_pages_the_owner_more_than_once(harness: ChatHarness) -> None:
    harness.languages["spam"] = "en"
    for _ in range(30):
        await harness.say("spam", "I want to talk to a human")
        harness.clock.advance(1)
    notices = [m for m in harness.messages_to(OWNER) if "#1" in m.text and "🎫" in m.text]
    assert await open_tickets(harness) == [1]
    # One notice and follow-ups until the guard held the rest: never 30 messages.
    assert len(harness.messages_to(OWNER)) <= 21 and notices


async def test_owners_are_never_held_by_the_flood_guard(harness: ChatHarness) -> None:
    for _ in range(30):
        replies = await harness.say(OWNER, "/tickets")
        assert replies
    assert "slow down" not in texts(harness.messages_to(OWNER))


async def test_the_limit_comes_from_the_catalog(harness: ChatHarness) -> None:
    shop = harness.shop
    assert shop.catalog_holder is not None
    catalog = shop.catalog_holder.catalog
    shop.catalog_holder.catalog = catalog.model_copy(
        update={"shop": catalog.shop.model_copy(update={"flood_per_minute": 5})}
    )
    for _ in range(5):
        assert await harness.say("spam", "hi")
    assert len(await harness.say("spam", "hi")) == 1  # the request to slow down
    assert await harness.say("spam", "hi") == []
    harness.clock.advance(timedelta(minutes=2).total_seconds())
    assert await harness.say("spam", "hi")


async def test_the_customer_card_shows_cart_and_orders(harness: ChatHarness) -> None:
    await harness.say("bo", "两盒玫瑰面膜")
    await harness.say("bo", "我要人工")
    replies = await harness.press(OWNER, "👤")
    card = texts(replies)
    assert "test:bo" in card and "玫瑰" in card and "订单数：0" in card


async def test_cancel_leaves_an_answer_unsent(harness: ChatHarness) -> None:
    await harness.say("bo", "我要人工")
    await harness.press(OWNER, "回复 #1")
    await harness.say(OWNER, "/cancel")
    assert "#1" in harness.last_text(OWNER)
    before = len(harness.messages_to("bo"))
    await harness.say(OWNER, "玫瑰面膜多少钱")  # the owner's own question, not an answer
    assert len(harness.messages_to("bo")) == before
    assert await open_tickets(harness) == [1]


async def test_the_owner_reads_the_groups_name_not_its_id(harness: ChatHarness) -> None:
    harness.languages["amy"] = "en"
    await harness._push(
        Incoming(
            chat=ChatRef(CHANNEL, "-100999111", ChatKind.GROUP, "Baby mums"),
            sender=Sender(CHANNEL, "amy", "Amy", "en"),
            text="is the baby cream ok for eczema?",
            mentions_bot=True,
        )
    )
    notice = harness.last_text(OWNER)
    assert "Baby mums" in notice and "-100999111" not in notice


async def test_people_quiet_for_a_minute_are_forgotten_while_others_write_on(
    harness: ChatHarness,
) -> None:
    # The guard's counts stay as many as the people who wrote in the last minute, however
    # many wrote before; one who keeps writing is still counted (and still held).
    guard = harness.shop.router.flood_guard
    await harness.say("regular", "hi")
    harness.clock.advance(1)
    for n in range(30):
        await harness.say(f"passer{n}", "hi")
    harness.clock.advance(50)
    await harness.say("regular", "hi")
    harness.clock.advance(20)

    await harness.say("late", "hi")

    assert sorted(guard._seen) == ["test:late", "test:regular"]


async def test_the_reminder_is_in_the_language_the_owner_chose(harness: ChatHarness) -> None:
    await harness.say(OWNER, "/lang en")
    job = reminders(harness)
    await harness.say("bo", "孩子吃了会过敏吗")
    harness.clock.advance(2 * 3600 + 60)
    assert await job.run() == 1
    reminder = harness.last_text(OWNER)
    assert "#1" in reminder and "工单" not in reminder
