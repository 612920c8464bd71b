"""One character read as another: Traditional Chinese as Simplified, fruit emoji as words.

A small table rather than OpenCC: a shop's messages use a few hundred characters, the
table costs nothing at start and nothing per message (a dict lookup per character), and
it installs nowhere. Characters it does not know are left as they are. Keep it to
characters whose Simplified form is certain in a shop's context (發 is 发 here, never 髮).
"""

from __future__ import annotations

_PAIRS = (
    "龍龙 兩两 麼么 個个 幾几 錢钱 貨货 買买 賣卖 單单 訂订 購购 車车 們们 東东 這这 還还 "
    "來来 給给 開开 關关 時时 間间 問问 題题 謝谢 應应 該该 過过 寄寄 運运 費费 發发 "
    "遞递 號号 碼码 電电 話话 機机 帳账 賬账 結结 說说 請请 讓让 麵面 麪面 膜膜 霜霜 "
    "護护 膚肤 濕湿 紙纸 嬰婴 兒儿 寶宝 糕糕 綠绿 葉叶 餅饼 鹽盐 乾干 燒烧 雞鸡 鴨鸭 "
    "魚鱼 蝦虾 豬猪 牛牛 腸肠 醬酱 蘋苹 棗枣 橘橘 獼猕 猻狲 瓜瓜 籃篮 盒盒 箱箱 罐罐 "
    "袋袋 瓶瓶 條条 塊块 雙双 對对 斤斤 萬万 億亿 無无 沒没 嗎吗 呢呢 啦啦 麼么 甚什 "
    "樣样 點点 裡里 裏里 後后 鐘钟 見见 親亲 闆板 老老 娘娘 歡欢 愛爱 喜喜 壞坏 爛烂 "
    "破破 舊旧 換换 退退 貨货 款款 價价 優优 惠惠 專专 業业 質质 量量 產产 廠厂 區区 "
    "縣县 園园 鮮鲜 華华 滬沪 廣广 門门 處处 氣气 讀读 寫写 認认 識识 會会 為为 從从 "
    "個个 氣气 實实 體体 驗验 類类 網网 絡络 帶带 師师 庫库 剛刚 經经 現现 將将 顆颗 "
    "盤盘 軟软 鬆松 濃浓 澀涩 麗丽 莉莉 補补 緊紧 緻致 蠶蚕 絲丝 蛋蛋 臍脐 贛赣 獼猕 "
    "紙纸 殼壳 辣辣 麻麻 內内 蒙蒙 風风 饞馋 顧顾 客客 戶户 態态 懂懂 聽听 嗨嗨 喲哟 "
    "滿满 減减 刪删 掉掉 清清 空空 總总 計计 齊齐 變变 够够 夠够 隻只 張张 盞盏 壺壶"
)
TRADITIONAL = {pair[0]: pair[1] for pair in _PAIRS.split() if pair[0] != pair[1]}

# Emoji customers use for products: read as the English word (the catalog's aliases do
# the rest; a shop without oranges simply finds no "orange").
EMOJI = {
    "🍊": " orange ", "🍋": " lemon ", "🥝": " kiwi ", "🍵": " tea ", "🍎": " apple ",
    "🍇": " grape ", "🍓": " strawberry ", "🍑": " peach ", "🥭": " mango ", "🍌": " banana ",
    "🥩": " beef ", "🍪": " cookie ", "🥜": " walnut ",
}  # fmt: skip
