"""The Chinese words the reader knows, as plain strings (简体; 繁體 is folded to 简体 first).

Everything here is data: no code reads this file except bot/nlu/lexicon.py, which merges
it with the English one. Chinese has no spaces, so a phrase matches wherever its
characters stand in a row; keep phrases specific enough not to hide inside product names
(the catalog's names are matched before any of these words).
"""

from __future__ import annotations

DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5,
    "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
POWERS = {"十": 10, "百": 100, "千": 1000, "万": 10_000}
# Counters that say how much of a thing: 两盒, 三斤, 一打 (a dozen).
UNITS = frozenset("个盒箱斤包袋罐支饼片份件瓶只条块提套听桶串双对克") | {"公斤", "千克"}
GENERIC_UNITS = frozenset({"个", "份", "件", "只"})
UNIT_KIND = {
    "盒": "box", "箱": "box", "斤": "jin", "袋": "bag", "包": "bag", "罐": "tin", "听": "tin",
    "支": "tube", "饼": "cake", "瓶": "bottle", "公斤": "kg", "千克": "kg", "克": "g",
    "片": "sheet",
}  # fmt: skip

STRONG_VERBS = (
    "我要", "我想要", "我想买", "我买", "我来", "给我", "给我来", "帮我拿", "帮我来", "帮我买",
    "帮我", "下单", "我订", "我拍", "我下单", "请给我", "麻烦给我", "我需要", "宝宝要",
    "给我留", "帮我留",
)  # fmt: skip
WEAK_VERBS = ("要", "买", "来", "拿", "订", "拍", "给", "想要", "来点")
SEPARATORS = (
    "和", "跟", "与", "及", "以及", "还有", "另外", "外加", "加上", "然后", "同时", "再加上",
)  # fmt: skip
FILLERS = (
    "再见", "拜拜", "晚安", "早", "早上好", "收到", "请", "麻烦", "谢谢", "谢啦", "谢了", "哈",
    "哈哈", "吧", "呀", "啊", "哦", "嘛", "了", "的", "一下", "先", "再", "还", "就", "也", "我",
    "你", "您", "帮", "加", "想", "亲", "亲亲", "嗯", "好的", "好吧", "那", "那就", "一共", "总共",
    "各", "都", "一些", "些", "点", "一点", "这个", "那个", "这", "就好", "就行", "可以", "呗",
    "啦", "哟", "喔", "多", "吗", "呢", "么", "一样", "一样的", "同样的", "买了", "买过", "来了",
    "到了", "用了", "用过", "我买了", "我买过", "你好", "您好", "老板", "老板娘", "在吗", "在不在",
    "宝宝", "宝", "美女", "姐", "姐姐", "小姐姐", "哥", "掌柜", "店家", "嗨", "哈喽", "哎",
)  # fmt: skip
PACKING = frozenset("装称按")  # "10片装", "按斤称": how a name says the packing
JOINERS = frozenset({"的"})
SERVICE_PHRASES = (
    "付款", "支付", "退货", "退款", "取消", "发货", "快递", "地址", "发票", "优惠", "问",
    "看", "菜单", "目录", "价格", "帮助", "客服", "改", "换", "查", "照片", "图片", "库存",
    "活动", "联系", "微信", "钱", "时间", "今天", "明天", "快点", "尽快",
)  # fmt: skip
WH_PHRASES = (
    "多少", "多久", "几", "怎么", "怎样", "什么", "啥", "哪", "为什么", "为啥", "价格", "价钱",
    "运费",
)  # fmt: skip
YES_NO_PHRASES = (
    "是不是", "有没有", "能不能", "可不可以", "是否", "会不会", "请问", "问一下", "想问",
)  # fmt: skip
CHATTER = (
    "喜欢", "爱", "用过", "用了", "试过", "觉得", "好用", "不错", "推荐", "好吃", "真好",
    "太好", "很好", "超好", "收到了", "到了", "味道", "效果", "质量", "价格", "运费",
    "包邮", "付款", "退货", "退款", "库存", "图片", "照片", "买了", "买过", "来了",
)  # fmt: skip
AVAILABILITY = ("有没有", "有货", "还有", "有吗", "卖不卖", "有卖", "没货", "卖完")
QUESTION_ENDINGS = frozenset("吗呢么嘛")
