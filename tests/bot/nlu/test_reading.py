"""read() as a pure function: intents, entities, context, and the explain view."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz import fuzz

from bot.catalog import Catalog, load_catalog
from bot.nlu import text as nlu_text
from bot.nlu.catalog_index import build_index
from bot.nlu.intents import Intent
from bot.nlu.items import fuzzy_scores
from bot.nlu.language import written_language
from bot.nlu.reading import ReadingContext, explain, read

CATALOG = load_catalog(Path(__file__).parents[3] / "catalog.yaml")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return CATALOG


def test_a_greeting_and_an_order_and_a_question(catalog: Catalog) -> None:
    reading = read("你好，我要两盒玫瑰面膜，包邮吗", catalog)
    assert reading.intents == (Intent.ADD, Intent.SHIPPING, Intent.GREETING)
    assert [(i.candidates, i.quantity) for i in reading.items] == [(("ROSE-MASK",), 2)]
    assert reading.changes_cart


@pytest.mark.parametrize(
    "text", ["hw much r the walnuts", "牛肉干辣不辣", "tell me about the kiwis", "收到的面膜破了"]
)
def test_questions_and_complaints_never_change_a_cart(catalog: Catalog, text: str) -> None:
    assert not read(text, catalog).changes_cart


def test_this_one_is_the_product_last_shown(catalog: Catalog) -> None:
    reading = read("这个来两个", catalog, ReadingContext(last_sku="WALNUTS"))
    assert reading.this_one and reading.items[0].candidates == ("WALNUTS",)
    assert not read("这个来两个", catalog).changes_cart  # nothing shown: ask, change nothing


def test_an_edit_without_a_name_means_the_only_line(catalog: Catalog) -> None:
    reading = read("减一盒", catalog, ReadingContext(cart=("ROSE-MASK",)))
    assert reading.main is Intent.REMOVE
    assert [(i.candidates, i.quantity) for i in reading.items] == [(("ROSE-MASK",), 1)]


def test_order_numbers_and_unknown_products(catalog: Catalog) -> None:
    assert read("where is order 7KX29B?", catalog).order_number == "7KX29B"
    assert read("do you have durian?", catalog).unknown == "durian"


@pytest.mark.parametrize(
    ("text", "language"),
    [("hi", "en"), ("ok", "en"), ("thx", "en"), ("你好", "zh"), ("2", None), ("+86 138", None)],
)
def test_the_language_a_message_is_written_in(text: str, language: str | None) -> None:
    assert written_language(text) == language


def test_explain_shows_the_parts_and_items(catalog: Catalog) -> None:
    shown = explain(read("老板，半斤橙子", catalog))
    assert "'老板' -> greeting" in shown
    assert "1 斤 × NAVEL-ORANGE-JIN" in shown and "rounded up" in shown


@given(st.text(max_size=80))
def test_never_raises_and_always_has_an_intent(text: str) -> None:
    reading = read(text, CATALOG, ReadingContext(last_sku="ROSE-MASK", cart=("ROSE-MASK",)))
    assert reading.intents


def test_a_message_is_normalised_once_however_often_the_reader_looks(catalog: Catalog) -> None:
    # The reader normalises a message, its parts and their folded forms several times; each
    # distinct text is normalised once, so reading it again costs no normalising at all.
    message = "2 rose masks and 1 hand cream, 送到建国路88号 please"
    first = read(message, catalog)
    normalised = nlu_text._normalize.cache_info().misses

    again = read(message, catalog)

    assert again == first
    assert nlu_text._normalize.cache_info().misses == normalised


@given(st.text(alphabet="abcdehiklmnorstw 玫瑰面膜护手霜", max_size=30))
def test_batch_fuzzy_scores_are_each_terms_best_ratio(query: str) -> None:
    # The batch scoring must give what scoring term by term gives: the squeezed ratio, or
    # the word-order-free ratio when the query or the term has several words.
    index = build_index(CATALOG)
    squeezed = query.strip().replace(" ", "")
    expected: dict[str, float] = {}
    if len(squeezed) >= (3 if squeezed.isascii() else 2):
        for term in index.fuzzy_terms:
            score = fuzz.ratio(squeezed, term.squeezed)
            if " " in query.strip() or " " in term.text:
                score = max(score, fuzz.token_sort_ratio(query.strip(), term.text))
            if score > expected.get(term.sku, 0.0):
                expected[term.sku] = score
    assert fuzzy_scores(query, index) == expected
