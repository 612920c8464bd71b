"""The free-text parser against the sample shop: real phrasings in English and Chinese."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.catalog import Catalog, load_catalog
from bot.nlu import (
    MAX_CANDIDATES,
    MAX_CHARS,
    OrderIntent,
    ParsedItem,
    detect_language,
    match_faq,
    parse_number,
    parse_order,
    rank_products,
)

CATALOG_PATH = Path(__file__).parents[3] / "catalog.yaml"

ROSE = "ROSE-MASK"
CLAY = "GREEN-TEA-MASK"
SILK = "SILK-MASK"
HAND = "HAND-CREAM"
BOX = "NAVEL-ORANGE-BOX"
JIN = "NAVEL-ORANGE-JIN"
KIWI = "KIWI-BOX"
LONGJING = "LONGJING-TEA"
PUER = "PUER-CAKE"
JASMINE = "JASMINE-TEA"
WALNUTS = "WALNUTS"
JERKY = "BEEF-JERKY"
RICE = "RICE-CAKE"
WIPES = "BABY-WIPES"
BABY_CREAM = "BABY-CREAM"

MASKS = (ROSE, CLAY, SILK)
ORANGES = (BOX, JIN)
UNKNOWN: tuple[str, ...] = ()


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(CATALOG_PATH)


def only_item(text: str, catalog: Catalog) -> ParsedItem:
    intent = parse_order(text, catalog)
    assert intent is not None, f"{text!r} was not read as an order"
    assert not intent.more_of_last
    assert len(intent.items) == 1, intent.items
    return intent.items[0]


# --- one product per message: (text, candidates best first, quantity) -----------------------

PHRASINGS: list[tuple[str, tuple[str, ...], int]] = [
    # English, exact names and aliases
    ("rose mask", (ROSE,), 1),
    ("Rose Masks", (ROSE,), 1),
    ("2 ROSE MASKS", (ROSE,), 2),
    ("2 rose masks", (ROSE,), 2),
    ("rose mask x3", (ROSE,), 3),
    ("Rose Mask ×2", (ROSE,), 2),
    ("rose mask pls", (ROSE,), 1),
    ("can I get 2 rose masks?", (ROSE,), 2),
    ("a dozen rose masks", (ROSE,), 12),
    ("twenty rose masks", (ROSE,), 20),
    ("1,000 rose masks", (ROSE,), 1000),
    ("1000000000 rose masks", (ROSE,), 10**9),
    ("0 rose masks", (ROSE,), 0),
    ("-1 rose mask", (ROSE,), -1),
    ("Rose hydrating mask (box of 10) x2", (ROSE,), 2),
    ("silk masks x4", (SILK,), 4),
    ("a couple of hand creams", (HAND,), 2),
    ("3 pcs hand cream", (HAND,), 3),
    ("I'd like two boxes of oranges", (BOX,), 2),
    ("two boxes of oranges", (BOX,), 2),
    ("3 jin of oranges", (JIN,), 3),
    ("oranges, 3 jin", (JIN,), 3),
    ("loose oranges", (JIN,), 1),
    ("orange box", (BOX,), 1),
    ("green tea", (LONGJING,), 1),
    ("2 tins of green tea", (LONGJING,), 2),
    ("dragon well tea", (LONGJING,), 1),
    ("jasmine tea x 2", (JASMINE,), 2),
    ("2 bags of jasmine tea", (JASMINE,), 2),
    ("pu'er x2", (PUER,), 2),
    ("two cakes of puer", (PUER,), 2),
    ("x3 kiwis", (KIWI,), 3),
    ("5 boxes kiwi", (KIWI,), 5),
    ("kiwifruit x 2", (KIWI,), 2),
    ("*2 walnuts", (WALNUTS,), 2),
    ("twelve walnuts", (WALNUTS,), 12),
    ("I'll take 4 walnuts", (WALNUTS,), 4),
    ("give me 3 beef jerky", (JERKY,), 3),
    ("can i have a rice cake", (RICE,), 1),
    ("rice cakes x 10", (RICE,), 10),
    ("I need 2 wipes", (WIPES,), 2),
    ("5 packs of baby wipes", (WIPES,), 5),
    ("3x baby cream", (BABY_CREAM,), 3),
    ("baby lotion", (BABY_CREAM,), 1),
    # English typos
    ("rosemask", (ROSE,), 1),
    ("hand creme", (HAND,), 1),
    ("hnad cream", (HAND,), 1),
    ("jasmin tea", (JASMINE,), 1),
    ("longjin", (LONGJING,), 1),
    ("pu er", (PUER,), 1),
    ("walnutts", (WALNUTS,), 1),
    ("jerkey", (JERKY,), 1),
    # English, ambiguous: every fitting product, best first
    ("mask", MASKS, 1),
    ("2 masks", MASKS, 2),
    ("2 jars of mask", (CLAY,), 2),
    ("oranges", ORANGES, 1),
    ("navel oranges", ORANGES, 1),
    ("cream", (HAND, BABY_CREAM), 1),
    ("tea", (LONGJING, PUER, JASMINE, CLAY), 1),
    ("osmanthus", (RICE, HAND), 1),
    # English, unknown
    ("2 durians", UNKNOWN, 2),
    # Chinese
    ("玫瑰面膜", (ROSE,), 1),
    ("要两盒玫瑰面膜", (ROSE,), 2),
    ("三盒玫瑰面膜！", (ROSE,), 3),
    ("２盒玫瑰面膜", (ROSE,), 2),
    ("能给我两盒玫瑰面膜吗", (ROSE,), 2),
    ("再来两盒玫瑰面膜", (ROSE,), 2),
    ("补水面膜 2", (ROSE,), 2),
    ("蚕丝面膜三盒", (SILK,), 3),
    ("我想要蚕丝面膜", (SILK,), 1),
    ("绿茶面膜", (CLAY,), 1),
    ("清洁面膜", (CLAY,), 1),
    ("帮我拿两支护手霜", (HAND,), 2),
    ("一支护手霜", (HAND,), 1),
    ("来三斤脐橙", (JIN,), 3),
    ("要3斤脐橙", (JIN,), 3),
    ("脐橙3斤", (JIN,), 3),
    ("三斤橙子", (JIN,), 3),
    ("两箱橙子", (BOX,), 2),
    ("一箱橙子", (BOX,), 1),
    ("猕猴桃两箱", (KIWI,), 2),
    ("周至猕猴桃（30个装）", (KIWI,), 1),
    ("弥猴桃", (KIWI,), 1),
    ("龙井茶叶", (LONGJING,), 1),
    ("绿茶", (LONGJING,), 1),
    ("普洱茶饼一饼", (PUER,), 1),
    ("普洱 一饼", (PUER,), 1),
    ("给我来一罐茉莉花茶", (JASMINE,), 1),
    ("二十五个核桃", (WALNUTS,), 25),
    ("一百袋牛肉干", (JERKY,), 100),
    ("十二包湿巾", (WIPES,), 12),
    ("湿巾5包", (WIPES,), 5),
    ("买一包婴儿湿巾", (WIPES,), 1),
    ("×3 宝宝霜", (BABY_CREAM,), 3),
    # Chinese, ambiguous and unknown
    ("面膜", MASKS, 1),
    ("一盒面膜", (ROSE, SILK), 1),
    ("赣南脐橙", ORANGES, 1),
    ("桂花", (RICE, HAND), 1),
    ("我要榴莲", UNKNOWN, 1),
    ("榴莲两个", UNKNOWN, 2),
    # Mixed
    ("2盒rose mask", (ROSE,), 2),
    ("玫瑰面膜 x2", (ROSE,), 2),
    ("rose mask 两盒", (ROSE,), 2),
    ("3个walnuts", (WALNUTS,), 3),
]


def test_the_table_is_big_enough() -> None:
    assert len(PHRASINGS) >= 70
    assert len({text for text, _, _ in PHRASINGS}) == len(PHRASINGS)


@pytest.mark.parametrize(("text", "candidates", "quantity"), PHRASINGS)
def test_phrasings(text: str, candidates: tuple[str, ...], quantity: int, catalog: Catalog) -> None:
    item = only_item(text, catalog)
    assert item.candidates == candidates
    assert item.quantity == quantity
    assert item.text and item.text in text


def test_item_text_is_quoted_as_written(catalog: Catalog) -> None:
    assert only_item("I'd like two boxes of oranges please", catalog).text == "oranges"
    assert only_item("要两盒玫瑰面膜", catalog).text == "玫瑰面膜"
    assert only_item("2 ROSE MASKS", catalog).text == "ROSE MASKS"
    assert only_item("hand creme", catalog).text == "hand creme"


def test_unknown_products_get_only_close_suggestions(catalog: Catalog) -> None:
    durians = only_item("2 durians", catalog)
    assert (durians.text, durians.candidates, durians.suggestions) == ("durians", (), ())
    kiwi = only_item("2 kiwo", catalog)
    assert kiwi.candidates == ()
    assert kiwi.suggestions == (KIWI,)
    longjing = only_item("龙景茶 两罐", catalog)
    assert longjing.candidates == ()
    assert longjing.suggestions == (LONGJING,)
    assert longjing.quantity == 2


# --- units ------------------------------------------------------------------------------------

UNITS: list[tuple[str, str | None, bool | None]] = [
    ("2 rose masks", None, None),
    ("要两盒玫瑰面膜", "盒", True),
    ("两箱橙子", "箱", True),
    ("来三斤脐橙", "斤", True),
    ("3 jin of oranges", "jin", True),
    ("two boxes of oranges", "box", True),
    ("3 jin of rose masks", "jin", False),
    ("给我来一罐茉莉花茶", "罐", False),
    ("3个核桃", "个", True),  # a generic counter fits anything
    ("3 pcs hand cream", "piece", True),
    ("一盒面膜", "盒", None),  # still two candidates: nothing to match against
    ("orange box", "box", True),  # the unit inside the product words
]


@pytest.mark.parametrize(("text", "unit", "matches"), UNITS)
def test_units(text: str, unit: str | None, matches: bool | None, catalog: Catalog) -> None:
    item = only_item(text, catalog)
    assert item.unit == unit
    assert item.unit_matches is matches


def test_a_unit_that_fits_nothing_keeps_the_product(catalog: Catalog) -> None:
    item = only_item("3 jin of rose masks", catalog)
    assert (item.candidates, item.quantity) == ((ROSE,), 3)


# --- not orders ---------------------------------------------------------------------------------

NOT_ORDERS = [
    "",
    "   ",
    "\x00\x01\x02\x1b[31m",
    "😀😀👍",
    "hi",
    "hello!",
    "你好",
    "在吗",
    "thanks!",
    "好的谢谢",
    "ok",
    "收到",
    "take care",
    "再见",
    "lol",
    "how are you",
    "are they genuine?",
    "是正品吗",
    "是不是正品",
    "how much is shipping",
    "how long does shipping take?",
    "多久能到？",
    "玫瑰面膜多少钱",
    "两盒玫瑰面膜多少钱",
    "what's the price of walnuts",
    "do you have rose masks?",
    "do you have 20 rose masks?",
    "有没有玫瑰面膜",
    "还有玫瑰面膜吗",
    "rose masks?",
    "can I return it?",
    "我想问一下玫瑰面膜",
    "can you ship to beijing?",
    "I want to pay",
    "我要退货",
    # talk about products, not orders
    "I love roses",
    "my mom loves the rose masks",
    "rose masks are great",
    "my rose masks arrived",
    "rose mask shipping",
    "my baby is sleeping",
    "玫瑰面膜很好用",
    "我喜欢玫瑰面膜",
    "我买了玫瑰面膜",
    "玫瑰面膜收到了",
    "'; DROP TABLE orders; --",
    "1 OR 1=1",
    "2",
    "三盒",
]


@pytest.mark.parametrize("text", NOT_ORDERS)
def test_not_an_order(text: str, catalog: Catalog) -> None:
    assert parse_order(text, catalog) is None


@pytest.mark.parametrize(
    "text", ["I want 2 rose masks, how much?", "我要两盒玫瑰面膜，多少钱？", "2 rose masks?"]
)
def test_an_order_with_a_question_is_still_an_order(text: str, catalog: Catalog) -> None:
    item = only_item(text, catalog)
    assert (item.candidates, item.quantity) == ((ROSE,), 2)


def test_talk_then_an_order_is_an_order(catalog: Catalog) -> None:
    item = only_item("I love rose masks, I want 2 more", catalog)
    assert (item.text, item.candidates, item.quantity) == ("rose masks", (ROSE,), 2)


# --- several products in one message ------------------------------------------------------------

MULTI: list[tuple[str, list[tuple[tuple[str, ...], int]]]] = [
    ("2 rose masks and 1 hand cream", [((ROSE,), 2), ((HAND,), 1)]),
    ("两盒面膜和一支护手霜", [((ROSE, SILK), 2), ((HAND,), 1)]),
    ("rose mask; silk mask; hand cream", [((ROSE,), 1), ((SILK,), 1), ((HAND,), 1)]),
    ("rose mask x2\nhand cream x3", [((ROSE,), 2), ((HAND,), 3)]),
    ("2 rose masks, 3 walnuts", [((ROSE,), 2), ((WALNUTS,), 3)]),
    ("2 rose masks 3 walnuts", [((ROSE,), 2), ((WALNUTS,), 3)]),
    ("玫瑰面膜2盒 护手霜1支", [((ROSE,), 2), ((HAND,), 1)]),
    ("2盒玫瑰面膜 1支护手霜", [((ROSE,), 2), ((HAND,), 1)]),
    ("护手霜两支 核桃一袋", [((HAND,), 2), ((WALNUTS,), 1)]),
    ("a rose mask and a silk mask please", [((ROSE,), 1), ((SILK,), 1)]),
    ("I want 2 rose masks and 2 durians", [((ROSE,), 2), (UNKNOWN, 2)]),
    ("来三斤脐橙，还有两箱橙子", [((JIN,), 3), ((BOX,), 2)]),
]


@pytest.mark.parametrize(("text", "expected"), MULTI)
def test_several_items(
    text: str, expected: list[tuple[tuple[str, ...], int]], catalog: Catalog
) -> None:
    intent = parse_order(text, catalog)
    assert intent is not None
    assert [(item.candidates, item.quantity) for item in intent.items] == expected


# --- more of the last product -----------------------------------------------------------------

MORE = [
    ("再加一个", 1),
    ("再来两个", 2),
    ("再来2个", 2),
    ("再来一份", 1),
    ("还要一个", 1),
    ("多来两个", 2),
    ("加一个", 1),
    ("一样的再来一个", 1),
    ("one more", 1),
    ("One more please!", 1),
    ("ok, one more please", 1),
    ("add another", 1),
    ("another 2", 2),
    ("another two please", 2),
    ("Another one!", 1),
    ("a couple more", 2),
    ("two more boxes", 2),
    ("add 2 more", 2),
    ("same again", 1),
    ("the same again please", 1),
    ("same as last time", 1),
]


@pytest.mark.parametrize(("text", "quantity"), MORE)
def test_more_of_last(text: str, quantity: int, catalog: Catalog) -> None:
    assert parse_order(text, catalog) == OrderIntent(
        items=(), more_of_last=True, more_quantity=quantity
    )


@pytest.mark.parametrize(
    ("text", "sku", "quantity"),
    [
        ("one more rose mask", ROSE, 1),
        ("再来两盒玫瑰面膜", ROSE, 2),
        ("another 2 walnuts", WALNUTS, 2),
    ],
)
def test_more_naming_a_product_is_an_ordinary_item(
    text: str, sku: str, quantity: int, catalog: Catalog
) -> None:
    item = only_item(text, catalog)
    assert (item.candidates, item.quantity) == ((sku,), quantity)


@pytest.mark.parametrize("text", ["再见", "还有吗", "more info please"])
def test_not_more_of_last(text: str, catalog: Catalog) -> None:
    intent = parse_order(text, catalog)
    assert intent is None or not intent.more_of_last


# --- bare numbers -------------------------------------------------------------------------------

NUMBERS: list[tuple[str, int | None]] = [
    ("3", 3),
    ("３", 3),
    ("three", 3),
    ("Eleven", 11),
    ("twenty-five", 25),
    ("twenty five", 25),
    ("two hundred", 200),
    ("a dozen", 12),
    ("half a dozen", 6),
    ("a couple", 2),
    ("三", 3),
    ("两", 2),
    ("十", 10),
    ("十二", 12),
    ("二十", 20),
    ("二十五", 25),
    ("一百", 100),
    ("一百零五", 105),
    ("3 boxes", 3),
    ("三盒", 3),
    ("x3", 3),
    ("3x", 3),
    ("×5", 5),
    ("just 2 please", 2),
    ("我要三个", 3),
    ("2个就好", 2),
    ("0", 0),
    ("-1", -1),
    ("1000000000", 10**9),
    ("", None),
    ("abc", None),
    ("a", None),
    ("2.5", None),
    ("3 or 4", None),
    ("3-4", None),
    ("3 rose masks", None),
    ("一下", None),
    ("🙂", None),
]


def test_the_number_table_is_big_enough() -> None:
    assert len(NUMBERS) >= 20


@pytest.mark.parametrize(("text", "expected"), NUMBERS)
def test_parse_number(text: str, expected: int | None) -> None:
    assert parse_number(text) == expected


# --- FAQ, language, search ------------------------------------------------------------------------

FAQ: list[tuple[str, str | None]] = [
    ("are they genuine?", "Are the products genuine?"),
    ("Is it real", "Are the products genuine?"),
    ("是正品吗", "Are the products genuine?"),
    ("真的吗", "Are the products genuine?"),
    ("how long does shipping take?", "How long does shipping take?"),
    ("多久能到", "How long does shipping take?"),
    ("付款后多久发货", "How long does shipping take?"),
    ("How do I pay?", "How do I pay?"),
    ("怎么付款", "How do I pay?"),
    ("can I return it?", "Can I return something?"),
    ("可以退货吗", "Can I return something?"),
    ("坏果怎么办", "Can I return something?"),
    ("hello", None),
    ("2 rose masks", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "question"), FAQ)
def test_match_faq(text: str, question: str | None, catalog: Catalog) -> None:
    entry = match_faq(text, catalog)
    assert (entry.question.en if entry else None) == question


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("hello", "en"),
        ("ＡＢＣ", "en"),
        ("你好", "zh"),
        ("2 rose masks 玫瑰面膜", "zh"),
        ("123", None),
        ("😀", None),
        ("", None),
    ],
)
def test_detect_language(text: str, language: str | None) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("rose", [ROSE]),
        ("mask", list(MASKS)),
        ("面膜", list(MASKS)),
        ("orange", list(ORANGES)),
        ("茶叶", [LONGJING, PUER, JASMINE]),
        ("snacks", [WALNUTS, JERKY, RICE]),
        ("wallnut", [WALNUTS]),
        ("durian", []),
        ("asdfgh", []),
        ("", []),
    ],
)
def test_rank_products(query: str, expected: list[str], catalog: Catalog) -> None:
    assert rank_products(query, catalog) == expected


def test_rank_products_limit(catalog: Catalog) -> None:
    assert rank_products("tea", catalog, limit=2) == [LONGJING, PUER]
    assert rank_products("tea", catalog, limit=0) == []


# --- robustness, purity, speed --------------------------------------------------------------------


def test_only_the_first_part_of_a_long_message_is_read(catalog: Catalog) -> None:
    """Reading is bounded: a long message is read as its first MAX_CHARS characters (how
    fast that is, bench/nlu_bench.py measures; a test never times anything)."""
    messages = ["rose mask and " * 800, "玫瑰面膜和" * 2000, "2 " * 5000, "再来" * 5000]
    for message in messages:
        assert parse_order(message, catalog) == parse_order(message[:MAX_CHARS], catalog)


def test_pure_and_deterministic(catalog: Catalog) -> None:
    before = catalog.model_dump()
    first = parse_order("两盒面膜和一支护手霜", catalog)
    again = parse_order("两盒面膜和一支护手霜", catalog)
    reloaded = parse_order("两盒面膜和一支护手霜", load_catalog(CATALOG_PATH))
    assert first == again == reloaded
    assert catalog.model_dump() == before


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_and_results_are_well_formed(catalog: Catalog, text: str) -> None:
    assert parse_number(text) is None or isinstance(parse_number(text), int)
    match_faq(text, catalog)
    detect_language(text)
    assert len(rank_products(text, catalog)) <= 5
    intent = parse_order(text, catalog)
    if intent is None:
        return
    assert intent.more_of_last or intent.items
    for item in intent.items:
        assert len(item.candidates) <= MAX_CANDIDATES
        assert len(item.suggestions) <= 3
        assert not (item.candidates and item.suggestions)
        if item.unit is None or len(item.candidates) != 1:
            assert item.unit_matches is None


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="玫瑰面膜橙子斤盒两三十再来加个 0123456789x×*-,，和and?吗", max_size=40))
def test_never_raises_on_order_like_noise(catalog: Catalog, text: str) -> None:
    intent = parse_order(text, catalog)
    if intent is not None:  # whatever it read, it is an order one could act on
        assert intent.more_of_last or intent.items
        skus = {product.sku for product in catalog.products}
        # Quantities are read as written ("0橙", "-1橙"): the cart says "at least 1".
        assert all(set(item.candidates) <= skus for item in intent.items)
    assert parse_number(text) is None or isinstance(parse_number(text), int)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=10**9))
def test_quantities_round_trip(catalog: Catalog, n: int) -> None:
    item = only_item(f"{n} rose masks", catalog)
    assert (item.candidates, item.quantity) == ((ROSE,), n)
    assert parse_number(str(n)) == n
