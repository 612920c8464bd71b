"""Whether a message asks rather than orders.

A wh-question ("how much", "多少钱", "多久") unless an order verb comes before it ("I want 2
rose masks, how much?"); a yes/no question ("?", "吗", "do you") unless it has an order verb
or an explicit quantity, and never for "do you have...", "有没有"; talk about products ("I
love the rose masks", "玫瑰面膜很好用") with no order verb, quantity or unit.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.nlu.analysis import Analysis
from bot.nlu.catalog_index import Index
from bot.nlu.lexicon import (
    AVAILABILITY,
    CHATTER,
    QUESTION_ENDINGS,
    WH_PHRASES,
    WH_WORDS,
    YES_NO_FIRST,
    YES_NO_PHRASES,
    YES_NO_SECOND,
)
from bot.nlu.text import Text, Tok

# --- questions ------------------------------------------------------------------------------------


def find_phrase(keys: Sequence[str], phrase: Sequence[str]) -> int | None:
    size = len(phrase)
    target = tuple(phrase)
    for i in range(len(keys) - size + 1):
        if keys[i] == target[0] and tuple(keys[i : i + size]) == target:
            return i
    return None


def first_question_word(keys: Sequence[str], labels: Sequence[str]) -> int | None:
    """Where the first wh-question word is ("how", "what", "多少", "几"...), if any."""
    free = [k if label != "span" else "" for k, label in zip(keys, labels, strict=True)]
    # "how about 3 rose masks", "what about the silk ones": a proposal, not a question.
    proposals = {
        i for i, k in enumerate(free[:-1]) if k in ("how", "what") and free[i + 1] == "about"
    }
    positions = [i for i, k in enumerate(free) if k in WH_WORDS and i not in proposals]
    positions += [p for p in (find_phrase(free, phrase) for phrase in WH_PHRASES) if p is not None]
    return min(positions, default=None)


def is_yes_no(toks: Sequence[Tok], keys: Sequence[str]) -> bool:
    """A question answered by yes or no: "?", "do you...", "...吗", "是不是"."""
    if "?" in keys:
        return True
    words = [t for t in toks if t.kind != "sep"]
    if (
        len(words) >= 2
        and words[0].key in YES_NO_FIRST
        and words[1].key in YES_NO_SECOND
        and words[0].kind == words[1].kind == "word"
    ):
        return True
    if words and words[-1].key in QUESTION_ENDINGS:
        return True
    return any(find_phrase(keys, phrase) is not None for phrase in YES_NO_PHRASES)


def is_question(text: Text, analysis: Analysis) -> bool:
    """Whether the message asks something rather than orders (see the module docstring)."""
    keys = [t.key for t in text.toks]
    labels = analysis.labels
    first_strong = next((i for i, label in enumerate(labels) if label == "strong"), None)
    first_wh = first_question_word(keys, labels)
    if first_wh is not None and (first_strong is None or first_strong > first_wh):
        return True
    if first_strong is not None or not is_yes_no(text.toks, keys):
        return False
    if any(find_phrase(keys, phrase) is not None for phrase in AVAILABILITY):
        return True
    return not any(q.explicit for q in analysis.quantities)


def is_chatter(text: Text, analysis: Analysis, index: Index) -> bool:
    """Whether the message talks about products rather than ordering them.

    That is: no order word, quantity or unit, but words like "love", "is", "arrived", "好用"
    or an FAQ keyword ("my rose masks arrived", "fake rose mask").
    """
    labels = analysis.labels
    if "strong" in labels or "weak" in labels:
        return False
    if any(q.explicit or q.unit for q in analysis.quantities):
        return False
    keys = [t.key if label != "span" else "" for t, label in zip(text.toks, labels, strict=True)]
    faq_keywords = (k for faq in index.faq for k in faq.keywords)
    return any(find_phrase(keys, phrase) is not None for phrase in (*CHATTER, *faq_keywords))
