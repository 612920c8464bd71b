"""Questions: answered from the FAQ when it knows, otherwise carried to the owner."""

from __future__ import annotations

from bot.catalog import FaqEntry
from bot.context import Context
from bot.i18n import t
from bot.messages import Outgoing
from bot.nlu import match_faq
from bot.routing import Routes, TextStage
from handlers.actions import AskCancel, AskStart, Browse
from handlers.owner import owner_private_chats

# A question for the owner is personal: it is asked in private.
routes = Routes("inquiry")
# The start payload that opens the question prompt in a private chat (/ask in a group).
ASK_PAYLOAD = "ask"


def read_faq(ctx: Context, text: str) -> FaqEntry | None:
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
    """Carry the customer's question to every owner, with who asked and where."""
    ctx.conversation.asking = False
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
                    question=question[:1000],
                ),
            )
        )
    ctx.reply(ctx.t("ask.forwarded"), [ctx.button("btn.browse", Browse())])
