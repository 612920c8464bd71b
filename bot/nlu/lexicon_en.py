"""The English words the reader knows, as plain strings.

Everything here is data: no code reads this file except bot/nlu/lexicon.py, which merges
it with the Chinese one. Phrases are written as a customer types them; the reader
normalises them the same way as messages (lower case, plural "s" dropped, apostrophes
removed), so "I'd like" and "id like" are one phrase.
"""

# The cue patterns are data, one per line however long: wrapping them hides the words.
# ruff: noqa: E501

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

# What a part of a message wants, as regular expressions over the normalised text (lower
# case, full-width folded, apostrophes kept). The reader tries the intents in the order
# of bot/nlu/intents.py's CUE_ORDER; a part takes the first intent whose cue it holds.
CUES: dict[str, tuple[str, ...]] = {
    "opt_out": (
        r"^(?:stop|unsubscribe)(?: (?:pls|please|thx|thanks|now))?[!.~ ]*$", r"\bunsubscribe\b",
        r"\bstop (?:sending|messaging|posting|spamming)", r"\bno more (?:ads|adverts|promotions|promos|spam)\b",
    ),
    "human": (
        r"\b(?:human|real person|live person|someone real|customer service|agent)\b",
        r"\b(?:talk|speak|chat) (?:to|with) (?:someone|somebody|a person|the owner|lily|the boss|you directly)",
    ),
    "complaint": (
        r"\b(?:arrived|came|received|got it|got them|delivered|package|parcel)\b.*\b(?:broken|rotten|damaged|crushed|squashed|squished|bruised|leaking|leaked|smashed|bad|mouldy|moldy|spoiled|wrong|missing|opened|expired)\b",
        r"\b(?:broken|rotten|damaged|crushed|squashed|squished|bruised|leaking|smashed|mouldy|moldy|spoiled|expired)\b.*\b(?:arrived|came|received|delivered|refund)\b",
        r"\b(?:wrong item|wrong product|sent me the wrong|missing from my order|never arrived|not what i ordered|complain|complaint)\b",

        # The product itself is bad, said of it rather than asked ("it tastes stale"; but
        # "is the tea fresh?" is a question about it).
        r"\b(?:tastes?|tasted|smells?|smelled|smelt|was|were|is|are|went|gone|has gone|have gone)\s+(?:\w+\s+)?(?:stale|mouldy|moldy|rotten|spoiled|spoilt|off|sour|disgusting|awful|terrible|horrible|expired)\b",
        r"\b(?:stale|mouldy|moldy|rotten|spoiled|spoilt|disgusting)\b(?!\s*\?)",
    ),
    "paid": (
        r"\b(?:i|we)(?: have| ve|ve)?(?: already| just)? (?:paid|transferred|sent the money|sent payment|made the payment)\b",
        r"^(?:already |just )?paid\b", r"\bpayment (?:done|sent|made|complete)\b",
        r"\bpaid (?:already|just now|for (?:my|the) order|for order)\b",
        r"^(?:i |we )?(?:just |already )?sent (?:you |u |ya )?the (?:money|payment|transfer)\b",
        r"\b(?:money|payment|transfer) (?:is |has been )?(?:sent|done|made)\b",
    ),
    "cancel_order": (
        r"\bcancel (?:my |the |this |that )?(?:order|purchase)\b", r"\bcancel order\b",
        r"\bcancel #?[a-z]*\d{4,}",
    ),
    "my_orders": (
        r"\bwhere(?: is|s| s)? my (?:order|package|parcel|stuff|delivery)\b",
        r"\b(?:my|the) orders?\b.*\b(?:status|shipped|sent|arrive|arriving|coming|track)\b",
        r"\b(?:has|have|did) (?:my|the) (?:order|package|parcel)s? (?:shipped|been shipped|been sent|left|arrived)",
        r"\b(?:tracking|track) (?:number|my|the|order)\b", r"\border status\b", r"^my orders?$",
        r"\b(?:show|see|check|view) (?:my )?orders?\b", r"\bwhen will (?:it|my order|they) (?:arrive|ship|come)\b",
        r"\bshipped yet\b",
        r"\b(?:news|update|updates|progress)\b.*\bmy (?:order|parcel|package|delivery)\b",
    ),
    "reorder": (
        r"\bsame (?:as|like) (?:last time|before|usual|last)\b", r"\bmy usual\b", r"\bthe usual\b",
        r"^(?:the )?same (?:thing |order )?again\b", r"\brepeat (?:my |the )?(?:last )?order\b",
        r"\breorder\b", r"\bsame order\b",
    ),
    "empty_cart": (
        r"\b(?:empty|clear|reset|wipe) (?:out )?(?:my |the )?(?:cart|basket)\b",
        r"\b(?:remove|delete) (?:everything|all)\b", r"\bstart over\b",
        r"\b(?:cart|basket) (?:empty|clear)\b",
    ),
    "show_cart": (
        r"\bwhat(?: is|s| s)? in (?:my |the )?(?:cart|basket)\b",
        r"\b(?:show|see|view|check|open) (?:me )?(?:my |the )?(?:cart|basket)\b",
        r"^(?:my )?(?:cart|basket)\b",
        r"\bwhat (?:did|have) i (?:order|add|put)",
        r"\bwhat(?: is|s| s)? (?:my|the) total\b", r"^(?:my )?total\b", r"\bhow much (?:do i owe|is my total|altogether|all together|in total)\b",
    ),
    "checkout": (
        r"\bcheck ?out\b", r"\bplace (?:the |my |an )?order\b", r"\b(?:ready|want|like) to (?:pay|order)\b",
        r"\bpay now\b", r"\bthat s all\b", r"\bthats all\b", r"\bfinish (?:my )?order\b",
        r"\bconfirm (?:my |the )?order\b",
    ),
    "replace": (
        r"\b(?:replace|swap|switch|exchange|change)\b.*\b(?:with|for|to|into)\b",
        r"\binstead of\b", r"\binstead\b",
    ),
    "set_quantity": (
        r"\bmake (?:it|that|them|those)\b", r"\bchange (?:it |that |the )?.*\bto \d",
        r"\b(?:only|just) (?:want|need) \d", r"\bset\b.*\bto\b", r"\bchange (?:it|that) to\b",
        r"\bupdate\b.*\bto\b",
        # "make the walnuts 2", "walnuts 2 instead": a number for a line, not more of it.
        r"\bmake (?:the |my )?[a-z][a-z' -]* \d+\b", r"\b\d+ instead\b", r"\binstead of \d+\b",
    ),
    "remove": (
        r"\b(?:remove|delete|drop|cancel|take out|take off|get rid of|minus)\b",
        r"\btake\b.*\bout\b", r"\bput\b.*\bback\b", r"\bno more\b", r"\bdon ?t (?:want|need)\b", r"\bdo not (?:want|need)\b", r"\bwithout\b",
        r"\bone less\b", r"\bless\b",
        # "actually no jasmine": "no" before a product; not "no thanks", "no problem".
        r"^(?:(?:actually|oh|wait|hmm|sorry|ok|okay|then|and)\s+)*no\s+(?!(?:thanks?|thank you|problem|worries|need|note|way|idea|rush|hurry|worry|one|it|thx|ty)\b)[a-z]",
    ),
    "returns": (r"\b(?:return|returns|returning|refund|refunds|exchange|send (?:it|them) back)\b",),
    "shipping": (
        r"\b(?:shipping|shipment|postage|delivery|deliver|delivered|courier|ship)\b",
        r"\bhow long\b.*\b(?:take|arrive|get here)\b", r"\bfree post\b", r"\bsf express\b",
    ),
    "payment": (
        r"\bhow (?:do|can|should) (?:i|we) pay\b", r"\bpay(?:ment)? (?:method|option)s?\b",
        r"\b(?:alipay|wechat pay|paypal|credit card|bank transfer)\b", r"\bpay by\b",
        r"\bpay with\b", r"\bhow to pay\b", r"\bpayment\b",
    ),
    "price": (
        r"\bh[ow]?w? much\b", r"\bhw much\b", r"\bprice", r"\bcost", r"\bhow expensive\b",
        r"\bcheap", r"\bdiscount\b", r"\bpricey\b",
    ),
    "stock": (
        r"\bin stock\b", r"\bout of stock\b", r"\bsold out\b", r"\bavailable\b",
        r"\bdo (?:you|u) (?:have|sell|carry|stock)\b", r"\b(?:have you|you) got\b",
        r"\b(?:any|still) (?:left|available)\b", r"^any\b.*\bleft\b", r"\bhave any\b", r"\bgot any\b",
        r"\bback in stock\b", r"\bhow many (?:are|do you have) left\b", r"\bin store\b",

        # Asking what there is ("any snacks?", "what do you recommend?"): the shop's list.
        r"^any\s+\w+(?:\s+\w+)?\s*\??$", r"\brecommend", r"\bsuggest", r"\bwhat (?:kinds?|sorts?|types?) of\b",
        r"\bwhat(?: is|s| s| are)? (?:good|popular|new|nice|fresh|in season|the best|your best)\b",
        r"\bwhat (?:do|can) (?:you|u) (?:sell|have|offer)\b", r"\bbest ?sell",
    ),
    "product_info": (
        r"\btell me (?:more )?about\b", r"\bwhat(?: is|s| s| are)\b", r"\bingredient",
        r"\bwhere (?:is|are|do|does)\b.*\bfrom\b", r"\borigin\b", r"\bshelf life\b",
        r"\bwhich (?:one )?(?:is )?(?:better|best)\b", r"\bdifference between\b", r"\bcompare\b",
        r"\bexpir", r"\btaste", r"\bspicy\b", r"\bsweet\b", r"\bgenuine\b", r"\bauthentic\b",
        r"\bfake\b", r"\breal\b", r"\binfo\b", r"\bdetails?\b", r"\bdescription\b", r"\bsize\b",
        r"\bweigh", r"\bhow big\b", r"\bgood for\b", r"\bsuitable\b", r"\bfresh\b",
        r"\bhow long (?:does|do|will) (?:it|they) (?:keep|last)\b", r"\bmade (?:in|of|from)\b",
        r"\bany good\b", r"\bis (?:it|the|this)\b.*\?$",
    ),
    "thanks": (r"\b(?:thanks|thank you|thank u|thx|ty|tysm|cheers|appreciate it)\b",),
    "greeting": (
        r"^(?:hi|hello|hey|hiya|yo|good (?:morning|afternoon|evening)|morning|hi there|hello there|howdy)\b",
    ),
    "small_talk": (
        r"^(?:ok|okay|k|kk|cool|nice|great|good|fine|sure|alright|got it|i see|lol|haha|bye|goodbye|see you|good night|awesome|perfect|yes|yeah|no|nope|hmm|um)\b",
        r"\bhow are you\b", r"\bare you (?:a )?(?:bot|robot|human|real)\b", r"\bwho are you\b",
        r"\b(?:is )?(?:any ?one|any ?body|someone|somebody) (?:there|here|around|online)\b",
    ),
}  # fmt: skip

# "this one", "that one", "it": the product last shown.
THIS_ONE = r"\b(?:this one|that one|this|that|it|these|those|them|the same one)\b"
