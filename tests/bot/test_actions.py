"""Typed button payloads: what a button carries, and the only way a press "expires"."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.actions import ActionError, Browse, ShowProduct, decode
from bot.store import OrderStatus
from handlers.actions import CartAdd, OrderSetStatus, ShowCategory
from promotions.actions import SwitchGroup


@pytest.mark.parametrize(
    "action",
    [
        Browse(),
        ShowProduct("ROSE-MASK"),
        ShowCategory("skincare", 2),
        CartAdd("ROSE-MASK", 3),
        OrderSetStatus("N9CKAT", OrderStatus.PAID),
        SwitchGroup("on", "telegram:-1001234"),  # the chat key keeps its colon
    ],
)
def test_every_action_comes_back_as_it_went(action: object) -> None:
    assert decode(action.encode()) == action  # type: ignore[attr-defined]


def test_buttons_sent_before_the_upgrade_still_work() -> None:
    assert decode("cart:add:ROSE-MASK:1") == CartAdd("ROSE-MASK", 1)
    assert decode("cat:fruit:0") == ShowCategory("fruit", 0)
    assert decode("owner:status:N9CKAT:paid") == OrderSetStatus("N9CKAT", OrderStatus.PAID)
    assert decode("owner:group:off:wechat:room1@chatroom") == SwitchGroup(
        "off", "wechat:room1@chatroom"
    )


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "nonsense",
        "cart:add:ROSE-MASK",  # a field missing
        "cart:add:ROSE-MASK:two",  # not a number
        "owner:status:N9CKAT:refunded",  # no such status
        "browse:extra",  # a field where none belongs
        "cart:add::1",  # an empty sku
    ],
)
def test_forged_or_broken_payloads_do_not_decode(payload: str) -> None:
    with pytest.raises(ActionError):
        decode(payload)


@given(st.text(max_size=80))
def test_decoding_anything_either_works_or_says_it_expired(payload: str) -> None:
    with contextlib.suppress(ActionError):
        decode(payload)


def test_a_field_that_would_break_the_wire_form_is_refused_when_built() -> None:
    with pytest.raises(ValueError, match="CartAdd: 'ROSE:MASK' contains ':'"):
        CartAdd("ROSE:MASK", 1).encode()
