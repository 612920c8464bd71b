"""What promotions say: the promotional post itself, and suppression reasons in words.

The engine sends the post; the owner's commands and the engine's progress messages name
the reasons.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bot.actions import ShowProduct, action_button
from bot.catalog import Campaign, Catalog
from bot.i18n import MESSAGES, t
from bot.messages import Button, ChatRef, Outgoing, buttons
from bot.money import format_money
from promotions.actions import BuyFromPost, FewerLikeThis, StopPromotions

# A post's Buy link opens the private chat with "p-<SKU>" (the shop's product payload,
# handlers/shop.py) followed by "-o-<post>", the outbox row it came from, so the tap counts
# as that group's reaction. Lowercase, so it never occurs in an (uppercase) sku; at most
# 2 + 32 + 3 + 19 characters, inside Telegram's 64 for a start payload.
POST_MARK = "-o-"


def buy_payload(sku: str, post: int) -> str:
    return f"p-{sku}{POST_MARK}{post}"


def post_of(payload: str) -> int | None:
    """The post a /start payload came from (None: not from a post's Buy link)."""
    if not payload.startswith("p-"):
        return None
    _, mark, post = payload.rpartition(POST_MARK)
    return int(post) if mark and post.isdigit() else None


def promo_post(
    catalog: Catalog,
    campaign: Campaign,
    chat: ChatRef,
    skus: Iterable[str],
    language: str,
    deep_link: Callable[[str, str], str | None],
    private: bool,
    post: int,
    group_daily: int = 0,
) -> Outgoing:
    """A product card post: text, products with prices, a Buy button per product that
    opens a private chat (naming ``post``, the outbox row, so buying counts as a reaction);
    then why they got it: in private with one-tap opt-outs, in a group the admins' choice
    (``group_daily`` posts a day at most) and how to turn it off."""
    # The campaign's own words speak of all its products; when some are held back (cooling
    # down in this chat, sold out), they would advertise what the post does not show.
    skus = tuple(skus)
    whole = set(skus) == set(campaign.products)
    lines = [campaign.text.get(language)] if campaign.text and whole else []
    rows: list[list[Button]] = []
    image = None
    for sku in sorted(skus):
        product = catalog.product(sku)
        if product is None:
            continue
        image = image or product.image
        price = format_money(catalog.price_minor(product), catalog.currency_of(product))
        lines.append(
            t(
                "promo.product_line",
                language,
                name=product.name.get(language),
                price=price,
                unit=product.unit.get(language),
            )
        )
        label = t("promo.buy", language, name=product.name.get(language)[:24])
        link = deep_link(chat.channel, buy_payload(product.sku, post))
        if link:
            rows.append([Button(label, url=link)])
        elif private:
            rows.append([action_button(label, ShowProduct(product.sku))])
        else:  # no links: the tap is answered in the buyer's private chat, not the group
            rows.append([action_button(label, BuyFromPost(product.sku, post))])
    if not private:
        lines.append("")
        lines.append(
            t(
                "promo.why_group",
                language,
                shop=catalog.shop.name.get(language),
                count=group_daily,
            )
        )
    else:
        lines.append("")
        lines.append(t("promo.why_private", language, shop=catalog.shop.name.get(language)))
        rows.append(
            [
                action_button(t("btn.promo_fewer", language), FewerLikeThis(campaign.id)),
                action_button(t("btn.promo_stop", language), StopPromotions()),
            ]
        )
    return Outgoing(
        chat=chat,
        text="\n".join(lines),
        buttons=buttons(*rows),
        image=image if len(rows) <= 2 else None,
        language=language,
    )


def reason_text(reason: str, language: str) -> str:
    """A suppression reason in words (reason codes come from promotions.caps.Reason)."""
    key = f"reason.total.{reason}"
    return t(key, language) if key in MESSAGES else reason
