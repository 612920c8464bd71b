"""Questions: answered from the FAQ when it knows, otherwise carried to the owner."""

from __future__ import annotations

from bot.catalog import FaqEntry
from bot.context import Context
from bot.i18n import t
from bot.messages import Outgoing
from handlers.owner import owner_private_chats


def answer_faq(ctx: Context, entry: FaqEntry) -> None:
    ctx.reply(
        f"{entry.question.get(ctx.language)}\n{entry.answer.get(ctx.language)}",
        [ctx.button("btn.ask", "ask:start"), ctx.button("btn.browse", "browse")],
    )


async def start_question(ctx: Context) -> None:
    ctx.state["asking"] = True
    ctx.reply(ctx.t("ask.prompt"), [ctx.button("btn.cancel_question", "ask:cancel")])


async def cancel_question(ctx: Context) -> None:
    ctx.state.pop("asking", None)
    ctx.reply(ctx.t("ask.cancelled"), [ctx.button("btn.browse", "browse")])


async def forward_question(ctx: Context, question: str) -> None:
    """Carry the customer's question to every owner, with who asked and where."""
    ctx.state.pop("asking", None)
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
    ctx.reply(ctx.t("ask.forwarded"), [ctx.button("btn.browse", "browse")])
