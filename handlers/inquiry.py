"""Questions: answered from the FAQ when it knows, otherwise carried to the owner."""

from __future__ import annotations

from bot.catalog import FaqEntry
from bot.context import Context
from bot.i18n import counted_unit, t
from bot.messages import Button, Outgoing
from bot.money import format_money
from bot.nlu import match_faq
from bot.nlu.intents import Intent
from bot.nlu.reading import Reading
from bot.owners import owner_private_chats
from bot.routing import Routes, TextStage
from bot.store import TicketReason
from handlers.actions import AskCancel, AskStart, Browse, CartAdd
from handlers.categories import category_rows
from handlers.tickets import open_ticket

# A question for the owner is personal: it is asked in private.
routes = Routes("inquiry")
# The start payload that opens the question prompt in a private chat (/ask in a group).
ASK_PAYLOAD = "ask"


def read_faq(ctx: Context, text: str) -> FaqEntry | None:
    """A question no intent route took that the FAQ answers; never an order or cart edit
    that happens to hold an FAQ word."""
    reading = ctx.reading
    if reading is not None and reading.main is not Intent.UNKNOWN:
        return None  # the intent routes below answer these, from the catalog first
    return match_faq(text, ctx.catalog)


@routes.text(TextStage.ANSWER, read=read_faq)
async def answer_faq(ctx: Context, entry: FaqEntry) -> None:
    ctx.reply(
        f"{entry.question.get(ctx.language)}\n{entry.answer.get(ctx.language)}",
        [ctx.button("btn.ask", AskStart()), ctx.button("btn.browse", Browse())],
    )


@routes.command("ask", private=ASK_PAYLOAD)
async def ask_command(ctx: Context, _: str) -> None:
    await start_question(ctx)


@routes.button(AskStart, private=ASK_PAYLOAD)
async def ask_button(ctx: Context, _: AskStart) -> None:
    await start_question(ctx)


async def start_question(ctx: Context) -> None:
    ctx.conversation.asking = True
    ctx.reply(ctx.t("ask.prompt"), [ctx.button("btn.cancel_question", AskCancel())])


@routes.button(AskCancel, private="")
async def cancel_button(ctx: Context, _: AskCancel) -> None:
    await cancel_question(ctx)


async def cancel_question(ctx: Context) -> None:
    ctx.conversation.asking = False
    ctx.reply(ctx.t("ask.cancelled"), [ctx.button("btn.browse", Browse())])


def read_question(ctx: Context, text: str) -> str | None:
    """After "ask", the next thing typed in private is the question for the owner."""
    return text if ctx.conversation.asking and not ctx.chat.is_group else None


@routes.text(TextStage.STEP, read=read_question)
async def forward_question(ctx: Context, question: str) -> None:
    """Carry the customer's question to the owner as a ticket (handlers/tickets.py)."""
    ctx.conversation.asking = False
    await open_ticket(ctx, question, TicketReason.ASKED)


# --- questions in words: price, stock, details, policies, a human ------------------------

PRODUCT_QUESTIONS = (Intent.PRICE, Intent.STOCK, Intent.PRODUCT_INFO)
POLICY_QUESTIONS = (Intent.SHIPPING, Intent.PAYMENT, Intent.RETURNS)
# How many products one answer describes ("how much is the tea": the three teas).
MAX_ANSWERED = 3
# A list answer names at most this many products (a category rarely holds more).
MAX_LISTED = 8


def read_question_words(ctx: Context, _: str) -> Reading | None:
    reading = ctx.reading
    if reading is None or reading.main not in (*PRODUCT_QUESTIONS, *POLICY_QUESTIONS):
        return None
    return reading


@routes.text(TextStage.ANSWER, read=read_question_words)
async def answer_in_words(ctx: Context, reading: Reading) -> None:
    """Answered where it was asked, a group included: the answer is the same for anyone."""
    if reading.main in POLICY_QUESTIONS:
        answer_policy(ctx, reading)
    elif reading.products:
        await answer_about_products(ctx, reading)
    elif (entry := match_faq(reading.text, ctx.catalog)) is not None:
        # "is it genuine?", "是正品吗": about the shop's goods in general, which the FAQ
        # answers; the words left over are not a product we fail to sell.
        await answer_faq(ctx, entry)
    elif reading.main is Intent.STOCK and not reading.unknown:
        # "what do you sell?", "有什么推荐": the shop in general, so its aisles.
        ctx.reply(ctx.t("words.what_we_sell"), *category_rows(ctx))
    elif reading.unknown:
        ctx.reply(
            ctx.t("words.not_sold", name=reading.unknown[:40]),
            [ctx.button("btn.browse", Browse())],
        )
    else:
        ctx.reply(ctx.t("words.which_product"), [ctx.button("btn.browse", Browse())])


def answer_policy(ctx: Context, reading: Reading) -> None:
    """The shop's policy on it, after the FAQ's short answer when one fits the words."""
    shop = ctx.catalog.shop
    policy = {
        Intent.SHIPPING: shop.shipping_policy,
        Intent.PAYMENT: shop.payment_instructions,
        Intent.RETURNS: shop.return_policy,
    }[reading.main].get(ctx.language)
    if reading.main is Intent.SHIPPING:
        # The fee rule in words, then the policy: what it costs is what they ask most.
        policy = ctx.catalog.shipping_text(ctx.language)
    entry = match_faq(reading.text, ctx.catalog)
    text = policy
    if entry is not None:
        answer = entry.answer.get(ctx.language)
        faq = f"{entry.question.get(ctx.language)}\n{answer}"
        # An FAQ answer written from the same rule is the whole answer on its own.
        text = faq if policy in answer else f"{faq}\n\n{policy}"
    ctx.reply(text, [ctx.button("btn.ask", AskStart()), ctx.button("btn.browse", Browse())])


async def answer_about_products(ctx: Context, reading: Reading) -> None:
    """Price, stock and (for a details question) description and origin, with a button
    to add: when unsure between buying and asking, answer and let one tap buy. A question
    about several ("any snacks?", "有什么茶叶") is one list with a button each, not a
    message per product."""
    if len(reading.products) > 1:
        await _list_products(ctx, reading.products, details=reading.main is Intent.PRODUCT_INFO)
        return
    for sku in reading.products[:MAX_ANSWERED]:
        product = ctx.catalog.product(sku)
        if product is None:
            continue
        lang = ctx.language
        stock = await ctx.store.stock.level(sku)
        price = format_money(ctx.catalog.price_minor(product), ctx.catalog.currency_of(product))
        lines = [
            product.name.get(lang),
            ctx.t("product.price", price=price, unit=product.unit.get(lang)),
            ctx.t("stock.sold_out")
            if stock <= 0
            else ctx.t(
                "words.in_stock",
                count=stock,
                unit=counted_unit(product.unit.get(lang), stock, lang),
            ),
        ]
        if reading.main is Intent.PRODUCT_INFO:
            lines.append(product.description.get(lang))
            if product.origin:
                lines.append(ctx.t("product.origin", origin=product.origin.get(lang)))
        rows = [[ctx.button("btn.add_n", CartAdd(sku, 1), n=1)]] if stock > 0 else []
        ctx.reply("\n".join(lines), *rows)
    ctx.conversation.last_sku = reading.products[0]


async def _list_products(ctx: Context, skus: tuple[str, ...], details: bool) -> None:
    """One message for several products; with ``details`` (a question about them, "哪个好")
    each line is followed by its description, to compare them side by side."""
    lang = ctx.language
    stocks = await ctx.store.stock.levels()
    lines = [ctx.t("words.products_list")]
    rows: list[list[Button]] = []
    for sku in skus[:MAX_LISTED]:
        product = ctx.catalog.product(sku)
        if product is None:
            continue
        stock = stocks.get(sku, 0)
        price = format_money(ctx.catalog.price_minor(product), ctx.catalog.currency_of(product))
        unit = product.unit.get(lang)
        left = (
            ctx.t("words.stock_left", count=stock, unit=counted_unit(unit, stock, lang))
            if stock > 0
            else ctx.t("stock.sold_out")
        )
        lines.append(
            ctx.t(
                "words.products_line",
                name=product.name.get(lang),
                price=price,
                unit=unit,
                stock=left,
            )
        )
        if details:
            lines.append("  " + product.description.get(lang))
        if stock > 0:  # one tap buys, as on a single product's answer
            rows.append([ctx.button("btn.add_named", CartAdd(sku, 1), name=product.name.get(lang))])
    lines.append(ctx.t("words.choose_to_add"))
    # No product is "this one" yet ("来一饼" after a list must not mean its first line),
    # but "5 jin please" means the one of them sold by the jin.
    ctx.conversation.last_sku = None
    ctx.conversation.listed = tuple(skus[:MAX_LISTED])
    ctx.reply("\n".join(lines), *rows)


def read_human(ctx: Context, _: str) -> Reading | None:
    return ctx.reading_of(Intent.HUMAN)


@routes.text(TextStage.ANSWER, read=read_human)
async def human_in_words(ctx: Context, reading: Reading) -> None:
    """Asking for a person: the message goes to the owner, who answers in person."""
    tell_owner(ctx, reading.text)
    ctx.reply(ctx.t("words.human"), [ctx.button("btn.browse", Browse())])


def tell_owner(ctx: Context, text: str) -> None:
    language = ctx.catalog.shop.default_language
    sender = ctx.incoming.sender
    for chat in owner_private_chats(ctx.owners):
        ctx.send(
            Outgoing(
                chat=chat,
                text=t(
                    "owner.question",
                    language,
                    name=sender.name or sender.user_id,
                    customer=sender.key,
                    question=text[:1000],
                ),
            )
        )
