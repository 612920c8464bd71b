"""The English words the reader knows, as plain strings.

Everything here is data: no code reads this file except bot/nlu/lexicon.py, which merges
it with the Chinese one. Phrases are written as a customer types them; the reader
normalises them the same way as messages (lower case, plural "s" dropped, apostrophes
removed), so "I'd like" and "id like" are one phrase.
"""

from __future__ import annotations

ONES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
COUNTS = {"couple": 2, "pair": 2, "dozen": 12}

# Unit words (match keys, so singular) -> the unit reported.
UNITS = {
    "box": "box", "jin": "jin", "catty": "jin", "bag": "bag", "pack": "pack",
    "packet": "pack", "tin": "tin", "can": "can", "jar": "jar", "tube": "tube",
    "cake": "cake", "piece": "piece", "pc": "piece", "pcs": "piece", "item": "piece",
    "bottle": "bottle", "carton": "carton", "case": "case", "kg": "kg", "kgs": "kg",
    "kilo": "kg", "kilogram": "kg", "g": "g", "gram": "g", "sheet": "sheet",
}  # fmt: skip
# Unit words that mean a unit even without a number before them ("boxes of oranges").
BARE_UNITS = frozenset(
    {"box", "jin", "catty", "bag", "pack", "packet", "tin", "jar", "tube", "bottle", "carton"}
)
GENERIC_UNITS = frozenset({"piece"})
UNIT_KIND = {
    "box": "box", "carton": "box", "case": "box", "jin": "jin", "bag": "bag", "pack": "bag",
    "tin": "tin", "can": "tin", "jar": "tin", "tube": "tube", "cake": "cake",
    "bottle": "bottle", "kg": "kg", "g": "g", "sheet": "sheet",
}  # fmt: skip

STRONG_VERBS = (
    "i want", "i wanna", "i would like", "i'd like", "i'd love", "i will take", "i'll take",
    "i will have", "i'll have", "i take", "i need", "i'll buy", "i will buy", "can i get",
    "can i have", "can i order", "can i buy", "could i get", "could i have", "could i order",
    "may i have", "may i get", "give me", "send me", "get me", "let me get", "let me have",
    "let me order", "please add", "add to cart", "put me down for",
)  # fmt: skip
WEAK_VERBS = ("want", "wanna", "order", "buy", "purchase", "need", "take", "get", "add", "grab")
SEPARATORS = ("and", "plus", "also", "then", "and then", "as well as", "along with")
FILLERS = (
    "please", "pls", "plz", "thanks", "thank you", "thank u", "thx", "ty", "hi", "hello",
    "hey", "ok", "okay", "yes", "yeah", "sure", "just", "some", "for", "me", "my", "us", "to",
    "i", "we", "you", "u", "can", "could", "may", "would", "will", "like", "have", "it",
    "them", "those", "these", "that", "this", "more", "another", "again", "too", "in", "into",
    "cart", "basket", "as well", "with", "dear", "now", "today", "first", "total", "in total",
    "altogether", "each", "all", "only", "the", "kind", "type", "lol", "haha", "oh",
    "um", "hmm", "take care", "see you", "bye", "goodbye", "good", "good morning",
    "good night", "good evening", "good afternoon", "morning", "there", "hi there",
    "hello there", "actually", "also please",
)  # fmt: skip
STOP = frozenset({"a", "an", "x", "-", "of", "the"})
JOINERS = frozenset({"of", "the", "-"})
# Everyday words inside product names that never name a product on their own.
NO_PARTIAL = frozenset(
    {"well", "west", "lake", "aged", "gentle", "green", "loose", "paper", "shell", "fresh",
     "care", "skin", "face"}
)  # fmt: skip
# Words that make a message about the service rather than an unknown product.
SERVICE_WORDS = frozenset(
    {
        "pay", "payment", "paid", "refund", "return", "cancel", "ship", "shipping", "deliver",
        "delivery", "address", "track", "tracking", "invoice", "receipt", "discount", "coupon",
        "price", "cost", "know", "ask", "question", "talk", "speak", "help", "change", "check",
        "see", "look", "status", "menu", "catalog", "catalogue", "list", "photo", "picture",
        "pic", "stock", "sale", "promotion", "promo", "contact", "wechat", "telegram",
        "account", "login", "money", "cash", "time", "tomorrow", "fast", "quick", "quickly",
        "asap", "soon", "later",
    }
)  # fmt: skip
WH_WORDS = frozenset({"how", "what", "whats", "when", "where", "why", "which", "who", "whose"})
WH_PHRASES = ("price", "cost")
YES_NO_FIRST = frozenset(
    {"is", "are", "doe", "do", "did", "can", "could", "will", "would", "have", "has",
     "was", "were", "may", "should", "any", "got"}
)  # fmt: skip
YES_NO_SECOND = frozenset(
    {"you", "u", "it", "they", "thi", "these", "those", "there", "the", "we", "your", "ur",
     "i", "anything", "any", "its"}
)  # fmt: skip
YES_NO_PHRASES = ("ask", "question", "wondering")
# Talking about a product rather than ordering it ("I love the rose masks").
CHATTER = (
    "love", "loves", "loved", "like", "likes", "liked", "hate", "have", "has", "is", "are",
    "was", "were", "am", "im", "use", "used", "using", "tried", "bought", "got", "had",
    "think", "thought", "feel", "smell", "smells", "great", "nice", "amazing", "awesome", "bad",
    "lovely", "beautiful", "delicious", "yummy", "tasty", "favorite", "favourite",
    "recommend", "review", "arrived", "received", "price", "cost", "pay", "payment",
    "refund", "return", "cancel", "ship", "shipping", "delivery", "deliver", "stock",
    "discount", "coupon", "photo", "picture", "pic",
)  # fmt: skip
AVAILABILITY = (
    "do you have", "have you got", "you got", "in stock", "available", "any left",
    "do you sell", "you sell", "got any", "have any", "out of stock", "sold out",
)  # fmt: skip
