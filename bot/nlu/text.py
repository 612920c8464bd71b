"""Messages made ready for matching: normalised, cut into tokens, able to quote themselves.

Normalisation works one character at a time and remembers where each came from, so the
product words can be quoted back exactly as written: Traditional characters become
Simplified (繁體 -> 简体, from a small table of the characters shops see), NFKC (full-width
letters and digits, circled ①, superscript ² become ASCII), lower case, accents dropped,
control characters become spaces. Tokens are Latin words (apostrophes and hyphens inside a
word dropped, a plural "s"/"es" removed, so "Masks", "Pu'er", "boxes" match "mask", "puer",
"box"), numbers ("-1", "1,000", "2.5"), one token per Chinese character (Chinese has no
spaces, so a name is a run of characters anywhere), separators and multiplication signs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.nlu.characters import EMOJI, TRADITIONAL

MAX_CHARS = 500  # characters of a message that are read; the rest is ignored

# --- normalisation and tokens -------------------------------------------------------------

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
HAN_RE = re.compile(f"[{HAN}]")
LATIN_RE = re.compile(r"[a-zA-Z\u00c0-\u024f]")
LETTER = rf"(?:(?![{HAN}])[^\W\d_])"
TOKEN_RE = re.compile(
    rf"(?P<cjk>[{HAN}])"
    r"|(?P<num>-?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?))"
    rf"|(?P<word>{LETTER}+(?:['\-]{LETTER}+)*)"
    r"|(?P<sep>[,;.!?\n、。+&])"
    r"|(?P<mult>[×*])"
)
CHAR_MAP = {
    "\n": "\n",
    "\r": "\n",
    "\u2212": "-",  # minus sign
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u00b4": "'",
}


BRACKET_PAIRS = (("(", ")"), ("（", "）"), ("[", "]"), ("【", "】"))


@dataclass(frozen=True, slots=True)
class Tok:
    key: str  # what matching compares: singular lower-case word, one Han char, digits, symbol
    kind: str  # "cjk" | "num" | "word" | "sep" | "mult"
    start: int  # offsets in the normalised text
    end: int


@dataclass(frozen=True, slots=True)
class Text:
    """A message ready for matching, able to quote its own words as written."""

    original: str
    norm: str
    origin: tuple[int, ...]  # for each normalised character, its index in ``original``
    toks: tuple[Tok, ...]

    def quote(self, first: int, last: int) -> str:
        """The original text of tokens ``first`` up to (not including) ``last``.

        A bracket opened inside is closed when the next character closes it, so a pasted
        "Rose hydrating mask (box of 10)" comes back whole.
        """
        begin = self.origin[self.toks[first].start]
        end = self.origin[self.toks[last - 1].end - 1] + 1
        quoted = self.original[begin:end]
        for opening, closing in BRACKET_PAIRS:
            if (
                quoted.count(opening) > quoted.count(closing)
                and self.original[end : end + 1] == closing
            ):
                quoted += closing
                break
        return quoted.strip()


# A message's characters repeat (and so do whole texts: the reader normalises a message,
# then its parts, then folds it again), so both are remembered; pure functions of the
# text, bounded so memory stays flat however many people write.
@lru_cache(maxsize=8192)
def normalize_char(char: str) -> str:
    mapped = CHAR_MAP.get(char) or EMOJI.get(char) or TRADITIONAL.get(char)
    if mapped is not None:
        return mapped
    out: list[str] = []
    for c in unicodedata.normalize("NFKC", char).casefold():
        category = unicodedata.category(c)
        if category == "Mn":  # combining accents: "crème" and "creme" are one word
            continue
        out.append(" " if category[0] == "C" else CHAR_MAP.get(c, c))
    return "".join(out)


def normalize(text: str) -> tuple[str, tuple[int, ...]]:
    """The text normalised, and for each of its characters the index it came from."""
    return _normalize(text[:MAX_CHARS])


@lru_cache(maxsize=2048)
def _normalize(text: str) -> tuple[str, tuple[int, ...]]:
    chars: list[str] = []
    origin: list[int] = []
    for position, char in enumerate(text):
        for mapped in normalize_char(char):
            chars.append(mapped)
            origin.append(position)
    return "".join(chars), tuple(origin)


def singular(word: str) -> str:
    """A crude English singular, applied alike to catalog terms and messages."""
    if len(word) <= 3 or not word.endswith("s") or word.endswith("ss"):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "zes", "oes")):
        return word[:-2]
    return word[:-1]


def word_key(raw: str) -> str:
    word = raw.replace("'", "").replace("-", "")
    if not word.isascii():
        decomposed = unicodedata.normalize("NFKD", word)
        word = "".join(c for c in decomposed if not unicodedata.combining(c))
    return singular(word)


def tokenize(norm: str) -> tuple[Tok, ...]:
    toks: list[Tok] = []
    for match in TOKEN_RE.finditer(norm):
        kind = match.lastgroup or ""
        start, end = match.span()
        raw = match.group()
        if kind == "num":
            if (
                raw.startswith("-")
                and start > 0
                and (norm[start - 1].isalnum() or norm[start - 1] == "-")
            ):
                start, raw = start + 1, raw[1:]  # "3-4", "x-1": a dash, not a minus sign
            key = raw.replace(",", "")
        elif kind == "word":
            key = word_key(raw)
        else:
            key = raw
        toks.append(Tok(key, kind, start, end))
    return tuple(toks)


def prepare(text: object) -> Text | None:
    if not isinstance(text, str):
        return None
    norm, origin = normalize(text)
    return Text(text[:MAX_CHARS], norm, origin, tokenize(norm))


def keys_of(phrase: str) -> tuple[str, ...]:
    """The match keys of a phrase, separators dropped (for tables and catalog terms)."""
    return tuple(t.key for t in tokenize(normalize(phrase)[0]) if t.kind not in ("sep", "mult"))


def join_keys(toks: Sequence[Tok]) -> str:
    """Keys as one string: words spaced, Chinese characters run together."""
    parts: list[str] = []
    previous_cjk = False
    for tok in toks:
        is_cjk = tok.kind == "cjk"
        if parts and not (previous_cjk and is_cjk):
            parts.append(" ")
        parts.append(tok.key)
        previous_cjk = is_cjk
    return "".join(parts)
