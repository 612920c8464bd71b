"""Every user-facing string, in English and Simplified Chinese.

``t(key, language, **values)`` formats one. A test checks that every key has both
languages with the same placeholders, and that every key the code uses exists.
"""

from __future__ import annotations

from typing import Any

LANGUAGES = ("en", "zh")

MESSAGES: dict[str, dict[str, str]] = {
    # --- greeting and help ---
    "start.greeting": {
        "en": "Hi {name}! Welcome to {shop}.\n"
        'Order by chatting: write what you\'d like, e.g. "2 rose masks" or '
        '"a box of oranges", or browse with the buttons below. '
        "You can also see your orders or ask us anything.",
        "zh": "{name}你好！欢迎来到{shop}。\n"
        "直接打字下单就行，比如“要两盒玫瑰面膜”“来一箱橙子”，也可以点下面的按钮逛逛。"
        "还能查看我的订单，或者问我们任何问题。",
    },
    "help.customer": {
        "en": "How to order:\n"
        '• write what you\'d like: "2 rose masks", "rose mask x3", "one more"\n'
        "• /browse — look through the shop\n"
        "• /cart — your cart; /checkout — place the order\n"
        "• /orders — your orders and their status\n"
        "• /ask — send a question to the shop\n"
        "• /lang en or /lang zh — change language\n"
        "• /cancel — stop what you're doing",
        "zh": "怎么下单：\n"
        "• 直接说想要什么：“两盒玫瑰面膜”“玫瑰面膜x3”“再加一个”\n"
        "• /browse —— 逛逛店里的商品\n"
        "• /cart —— 购物车；/checkout —— 结算下单\n"
        "• /orders —— 我的订单和状态\n"
        "• /ask —— 给店主留言提问\n"
        "• /lang en 或 /lang zh —— 切换语言\n"
        "• /cancel —— 取消当前操作",
    },
    "help.owner": {
        "en": "For the owner:\n• /open — open orders with buttons to mark them\n"
        "• /tickets — open questions from customers, oldest first\n"
        "• /reply <ticket> <answer> — answer a customer (or reply to the ticket message)\n"
        "• /close <ticket> <reason> — close a ticket without answering\n"
        "• /groups — the groups the shop is in\n"
        "• /promo — promotions: preview, pause, resume\n"
        "• /reload — read catalog.yaml again",
        "zh": "店主专用：\n• /open —— 未完成订单，可点按钮改状态\n"
        "• /tickets —— 顾客的未结问题，最早的在前\n"
        "• /reply 工单号 回复 —— 回复顾客（或直接回复工单消息）\n"
        "• /close 工单号 原因 —— 不回复直接关闭工单\n"
        "• /groups —— 店铺所在的群\n"
        "• /promo —— 推广：预览、暂停、恢复\n"
        "• /reload —— 重新读取 catalog.yaml",
    },
    # --- the command menu a platform shows beside the text box (Telegram's setMyCommands) ---
    "menu.start": {"en": "Start: the shop and what I can do", "zh": "开始：店铺首页"},
    "menu.browse": {"en": "Browse the shop", "zh": "逛逛店里的商品"},
    "menu.cart": {"en": "Your cart", "zh": "购物车"},
    "menu.checkout": {"en": "Place your order", "zh": "结算下单"},
    "menu.orders": {"en": "Your orders and their status", "zh": "我的订单和状态"},
    "menu.ask": {"en": "Ask the shop a question", "zh": "给店主留言提问"},
    "menu.lang": {"en": "Language: /lang en or /lang zh", "zh": "切换语言：/lang en 或 /lang zh"},
    "menu.cancel": {"en": "Stop what you're doing", "zh": "取消当前操作"},
    "menu.help": {"en": "How to order", "zh": "怎么下单"},
    "lang.usage": {
        "en": "Write /lang en for English or /lang zh for Chinese.",
        "zh": "发送 /lang zh 切换中文，/lang en 切换英文。",
    },
    "lang.set": {"en": "OK, I'll speak English.", "zh": "好的，之后用中文和你聊。"},
    "cancel.nothing": {
        "en": "There's nothing in progress to cancel.",
        "zh": "现在没有进行中的操作。",
    },
    "command.unknown": {
        "en": "I don't know the command /{command}. Tap Help to see what I can do.",
        "zh": "我不认识 /{command} 这个命令。点“帮助”看看我能做什么。",
    },
    "text.empty": {
        "en": 'I didn\'t get any text. Try "2 rose masks", or browse the shop.',
        "zh": "没收到文字哦。试试说“两盒玫瑰面膜”，或者逛逛店里。",
    },
    "text.not_understood": {
        "en": "Sorry, I didn't understand that. To order, write what you'd like, "
        'e.g. "2 rose masks"; to ask the shop something, tap Ask a question.',
        "zh": "不好意思，没看懂。下单请直接说想要什么，比如“两盒玫瑰面膜”；有问题可以点“问问题”。",
    },
    "error.internal": {
        "en": "Sorry, something went wrong on our side. Nothing you did was lost; "
        "please try again in a moment.",
        "zh": "抱歉，我们这边出了点问题。你的内容没有丢失，请稍后再试。",
    },
    "button.expired": {
        "en": "This button has expired: the item or step it belonged to is gone. "
        "Here's the shop as it is now.",
        "zh": "这个按钮已失效：对应的商品或步骤已经不存在了。看看店里现在有什么吧。",
    },
    "choices.hint": {"en": "Reply with a number to choose.", "zh": "回复数字即可选择。"},
    "choices.hint_group": {
        "en": "Mention me with a number to choose (e.g. @me 1).",
        "zh": "@我并附上数字即可选择（例如 @我 1）。",
    },
    # --- buttons ---
    "btn.browse": {"en": "🛍 Browse", "zh": "🛍 逛逛"},
    "btn.cart": {"en": "🛒 Cart", "zh": "🛒 购物车"},
    "btn.my_orders": {"en": "📦 My orders", "zh": "📦 我的订单"},
    "btn.ask": {"en": "❓ Ask a question", "zh": "❓ 问问题"},
    "btn.help": {"en": "Help", "zh": "帮助"},
    "btn.prev": {"en": "◀ Previous", "zh": "◀ 上一页"},
    "btn.next": {"en": "Next ▶", "zh": "下一页 ▶"},
    "btn.categories": {"en": "Categories", "zh": "分类"},
    "btn.back": {"en": "◀ Back", "zh": "◀ 返回"},
    "btn.add_n": {"en": "Add {n}", "zh": "加{n}件"},
    "btn.checkout": {"en": "✅ Check out", "zh": "✅ 去结算"},
    "btn.keep_shopping": {"en": "Keep shopping", "zh": "继续逛"},
    "btn.clear_cart": {"en": "Empty cart", "zh": "清空购物车"},
    "btn.use_saved": {"en": "Use these details", "zh": "用这个地址"},
    "btn.new_details": {"en": "Enter new details", "zh": "填写新信息"},
    "btn.cancel_checkout": {"en": "Cancel checkout", "zh": "取消结算"},
    "btn.skip_note": {"en": "No note", "zh": "不用备注"},
    "btn.confirm_order": {"en": "✅ Confirm order", "zh": "✅ 确认下单"},
    "btn.cancel_order": {"en": "Cancel order {number}", "zh": "取消订单 {number}"},
    "btn.cancel_question": {"en": "Never mind", "zh": "算了"},
    "btn.open_private": {"en": "💬 Continue in private chat", "zh": "💬 私聊继续"},
    "btn.mark_paid": {"en": "💰 Paid", "zh": "💰 已付款"},
    "btn.mark_shipped": {"en": "🚚 Shipped", "zh": "🚚 已发货"},
    "btn.mark_cancelled": {"en": "✖ Cancel", "zh": "✖ 取消订单"},
    # --- browsing ---
    "browse.categories": {"en": "What would you like to look at?", "zh": "想看看哪一类？"},
    "browse.category": {
        "en": "{category} (page {page} of {pages})",
        "zh": "{category}（第{page}/{pages}页）",
    },
    "product.price": {"en": "{price} per {unit}", "zh": "{price} / {unit}"},
    "product.origin": {"en": "Origin: {origin}", "zh": "产地：{origin}"},
    "stock.in_stock": {"en": "In stock", "zh": "有货"},
    "stock.low": {"en": "Only {count} left", "zh": "仅剩{count}件"},
    "stock.sold_out": {"en": "Sold out", "zh": "已售罄"},
    # --- cart ---
    "cart.added": {
        "en": "Added {qty} × {name} to your cart.",
        "zh": "已加入购物车：{name} × {qty}",
    },
    "cart.summary_line": {
        "en": "Your cart: {count} item(s), {total}.",
        "zh": "购物车共{count}件，合计{total}。",
    },
    "cart.title": {"en": "Your cart:", "zh": "你的购物车："},
    "cart.line": {
        "en": "{qty} × {name} @ {price} = {total}",
        "zh": "{name} × {qty}，单价{price}，小计{total}",
    },
    "cart.total": {"en": "Total: {total}", "zh": "合计：{total}"},
    "cart.empty": {
        "en": 'Your cart is empty. Write what you\'d like ("2 rose masks") or browse.',
        "zh": "购物车是空的。直接说想要什么（“两盒玫瑰面膜”），或者逛逛。",
    },
    "cart.cleared": {"en": "Your cart is now empty.", "zh": "购物车已清空。"},
    "cart.qty_too_small": {
        "en": "The quantity must be at least 1.",
        "zh": "数量至少要1件哦。",
    },
    "cart.qty_too_large": {
        "en": "At most {limit} of one item per order; for more, please ask the shop.",
        "zh": "每单同一商品最多{limit}件；要更多请直接问店主。",
    },
    "cart.sold_out": {"en": "Sorry, {name} is sold out.", "zh": "抱歉，{name}已经卖完了。"},
    "cart.all_stock_in_cart": {
        "en": "You already have all {count} {name} we have left in your cart.",
        "zh": "{name}只剩{count}件，已经都在你的购物车里了。",
    },
    "cart.only_left": {
        "en": "Only {count} × {name} left, so that's what I put in your cart.",
        "zh": "{name}只剩{count}件，已按剩余数量加入购物车。",
    },
    "cart.cannot_add_more": {
        "en": "You can have at most {count} of that item.",
        "zh": "这件商品最多只能买{count}件。",
    },
    "cart.more_of_what": {
        "en": 'One more of what? Tell me the product, e.g. "one more rose mask".',
        "zh": "再加哪个呢？告诉我商品名，比如“再加一盒玫瑰面膜”。",
    },
    "cart.unit_note": {
        "en": "Note: {name} is sold per {unit}; I counted your quantity that way.",
        "zh": "提示：{name}按{unit}卖，数量已按{unit}计算。",
    },
    "order.which_one": {"en": 'Which one did you mean by "{text}"?', "zh": "“{text}”是指哪一个？"},
    "order.unknown": {
        "en": 'Sorry, I couldn\'t find "{text}" in the shop.',
        "zh": "抱歉，店里没有找到“{text}”。",
    },
    "order.unknown_suggest": {
        "en": 'Sorry, I couldn\'t find "{text}". Did you mean one of these?',
        "zh": "抱歉，没有找到“{text}”。你是不是想要这些？",
    },
    # --- checkout ---
    "checkout.private_only": {
        "en": "Checkout happens in a private chat with me, not in the group.",
        "zh": "结算请私聊我，不在群里进行。",
    },
    "checkout.use_saved": {
        "en": "Deliver to the same place as last time?\n{name}, {phone}\n{address}",
        "zh": "还寄到上次的地址吗？\n{name}，{phone}\n{address}",
    },
    "checkout.ask_name": {"en": "Who should the parcel go to? (name)", "zh": "收件人姓名？"},
    "checkout.bad_name": {
        "en": "Please write a name of at most 60 characters.",
        "zh": "请填写收件人姓名（60字以内）。",
    },
    "checkout.ask_phone": {"en": "A phone number for the courier?", "zh": "收件人手机号？"},
    "checkout.bad_phone": {
        "en": "That doesn't look like a phone number: please write digits, e.g. 138 0013 8000.",
        "zh": "手机号格式不对，请只写数字，比如 138 0013 8000。",
    },
    "checkout.ask_address": {"en": "The delivery address?", "zh": "收货地址？"},
    "checkout.bad_address": {
        "en": "Please write the full address (5 to 300 characters).",
        "zh": "请填写完整地址（5到300字）。",
    },
    "checkout.ask_note": {
        "en": "Any note for the shop? Write it, or tap No note.",
        "zh": "有什么要备注的吗？直接写，或点“不用备注”。",
    },
    "checkout.press_a_button": {
        "en": "Please tap one of the buttons above, or write /cancel.",
        "zh": "请点上面的按钮，或发送 /cancel 取消。",
    },
    "checkout.summary_title": {"en": "Please check your order:", "zh": "请确认订单："},
    "checkout.deliver_to": {
        "en": "Deliver to: {name}, {phone}, {address}",
        "zh": "收货：{name}，{phone}，{address}",
    },
    "checkout.note": {"en": "Note: {note}", "zh": "备注：{note}"},
    "checkout.cancelled": {
        "en": "Checkout cancelled. Your cart is still here.",
        "zh": "已取消结算，购物车里的东西还在。",
    },
    "checkout.short_title": {
        "en": "Sorry, while you were checking out some items ran short:",
        "zh": "抱歉，你结算时有商品库存不足了：",
    },
    "checkout.short_item": {
        "en": "• {name}: you wanted {wanted}, {left} left. Your cart now has what's left.",
        "zh": "• {name}：你要{wanted}件，只剩{left}件，购物车已改为剩余数量。",
    },
    "order.placed": {
        "en": "Thank you! Your order number is {number}.",
        "zh": "谢谢！你的订单号是 {number}。",
    },
    "order.pay_how": {"en": "How to pay: {instructions}", "zh": "付款方式：{instructions}"},
    # --- customer's orders ---
    "orders.none": {"en": "You have no orders yet.", "zh": "你还没有订单。"},
    "orders.title": {"en": "Your orders:", "zh": "你的订单："},
    "orders.line": {
        "en": "#{number} · {date} · {status} · {total}\n  {items}",
        "zh": "#{number} · {date} · {status} · {total}\n  {items}",
    },
    "orders.not_yours": {
        "en": "I can't find an order {number} of yours.",
        "zh": "没有找到你的订单 {number}。",
    },
    "orders.cannot_cancel": {
        "en": "Order {number} is {status} and can no longer be cancelled here; "
        "please ask the shop.",
        "zh": "订单 {number} 当前状态为{status}，不能在这里取消了，请联系店主。",
    },
    "orders.cancelled": {
        "en": "Order {number} is cancelled. Its items are back on the shelf.",
        "zh": "订单 {number} 已取消。",
    },
    "status.pending_payment": {"en": "awaiting payment", "zh": "待付款"},
    "status.paid": {"en": "paid", "zh": "已付款"},
    "status.shipped": {"en": "shipped", "zh": "已发货"},
    "status.cancelled": {"en": "cancelled", "zh": "已取消"},
    "status.changed": {"en": "changed meanwhile", "zh": "刚刚变了"},
    "order.now_paid": {
        "en": "Your payment for order {number} is confirmed. Thank you! We'll ship it soon.",
        "zh": "订单 {number} 已确认收款，谢谢！我们会尽快发货。",
    },
    "order.now_shipped": {
        "en": "Order {number} is on its way!",
        "zh": "订单 {number} 已发货，请注意查收！",
    },
    "order.now_cancelled": {
        "en": "Order {number} has been cancelled by the shop. If you have paid, the shop "
        "will refund you; ask us if anything is unclear.",
        "zh": "订单 {number} 已被店主取消。如已付款，店主会退款给你，有疑问可以问我们。",
    },
    "order.now_pending_payment": {
        "en": "Order {number} is awaiting payment.",
        "zh": "订单 {number} 待付款。",
    },
    # --- questions ---
    "ask.prompt": {
        "en": "What would you like to ask? Write your question and I'll pass it to the shop.",
        "zh": "想问什么？写下你的问题，我转给店主。",
    },
    "ask.cancelled": {"en": "OK, no question sent.", "zh": "好的，没有发送问题。"},
    "ask.forwarded": {
        "en": "Thanks, I've passed your question to the shop. They'll reply here.",
        "zh": "谢谢，问题已经转给店主，会在这里回复你。",
    },
    # --- groups ---
    "group.continue_private": {
        "en": "Let's continue in a private chat, so the group isn't flooded.",
        "zh": "我们私聊继续吧，免得刷屏。",
    },
    "group.open_private": {
        "en": "{name}, tap below to continue with me privately.",
        "zh": "{name}，点下面的按钮和我私聊继续。",
    },
    "group.sent_private": {
        "en": "{name}, I've sent you a private message.",
        "zh": "{name}，我私信你了。",
    },
    "group.hint": {
        "en": 'Mention me with what you\'d like, e.g. "2 rose masks", or send /start.',
        "zh": "@我并说出想要的商品，比如“两盒玫瑰面膜”，或者发送 /start。",
    },
    "group.added": {
        "en": 'I was added to the group "{title}" ({chat}). It gets no promotions until '
        "you enable them.",
        "zh": "我被拉进了群“{title}”（{chat}）。在你开启之前，这个群不会收到任何推广。",
    },
    "group.removed": {
        "en": 'I was removed from the group "{title}" ({chat}); I won\'t post there any more.',
        "zh": "我被移出了群“{title}”（{chat}），之后不会再在那里发消息。",
    },
    # --- promotions ---
    "promo.product_line": {
        "en": "• {name} — {price} per {unit}",
        "zh": "• {name} —— {price}/{unit}",
    },
    "promo.buy": {"en": "🛒 Buy {name}", "zh": "🛒 购买{name}"},
    "promo.why_private": {
        "en": "You get this because you subscribed to promotions from {shop}. "
        "At most one a day; tap Stop to end them.",
        "zh": "你收到这条是因为订阅了{shop}的优惠信息，每天最多一条；点“不再接收”即可退订。",
    },
    "btn.promo_fewer": {"en": "Fewer like this", "zh": "少发这类"},
    "btn.promo_stop": {"en": "Stop promotions", "zh": "不再接收"},
    "promo.progress": {
        "en": "📣 {campaign}: sending… {sent} sent, {suppressed} held back by the caps, "
        "{failed} failed, {delayed} delayed, of {total}",
        "zh": "📣 {campaign}：发送中…已发{sent}，被限频拦下{suppressed}，失败{failed}，"
        "延后{delayed}，共{total}",
    },
    "promo.progress_done": {
        "en": "📣 {campaign}: done. {sent} sent, {suppressed} held back by the caps, "
        "{failed} failed, {delayed} delayed, of {total}",
        "zh": "📣 {campaign}：已完成。已发{sent}，被限频拦下{suppressed}，失败{failed}，"
        "延后{delayed}，共{total}",
    },
    "promo.suppressed_why": {"en": "Held back: {reasons}", "zh": "拦下原因：{reasons}"},
    "promo.fatigued": {
        "en": "{groups} group(s) showed no reaction to recent posts for weeks, or someone "
        "there asked the bot to stop; promotions there now go out half as often.",
        "zh": "{groups}个群几周来对推广没有任何回应，或有人要求别再发，"
        "已自动把那里的推广频率减半。",
    },
    "promo.stopped": {
        "en": "Done: you won't get promotions from us any more. Write /start to turn them back on.",
        "zh": "好的，之后不再给你发推广消息。想恢复请发送 /start。",
    },
    "promo.subscribed": {
        "en": "You're subscribed: at most one promotion a day, three a week. "
        "Write stop any time to end them.",
        "zh": "订阅成功：每天最多一条、每周最多三条优惠信息。随时回复“退订”即可停止。",
    },
    "promo.sub_resumed": {
        "en": "Promotions are back on for you (at most one a day).",
        "zh": "已恢复接收优惠信息（每天最多一条）。",
    },
    "promo.unstopped": {
        "en": "You had stopped promotions; that's lifted. Write /subscribe to get them.",
        "zh": "已解除退订。想接收优惠信息请发送 /subscribe。",
    },
    "promo.fewer": {
        "en": "Got it: no more of this promotion for you.",
        "zh": "收到，之后不再给你发这类推广。",
    },
    "promo.nopromo_in_group": {
        "en": "Send /nopromo in a group to stop promotions there; here, write stop.",
        "zh": "在群里发送 /nopromo 可关闭该群的推广；私聊里回复“退订”即可。",
    },
    "promo.admins_only": {
        "en": "Only a group admin can turn promotions off for the group.",
        "zh": "只有群管理员可以关闭本群的推广。",
    },
    "promo.group_off": {
        "en": "Promotions are off for this group. The shop has been told.",
        "zh": "本群的推广已关闭，已通知店主。",
    },
    "promo.usage": {
        "en": "/promo — list campaigns\n/promo pause|resume|delete|status ID\n"
        "/promo create ID SKU[,SKU] HH:MM[,HH:MM] [text]\n/promo preview [days]",
        "zh": "/promo —— 推广活动列表\n/promo pause|resume|delete|status 活动ID\n"
        "/promo create 活动ID 商品SKU[,SKU] 时:分[,时:分] [文案]\n/promo preview [天数]",
    },
    "promo.none": {"en": "No campaigns yet.", "zh": "还没有推广活动。"},
    "promo.list_title": {"en": "Campaigns:", "zh": "推广活动："},
    "promo.list_line": {
        "en": "• {campaign} ({status}): {products}; next {next}",
        "zh": "• {campaign}（{status}）：{products}；下次 {next}",
    },
    "promo.status_active": {"en": "active", "zh": "进行中"},
    "promo.status_paused": {"en": "paused", "zh": "已暂停"},
    "promo.status_deleted": {"en": "deleted", "zh": "已删除"},
    "btn.promo_pause": {"en": "Pause {campaign}", "zh": "暂停 {campaign}"},
    "btn.promo_resume": {"en": "Resume {campaign}", "zh": "恢复 {campaign}"},
    "promo.paused": {"en": "Campaign {campaign} is paused.", "zh": "活动 {campaign} 已暂停。"},
    "promo.resumed": {
        "en": "Campaign {campaign} is active again.",
        "zh": "活动 {campaign} 已恢复。",
    },
    "promo.deleted": {"en": "Campaign {campaign} is deleted.", "zh": "活动 {campaign} 已删除。"},
    "promo.no_such_campaign": {
        "en": "There is no campaign {campaign}.",
        "zh": "没有 {campaign} 这个活动。",
    },
    "promo.status_line": {
        "en": "Campaign {campaign} ({status}): {sent} sent, {suppressed} held back, "
        "{failed} failed or missed, {pending} waiting",
        "zh": "活动 {campaign}（{status}）：已发{sent}，拦下{suppressed}，失败或错过{failed}，"
        "待发{pending}",
    },
    "promo.unknown_skus": {"en": "Unknown sku(s): {skus}", "zh": "没有这些商品：{skus}"},
    "promo.create_failed": {"en": "Not created: {error}", "zh": "没有创建：{error}"},
    "promo.exists": {
        "en": "A campaign {campaign} exists already.",
        "zh": "已经有 {campaign} 这个活动了。",
    },
    "promo.created": {
        "en": "Campaign {campaign} created: every day at {times}, to every enabled group, "
        "within the caps.",
        "zh": "活动 {campaign} 已创建：每天 {times}，发往所有已开启的群，受限频保护。",
    },
    "groups.none": {
        "en": "I'm not in any group yet. Add me to one.",
        "zh": "我还没有进任何群，把我拉进群吧。",
    },
    "groups.title": {
        "en": "Groups (promotions go only where you enabled them):",
        "zh": "群列表（只有你开启的群才会收到推广）：",
    },
    "groups.state_on": {"en": "promotions on", "zh": "推广已开启"},
    "groups.state_off": {"en": "promotions off", "zh": "推广未开启"},
    "groups.state_gone": {"en": "I'm no longer in it", "zh": "我已不在群里"},
    "btn.group_enable": {"en": "Enable {group}", "zh": "开启 {group}"},
    "btn.group_disable": {"en": "Disable {group}", "zh": "关闭 {group}"},
    "groups.enabled": {"en": "Promotions enabled for {chat}.", "zh": "已为 {chat} 开启推广。"},
    "groups.disabled": {"en": "Promotions disabled for {chat}.", "zh": "已为 {chat} 关闭推广。"},
    # --- owner ---
    "owner.only": {
        "en": "Sorry, only the shop owner can do that.",
        "zh": "抱歉，只有店主可以这样操作。",
    },
    "owner.new_order": {"en": "🆕 New order {number}", "zh": "🆕 新订单 {number}"},
    "owner.customer_cancelled": {
        "en": "✖ The customer cancelled order {number}; its stock is back.",
        "zh": "✖ 顾客取消了订单 {number}，库存已退回。",
    },
    "owner.order_card": {
        "en": "Order {number} · {status} · {total}",
        "zh": "订单 {number} · {status} · {total}",
    },
    "owner.order_contact": {
        "en": "To: {name}, {phone}, {address}",
        "zh": "收件：{name}，{phone}，{address}",
    },
    "owner.no_such_order": {"en": "There is no order {number}.", "zh": "没有订单 {number}。"},
    "owner.status_not_allowed": {
        "en": "Order {number} is {status}; that change is not possible now.",
        "zh": "订单 {number} 当前为{status}，不能做这个修改。",
    },
    "owner.status_changed": {
        "en": "Order {number} is now {status}. The customer has been told.",
        "zh": "订单 {number} 已改为{status}，已通知顾客。",
    },
    "owner.no_open_orders": {"en": "No open orders. 🎉", "zh": "没有未完成的订单。🎉"},
    "owner.open_orders": {"en": "{count} open order(s):", "zh": "{count}个未完成订单："},
    "owner.reload_failed": {
        "en": "The catalog was NOT reloaded; the shop keeps the old one. Problems:\n{errors}",
        "zh": "目录没有重新加载，店里继续用旧目录。问题如下：\n{errors}",
    },
    "owner.reloaded": {
        "en": "Catalog reloaded: {products} products. Orders and sold stock are kept.",
        "zh": "目录已重新加载：{products}件商品。订单和已售库存都保留。",
    },
    "owner.question": {
        "en": "❓ Question from {name} ({customer}):\n{question}",
        "zh": "❓ {name}（{customer}）提问：\n{question}",
    },
    # --- promotions preview (promotions/render.py) ---
    "preview.header": {
        "en": "Promotion preview: {first} – {last}, times in {timezone}",
        "zh": "推广预览：{first} – {last}，时间按{timezone}",
    },
    "preview.campaigns": {
        "en": "Campaigns ({count}): {names}",
        "zh": "活动（{count}个）：{names}",
    },
    "preview.more": {"en": "and {count} more", "zh": "等，另有{count}个"},
    "preview.more_groups": {"en": "... and {count} more groups", "zh": "……另有{count}个群未列出"},
    "preview.more_chats": {
        "en": "... and {count} more groups and subscribers",
        "zh": "……另有{count}个群和订阅者未列出",
    },
    "preview.subscriber": {"en": "{name} (subscriber)", "zh": "{name}（订阅者）"},
    "preview.post": {"en": "{time} {campaign}: {products}", "zh": "{time} {campaign}：{products}"},
    # English texts starting with a space are appended to a line; Chinese needs none.
    "preview.was_delayed": {
        "en": " (planned for {time}, moved: {why})",
        "zh": "（原定{time}，因{why}顺延）",
    },
    "preview.after_gap": {"en": "too soon after the previous post", "zh": "距上一条太近"},
    "preview.planned_for": {"en": " (planned for {time})", "zh": "（原定{time}）"},
    "preview.list_sep": {"en": ", ", "zh": "、"},
    "preview.reason_sep": {"en": "; ", "zh": "；"},
    "preview.names_more": {"en": "{names} and {count} more", "zh": "{names}等另外{count}个群"},
    "preview.not_posted": {
        "en": "{time} {campaign}: not posted, {why}",
        "zh": "{time} {campaign}：不发，{why}",
    },
    "preview.not_posted_many": {
        "en": "{count} slots not posted: {reasons}",
        "zh": "{count}次不发：{reasons}",
    },
    "preview.waiting": {
        "en": "{time} {campaign}: waiting until {until} ({why}), after this preview",
        "zh": "{time} {campaign}：等到{until}再发（{why}），已超出预览范围",
    },
    "preview.broadcasts": {
        "en": "Broadcasts (sending {rate} messages a second, {per_group} a minute per group):",
        "zh": "群发耗时（每秒发送{rate}条，每个群每分钟{per_group}条）：",
    },
    "preview.no_broadcasts": {
        "en": "No posts would go out in this period.",
        "zh": "这段时间内不会发出任何推广。",
    },
    "preview.broadcast": {
        "en": "{day} {time} {campaign}: {posts}, about {duration}",
        "zh": "{day} {time} {campaign}：{posts}，约{duration}",
    },
    "preview.from_slot": {"en": " (delayed from {time})", "zh": "（由{time}顺延）"},
    "preview.more_broadcasts": {
        "en": "... and {count} more broadcasts",
        "zh": "……另有{count}次群发未列出",
    },
    "preview.longest": {
        "en": "Longest: {day} {time} {campaign}, about {duration}",
        "zh": "最长的一次：{day} {time} {campaign}，约{duration}",
    },
    "preview.totals": {
        "en": "Totals: {posts} ({delayed} after a delay), {suppressed} not posted",
        "zh": "合计：{posts}（其中{delayed}条顺延后发出），{suppressed}次不发",
    },
    "preview.still_waiting": {
        "en": "{count} still waiting when the preview ends",
        "zh": "预览结束时仍有{count}条在等待",
    },
    "preview.total_reason": {"en": "{why}: {count}", "zh": "{why}：{count}"},
    "preview.posts": {"en": "{count} posts", "zh": "{count}条"},
    "preview.posts_one": {"en": "{count} post", "zh": "{count}条"},
    "preview.seconds": {"en": "{seconds} s", "zh": "{seconds}秒"},
    "preview.minutes": {"en": "{minutes} min", "zh": "{minutes}分钟"},
    "preview.local_time": {"en": " ({time} local)", "zh": "（当地{time}）"},
    "preview.date": {"en": "{weekday} {day} {month}", "zh": "{month}{day}日 {weekday}"},
    "preview.weekdays": {
        "en": "Mon Tue Wed Thu Fri Sat Sun",
        "zh": "周一 周二 周三 周四 周五 周六 周日",
    },
    "preview.months": {
        "en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
        "zh": "1月 2月 3月 4月 5月 6月 7月 8月 9月 10月 11月 12月",
    },
    # a cap's reason, for one chat, with that chat's numbers
    "reason.quiet_hours": {
        "en": "quiet hours ({start}–{end})",
        "zh": "免打扰时段（{start}–{end}）",
    },
    "reason.group_daily": {"en": "already {count} posts today", "zh": "今天已发{count}条"},
    "reason.group_daily_one": {"en": "already 1 post today", "zh": "今天已发1条"},
    "reason.min_gap": {
        "en": "less than {hours} h after the previous post",
        "zh": "距上一条不到{hours}小时",
    },
    "reason.product_cooldown": {
        "en": "already posted here within {hours} h",
        "zh": "{hours}小时内已在这里发过",
    },
    "reason.subscriber_daily": {
        "en": "already got a promotion today",
        "zh": "今天已经收到过推广",
    },
    "reason.subscriber_weekly": {
        "en": "already got {count} promotions this week",
        "zh": "这周已经收到{count}条推广",
    },
    "reason.shop_budget": {
        "en": "the shop's {count} posts for today are used up",
        "zh": "店铺今天的{count}条额度已用完",
    },
    "reason.overlap": {
        "en": "shown in {group} within {hours} h",
        "zh": "{hours}小时内已在“{group}”发过",
    },
    "reason.not_enabled": {
        "en": "promotions not enabled in this group",
        "zh": "本群没有开启推广",
    },
    "reason.opted_out": {"en": "stopped promotions", "zh": "已退订推广"},
    "reason.unreachable": {
        "en": "the bot can't post there (removed or blocked)",
        "zh": "机器人无法在这里发消息（被移出或屏蔽）",
    },
    "reason.fatigue": {
        "en": " (slowed down: no reactions to the last {count} posts)",
        "zh": "（已放慢：最近{count}条推广无人回应）",
    },
    "reason.fatigue_other": {"en": " (slowed down: {detail})", "zh": "（已放慢：{detail}）"},
    # the same reasons, summed up over many chats
    "reason.total.campaign_inactive": {
        "en": "campaign paused or deleted",
        "zh": "活动已暂停或删除",
    },
    "reason.total.quiet_hours": {"en": "quiet hours", "zh": "免打扰时段"},
    "reason.total.group_daily": {"en": "group's daily limit reached", "zh": "群每日上限已满"},
    "reason.total.min_gap": {
        "en": "too soon after a group's previous post",
        "zh": "距群里上一条太近",
    },
    "reason.total.product_cooldown": {
        "en": "product already posted in that chat recently",
        "zh": "该商品近期已在这里发过",
    },
    "reason.total.subscriber_daily": {
        "en": "subscriber already got one today",
        "zh": "订阅者今天已收到过",
    },
    "reason.total.subscriber_weekly": {
        "en": "subscriber's weekly limit reached",
        "zh": "订阅者本周上限已满",
    },
    "reason.total.shop_budget": {"en": "shop's daily budget used up", "zh": "店铺每日额度已用完"},
    "reason.total.overlap": {
        "en": "the same people already saw it in another group",
        "zh": "同一批人已在别的群看到过",
    },
    "reason.total.not_enabled": {"en": "promotions not enabled", "zh": "没有开启推广"},
    "reason.total.opted_out": {"en": "subscriber stopped promotions", "zh": "订阅者已退订"},
    "reason.total.unreachable": {"en": "bot can't post there", "zh": "机器人无法发消息"},
    # --- issue 10: shipping, totals the customer saw, prices that changed (money & privacy) ---
    "shipping.rule_free": {"en": "Shipping is free.", "zh": "全场包邮。"},
    "shipping.rule_flat": {"en": "Shipping is {fee} per order.", "zh": "每单运费{fee}。"},
    "shipping.rule_free_over": {
        "en": "Free shipping on orders of {free_over} or more; otherwise shipping is {fee}.",
        "zh": "满{free_over}包邮，不满收{fee}运费。",
    },
    "shipping.region_rule": {"en": "To {region}: {rule}", "zh": "寄往{region}：{rule}"},
    "cart.items_total": {"en": "Items: {total}", "zh": "商品：{total}"},
    "cart.shipping": {"en": "Shipping: {fee}", "zh": "运费：{fee}"},
    "cart.shipping_region": {
        "en": "Shipping to {region}: {fee}",
        "zh": "运费（寄往{region}）：{fee}",
    },
    "cart.shipping_free": {"en": "Shipping: free", "zh": "运费：包邮"},
    "cart.shipping_to_go": {
        "en": "Add {more} more for free shipping.",
        "zh": "再买{more}即可包邮。",
    },
    "cart.price_changed": {
        "en": "Note: the price of {name} has changed from {old} to {new}.",
        "zh": "提示：{name}的价格从{old}变为{new}。",
    },
    "checkout.changed": {
        "en": "Something changed since the summary you saw (a price, an item or shipping), "
        "so nothing has been ordered yet. Here is your order as it stands now: please "
        "check it and confirm again.",
        "zh": "你看到的确认单之后有变动（价格、商品或运费），所以还没有下单。"
        "下面是最新的订单，请核对后再确认一次。",
    },
    "checkout.item_gone": {
        "en": "• {name} is no longer sold and was taken out of your order.",
        "zh": "• {name}已下架，已从订单中移除。",
    },
    "owner.in_private": {
        "en": "I've answered you in our private chat, so the group doesn't see shop business.",
        "zh": "我在私聊里回复你了，群里看不到店里的事务。",
    },
    # --- issue 17 / issue 10: numbered choices that mean what the person saw (WeChat) ---
    "choices.hint_tagged": {
        "en": 'Reply with the code and a number to choose, e.g. "{example}".',
        "zh": "回复编号加数字即可选择，例如“{example}”。",
    },
    "choices.chose": {"en": "(You chose {choice}.)", "zh": "（你选的是：{choice}）"},
    "choices.out_of_range": {
        "en": "Please choose a number from 1 to {last} in the list above.",
        "zh": "请回复上面列表里 1 到 {last} 之间的数字。",
    },
    "choices.expired": {
        "en": "That number was on an older list, which has expired. "
        "Please choose from 1 to {last} in the latest list above.",
        "zh": "这个数字属于之前的列表，已经过期了。请在最新的列表里选 1 到 {last}。",
    },
    "choices.expired_all": {
        "en": "That list has expired. Have a look at what the shop has now:",
        "zh": "那个列表已经过期了。看看店里现在有什么吧：",
    },
    "choices.say_which": {
        "en": 'More than one message above offers choices: say which, e.g. "{example}".',
        "zh": "上面有几条消息都带选项，请说明是哪一条，例如“{example}”。",
    },
    "choices.for_person": {"en": "@{name} ", "zh": "@{name} "},
    "confirm.cancel_order": {
        "en": "Cancel order {subject}? This cannot be undone.",
        "zh": "确定要取消订单 {subject} 吗？取消后无法恢复。",
    },
    "btn.confirm_cancel_order": {"en": "Yes, cancel {subject}", "zh": "确定取消 {subject}"},
    "btn.confirm_no": {"en": "No, keep order {subject}", "zh": "不，保留订单 {subject}"},
    "confirm.kept": {
        "en": "OK, order {subject} stays as it is.",
        "zh": "好的，订单 {subject} 保持不变。",
    },
    # Words written for buttons, and what a platform without buttons says instead; the
    # presentation swaps them (a quoted button name, "点“X”" / "tap X", is swapped by rule).
    "words.buttons.browse": {
        "en": "or browse with the buttons below",
        "zh": "也可以点下面的按钮逛逛",
    },
    "words.numbers.browse": {
        "en": "or browse by replying with a number below",
        "zh": "也可以回复下面的数字逛逛",
    },
    "words.buttons.open": {
        "en": "open orders with buttons to mark them",
        "zh": "未完成订单，可点按钮改状态",
    },
    "words.numbers.open": {
        "en": "open orders; mark one by replying with its order code and a number",
        "zh": "未完成订单，回复订单号加数字改状态",
    },
    "words.buttons.above": {
        "en": "Please tap one of the buttons above",
        "zh": "请点上面的按钮",
    },
    "words.numbers.above": {
        "en": "Please reply with one of the numbers above",
        "zh": "请回复上面的数字",
    },
    "words.tap_named": {"en": 'reply "{label}"', "zh": "回复“{label}”"},
    "words.tap_named_start": {"en": 'Reply "{label}"', "zh": "回复“{label}”"},
    # --- issue 9: understanding what customers say (bot/nlu, handlers/talk.py, cart_words.py)
    "cart.rounded_up": {
        "en": "{name} is sold by the whole {unit}, so I rounded up to {qty}.",
        "zh": "{name}按整{unit}卖，已帮你凑成{qty}{unit}。",
    },
    "words.which_line": {
        "en": "Which product should I change? Tell me its name, or use the buttons in your cart.",
        "zh": "要改哪一个呢？告诉我商品名，或者在购物车里用按钮改。",
    },
    "words.not_in_cart": {
        "en": "{name} isn't in your cart.",
        "zh": "购物车里没有{name}。",
    },
    "words.not_sold": {
        "en": "Sorry, we don't sell “{name}”. Have a look at what we have:",
        "zh": "抱歉，我们不卖“{name}”。看看店里有什么：",
    },
    "words.which_product": {
        "en": "Which product do you mean? Tell me its name, or browse:",
        "zh": "你问的是哪个商品呢？告诉我商品名，或者看看：",
    },
    "words.in_stock": {"en": "In stock: {count} {unit}", "zh": "有货：{count}{unit}"},
    "words.human": {
        "en": "I've passed your message to the shop owner, who will answer you here in person.",
        "zh": "已经把你的消息转给店主，店主会亲自在这里回复你。",
    },
    "words.paid_thanks": {
        "en": "Thank you! I've told the shop you paid for order {number}; "
        "they will confirm once the payment shows up.",
        "zh": "谢谢！已经告诉店主你付了订单{number}，收到款后会确认。",
    },
    "owner.customer_paid": {
        "en": "💰 The customer says order {number} is paid: please check.",
        "zh": "💰 顾客说订单{number}已付款，请核对。",
    },
    "words.cancel_confirm": {
        "en": "Cancel order {number}? Tap the button to confirm.",
        "zh": "要取消订单{number}吗？点按钮确认。",
    },
    "words.complaint": {
        "en": "I'm so sorry about that. I've passed it to the shop owner with your order, "
        "and they will sort it out with you.\nOur returns policy: {policy}",
        "zh": "非常抱歉！已经连同订单转给店主，店主会跟你处理。\n售后说明：{policy}",
    },
    "owner.complaint": {
        "en": "⚠️ Complaint from {name}: {text}",
        "zh": "⚠️ {name}反馈问题：{text}",
    },
    "words.no_last_order": {
        "en": "You haven't ordered from us yet, so there's no last time to repeat. Have a look:",
        "zh": "你还没在这里下过单，没有上次的订单可以照旧。看看店里有什么：",
    },
    "words.reordered": {
        "en": "Same as last time (order {number}) is in your cart:",
        "zh": "已按上次（订单{number}）放进购物车：",
    },
    "words.reorder_missing": {
        "en": "Not available now: {names}",
        "zh": "暂时没有：{names}",
    },
    "words.hello": {
        "en": 'Hello! Welcome to {shop}. Tell me what you\'d like, e.g. "2 rose masks", '
        "ask a price, or browse:",
        "zh": "你好！欢迎来到{shop}。直接说想要什么，比如“两盒玫瑰面膜”，问价格也可以，或者看看：",
    },
    "words.welcome": {
        "en": "You're welcome! Anything else, just tell me.",
        "zh": "不客气！还需要什么随时说。",
    },
    "words.small_talk": {
        "en": "😊 Tell me what you'd like, or browse the shop:",
        "zh": "😊 想要什么直接告诉我，或者看看店里：",
    },
    # --- promotions in real time (issue 16; issue 10's /promo items) ---------------------
    "reason.total.sold_out": {
        "en": "every product of the campaign sold out",
        "zh": "活动里的商品都卖完了",
    },
    "reason.sold_out": {
        "en": "not posted: every product of the campaign is sold out",
        "zh": "不发：活动里的商品都卖完了",
    },
    "promo.preview_days": {
        "en": "How many days should the preview show? Write a number from 1 to 31, "
        "e.g. /promo preview 7 (not “{value}”).",
        "zh": "预览几天？请写 1 到 31 之间的数字，例如 /promo preview 7（“{value}”不行）。",
    },
    "promo.created_quiet": {
        "en": "Note: {times} is in quiet hours ({start}–{end}), so those posts wait until "
        "{end}. The first one goes out {when}.",
        "zh": "注意：{times} 在免打扰时段（{start}–{end}）内，这些推广会等到 {end} 再发。"
        "第一条发出时间：{when}。",
    },
    "promo.create_no_id": {
        "en": "Give the campaign a name first, e.g. /promo create {example} …",
        "zh": "请先给活动起个名字，例如 /promo create {example} …",
    },
    "promo.bad_id": {
        "en": "“{id}” can't be a campaign name: use up to {max} letters, digits, - or _, "
        "e.g. walnuts-noon.",
        "zh": "“{id}”不能做活动名：最多 {max} 个字母、数字、- 或 _，例如 walnuts-noon。",
    },
    "promo.unknown_products": {
        "en": "I don't know which product “{names}” is. Write its sku or its name, "
        "separated by commas, e.g. {known}",
        "zh": "不知道“{names}”是哪个商品。请写商品编号或商品名，用逗号分开，例如：{known}",
    },
    "promo.several_products": {
        "en": "“{name}” could be several products: {products}. Write the one you mean.",
        "zh": "“{name}”可能是好几个商品：{products}。请写清楚是哪一个。",
    },
    "promo.bad_time": {
        "en": "“{time}” is not a time of day. Write it like 10:30, 10点, 10点半 or 3pm "
        "(00:00–23:59); several times with commas.",
        "zh": "“{time}”不是一天里的时间。请写成 10:30、10点、10点半 或 下午3点"
        "（00:00–23:59），多个时间用逗号分开。",
    },
    "reason.overlap_via": {
        "en": "shown in {group} within {hours} h ({person} is in both groups)",
        "zh": "{hours}小时内已在“{group}”发过（{person} 在两个群里）",
    },
    # --- issue 12: follow-ups with repeat buyers (followups/) ---------------------------
    "fu.reason_history": {
        "en": "buys {product} ×{qty} about every {days} days; last order {ago} days ago",
        "zh": "大约每{days}天买一次{product}×{qty}；上次下单是{ago}天前",
    },
    "fu.reason_catalog": {
        "en": "bought {product} ×{qty} once, {ago} days ago (it usually lasts {days} days)",
        "zh": "{ago}天前买过一次{product}×{qty}（一般能用{days}天）",
    },
    "fu.lapsed": {
        "en": "; no order at all for {days} days",
        "zh": "；已经{days}天没有下单",
    },
    "fu.also_due": {"en": "; also due: {products}", "zh": "；也该补的：{products}"},
    "fu.list_sep": {"en": ", ", "zh": "、"},
    "fu.suggest": {
        "en": "Hi {name}! It's been {days} days since your {product}, so you may be running "
        "low. Shall I put {qty} more aside for you? One tap below and it's in your cart.",
        "zh": "{name}你好！上次的{product}已经{days}天了，应该快用完了吧？要不要再给你留{qty}份？"
        "点下面的按钮就加进购物车。",
    },
    "fu.reorder_button": {"en": "🛒 {product} ×{qty}", "zh": "🛒 再来{qty}份{product}"},
    "fu.reordered": {
        "en": "Added: {product}, {qty} in your cart ({price} each). Write /checkout to order "
        "or /cart to change it.",
        "zh": "已加入购物车：{product}，共{qty}份（每份{price}）。发送 /checkout 下单，"
        "或 /cart 修改。",
    },
    "fu.reorder_gone": {
        "en": "Sorry, that product is not available any more. Write /browse to see what we have.",
        "zh": "抱歉，这个商品已经没有了。发送 /browse 看看现在有什么。",
    },
    "fu.digest_title": {
        "en": "Follow-ups for today: {count} customer(s) due to reorder",
        "zh": "今天的回访：{count}位客人该补货了",
    },
    "fu.digest_head": {
        "en": "{n}. {name} · {status} · spent {spent}",
        "zh": "{n}. {name} · {status} · 累计消费{spent}",
    },
    "fu.status_due": {"en": "due", "zh": "该补货"},
    "fu.status_lapsed": {"en": "lapsed", "zh": "已流失"},
    "fu.digest_more": {"en": "…and {count} more.", "zh": "……还有{count}位。"},
    "fu.btn_send": {"en": "📤 Send {n}", "zh": "📤 发送{n}"},
    "fu.btn_snooze": {"en": "💤 {n} in 7 days", "zh": "💤 {n} 7天后"},
    "fu.btn_done": {"en": "✅ {n} done", "zh": "✅ {n} 已联系"},
    "fu.btn_next": {"en": "Next page ▶", "zh": "下一页 ▶"},
    "fu.nobody_due": {
        "en": "Nobody is due for a follow-up today.",
        "zh": "今天没有需要回访的客人。",
    },
    "fu.sent": {"en": "Sent to {name}: “{text}”", "zh": "已发给{name}：“{text}”"},
    "fu.snoozed": {
        "en": "{name}: I'll remind you again in 7 days.",
        "zh": "{name}：7天后再提醒你。",
    },
    "fu.done": {
        "en": "{name}: marked as followed up; not in the digest for the next 14 days.",
        "zh": "{name}：已记为回访过，14天内不再出现在提醒里。",
    },
    "fu.refused_opted_out": {
        "en": "Not sent: {name} asked not to get messages from the shop.",
        "zh": "没有发送：{name}说过不想再收到店里的消息。",
    },
    "fu.refused_recent": {
        "en": "Not sent: {name} heard from you {days} day(s) ago; at most one follow-up in "
        "{limit} days.",
        "zh": "没有发送：{days}天前刚联系过{name}，{limit}天内最多回访一次。",
    },
    "fu.refused_quiet": {
        "en": "Not sent: it is quiet hours for customers ({hours}). Press send again after {end}.",
        "zh": "没有发送：现在是客人的免打扰时间（{hours}），请在{end}之后再按发送。",
    },
    "fu.refused_unreachable": {
        "en": "Not sent: {name} cannot be reached (they blocked the bot or left).",
        "zh": "没有发送：联系不上{name}（拉黑了机器人或已离开）。",
    },
    "fu.not_due_any_more": {
        "en": "{name} is not due any more (they ordered, or were followed up, since).",
        "zh": "{name}现在不需要回访了（之后已下单或已回访）。",
    },
    "fu.nothing_bought": {
        "en": "{name} has not bought anything yet: nothing to suggest.",
        "zh": "{name}还没买过东西，没有可推荐的。",
    },
    "fu.no_chat": {
        "en": "{name} has no chat with the shop yet, so nothing can be sent.",
        "zh": "{name}还没有和店铺聊过天，无法发送。",
    },
    "fu.usage_customer": {
        "en": "Write /customer and part of a name, an id or a phone number, e.g. /customer ann",
        "zh": "请发送 /customer 加名字、编号或手机号的一部分，例如 /customer 小美",
    },
    "fu.usage_note": {
        "en": "Write /note, the customer, then the note, e.g. /note ann prefers the aloe mask",
        "zh": "请发送 /note、客人、再写备注，例如 /note 小美 喜欢芦荟面膜",
    },
    "fu.usage_tag": {
        "en": "Write /tag, the customer, then one tag, e.g. /tag ann vip",
        "zh": "请发送 /tag、客人、再写一个标签，例如 /tag 小美 vip",
    },
    "fu.how_note": {
        "en": "Write: /note {customer} and your note",
        "zh": "请发送：/note {customer} 加上备注",
    },
    "fu.how_tag": {
        "en": "Write: /tag {customer} and a tag (one word)",
        "zh": "请发送：/tag {customer} 加一个标签（一个词）",
    },
    "fu.no_match": {
        "en": "No customer matches “{query}”.",
        "zh": "没有找到和“{query}”匹配的客人。",
    },
    "fu.choose": {
        "en": "Several customers match “{query}”. Which one?",
        "zh": "有几位客人和“{query}”匹配，是哪一位？",
    },
    "fu.noted": {"en": "Noted for {name}: {text}", "zh": "已给{name}记下：{text}"},
    "fu.tagged": {"en": "{name} is tagged #{tag}.", "zh": "已给{name}加上标签 #{tag}。"},
    "fu.already_tagged": {
        "en": "{name} was already tagged #{tag}.",
        "zh": "{name}已经有标签 #{tag} 了。",
    },
    "fu.card_head": {"en": "👤 {name} ({who})", "zh": "👤 {name}（{who}）"},
    "fu.card_orders": {
        "en": "Orders: {orders} · spent {spent} · first {first} · last {last}",
        "zh": "订单：{orders}笔 · 累计{spent} · 首单{first} · 最近{last}",
    },
    "fu.card_no_orders": {"en": "No orders yet.", "zh": "还没有订单。"},
    "fu.card_favourites": {"en": "Favourites: {products}", "zh": "常买：{products}"},
    "fu.card_state": {
        "en": "Language: {speaks} · reachable: {reachable} · opted out: {opted_out}",
        "zh": "语言：{speaks} · 能联系上：{reachable} · 已退订：{opted_out}",
    },
    "fu.card_last_followup": {"en": "Last follow-up: {day}", "zh": "上次回访：{day}"},
    "fu.card_tags": {"en": "Tags: {tags}", "zh": "标签：{tags}"},
    "fu.card_notes": {"en": "Notes:", "zh": "备注："},
    "fu.yes": {"en": "yes", "zh": "是"},
    "fu.no": {"en": "no", "zh": "否"},
    "fu.btn_follow_up": {"en": "📤 Follow up", "zh": "📤 回访"},
    "fu.btn_note": {"en": "📝 Note", "zh": "📝 备注"},
    "fu.btn_tag": {"en": "🏷 Tag", "zh": "🏷 标签"},
    "fu.stats_title": {
        "en": "Last {months} months (orders · revenue · repeat buyers · their revenue · "
        "follow-ups sent → converted):",
        "zh": "最近{months}个月（订单 · 收入 · 回头客占比 · 回头客收入 · 回访发送 → 成交）：",
    },
    "fu.stats_month": {
        "en": "{month}: {orders} orders · {revenue} · {rate}% repeat · {repeat} · "
        "{sent} → {converted}",
        "zh": "{month}：{orders}单 · {revenue} · 回头客{rate}% · {repeat} · {sent} → {converted}",
    },
    "fu.stats_top": {"en": "Top products: {products}", "zh": "热销：{products}"},
    "fu.chart_title": {"en": "{shop}: what repeat buyers earn", "zh": "{shop}：回头客带来的收入"},
    "fu.chart_revenue": {"en": "Revenue", "zh": "总收入"},
    "fu.chart_repeat": {"en": "from repeat buyers", "zh": "回头客收入"},
    "fu.chart_money": {"en": "Revenue ({currency})", "zh": "收入（{currency}）"},
    "fu.chart_sent": {"en": "Follow-ups sent", "zh": "已发回访"},
    "fu.chart_converted": {"en": "Converted (ordered within 7 days)", "zh": "7天内下单"},
    "fu.chart_followups": {"en": "Follow-ups", "zh": "回访"},
    "fu.chart_caption": {"en": "Chart: {path}", "zh": "图表：{path}"},
    "fu.stats_usage": {
        "en": "Write /stats, or /stats 12 for the last 12 months (1-36).",
        "zh": "发送 /stats，或 /stats 12 查看最近12个月（1到36）。",
    },
    # --- issue 11: questions handed to the owner (tickets), the answer back, flood guard ---
    "ticket.told": {
        "en": "I've passed this to the shop owner, who will answer you here in person{when}.",
        "zh": "已经转给店主，店主会亲自在这里回复你{when}。",
    },
    "ticket.told_private": {
        "en": "I've passed this to the shop owner, who will answer you in a private chat{when}.",
        "zh": "已经转给店主，店主会私聊回复你{when}。",
    },
    "ticket.when_open": {
        "en": ", usually within a couple of hours",
        "zh": "，一般两个小时之内",
    },
    "ticket.when_closed": {
        "en": " after {opening} (the shop answers questions {hours})",
        "zh": "，{opening}之后（店主答复时间 {hours}）",
    },
    "ticket.opening_today": {"en": "{time} today", "zh": "今天{time}"},
    "ticket.opening_tomorrow": {"en": "{time} tomorrow", "zh": "明天{time}"},
    "ticket.added": {
        "en": "I've added this to your question for the owner; they'll see it with the rest.",
        "zh": "已经补充到你给店主的问题里，店主会一起看到。",
    },
    "ticket.answer": {"en": "💬 {shop}:\n{answer}", "zh": "💬 {shop}：\n{answer}"},
    "ticket.reason_asked": {"en": "question", "zh": "提问"},
    "ticket.reason_question": {
        "en": "question the bot could not answer",
        "zh": "机器人答不了的问题",
    },
    "ticket.reason_human": {"en": "wants a person", "zh": "要找真人"},
    "ticket.reason_complaint": {"en": "complaint", "zh": "投诉"},
    "ticket.reason_risky": {
        "en": "health / children / allergy question: please answer yourself",
        "zh": "健康/儿童/过敏问题，请亲自回复",
    },
    "ticket.in_group": {"en": "in group {group}", "zh": "在群“{group}”里"},
    "ticket.in_private": {"en": "in private", "zh": "私聊"},
    "ticket.none": {"en": "none", "zh": "无"},
    "ticket.context": {
        "en": "Cart: {cart}\nLast orders: {orders}",
        "zh": "购物车：{cart}\n最近订单：{orders}",
    },
    "ticket.recent": {"en": "Earlier messages:", "zh": "之前的消息："},
    "owner.ticket_new": {
        "en": "🎫 Ticket #{number}: {reason}\nFrom {name} ({customer}), {where}:\n“{text}”",
        "zh": "🎫 工单 #{number}：{reason}\n来自 {name}（{customer}），{where}：\n“{text}”",
    },
    "owner.ticket_how": {
        "en": "Answer: reply to this message, press Answer, or /reply {number} <answer>.",
        "zh": "回复方式：直接回复这条消息、点“回复”，或发送 /reply {number} 回复内容。",
    },
    "owner.ticket_follow_up": {
        "en": "🎫 #{number}: {name} adds:\n“{text}”",
        "zh": "🎫 #{number}：{name} 补充：\n“{text}”",
    },
    "btn.ticket_answer": {"en": "✍️ Answer #{number}", "zh": "✍️ 回复 #{number}"},
    "btn.ticket_close": {"en": "Close #{number}", "zh": "关闭 #{number}"},
    "btn.ticket_customer": {"en": "👤 {name}", "zh": "👤 {name}"},
    "owner.ticket_answer_prompt": {
        "en": "Write your answer to #{number} ({name}); it goes to them under the shop's "
        "name. Write “cancel” to stop.",
        "zh": "请写下给 #{number}（{name}）的回复，会以店铺名义发给对方。写“取消”可放弃。",
    },
    "owner.ticket_close_prompt": {
        "en": "Why close #{number} without answering? Write the reason (“cancel” keeps it open).",
        "zh": "不回复就关闭 #{number} 的原因是？请写下原因（写“取消”则保持未结）。",
    },
    "owner.ticket_answered": {
        "en": "✅ Sent to {name}; ticket #{number} is closed.",
        "zh": "✅ 已发给 {name}，工单 #{number} 已关闭。",
    },
    "owner.ticket_closed": {
        "en": "Ticket #{number} closed without an answer: {reason}",
        "zh": "工单 #{number} 已关闭（未回复）：{reason}",
    },
    "owner.ticket_kept": {
        "en": "OK, ticket #{number} stays open.",
        "zh": "好的，工单 #{number} 保持未结。",
    },
    "owner.ticket_not_open": {
        "en": "Ticket #{number} is no longer open (answered or closed already).",
        "zh": "工单 #{number} 已经不是未结状态（已回复或已关闭）。",
    },
    "owner.ticket_unknown": {"en": "There is no ticket #{number}.", "zh": "没有工单 #{number}。"},
    "owner.reply_usage": {
        "en": "Write /reply <ticket number> <your answer>, e.g. /reply 3 Yes, it ships today.",
        "zh": "请写 /reply 工单号 回复内容，例如 /reply 3 今天就发货。",
    },
    "owner.close_usage": {
        "en": "Write /close <ticket number> <reason>, e.g. /close 3 answered by phone.",
        "zh": "请写 /close 工单号 原因，例如 /close 3 已电话回复。",
    },
    "owner.tickets_none": {"en": "No open tickets.", "zh": "没有未结工单。"},
    "owner.tickets_header": {
        "en": "Open tickets, oldest first ({count}):",
        "zh": "未结工单，最早的在前（{count}个）：",
    },
    "owner.tickets_line": {
        "en": "#{number} · {name} · waiting {age} · {reason}\n“{text}”",
        "zh": "#{number} · {name} · 已等{age} · {reason}\n“{text}”",
    },
    "owner.age_minutes": {"en": "{n} min", "zh": "{n}分钟"},
    "owner.age_hours": {"en": "{n} h", "zh": "{n}小时"},
    "owner.ticket_reminder": {
        "en": "⏰ Ticket #{number} from {name} has waited {hours} h (business hours) "
        "for an answer:\n“{text}”",
        "zh": "⏰ {name} 的工单 #{number} 已在营业时间内等了{hours}小时：\n“{text}”",
    },
    "owner.customer_card": {
        "en": "👤 {name} ({customer})\nLanguage: {speaks}\nOrders: {count}\n{context}",
        "zh": "👤 {name}（{customer}）\n语言：{speaks}\n订单数：{count}\n{context}",
    },
    "flood.slow_down": {
        "en": "You're sending messages very fast. Please slow down a little: I'll answer "
        "again in a minute.",
        "zh": "你发消息太快了，请稍微慢一点，我一分钟后再回复。",
    },
    # --- promotions: reactions, opt-outs told, group posts explained (issue 16, part 2) ---
    "promo.stopped_in_group": {
        "en": "Done, {name}: I won't send you promotions in private any more. The posts in "
        "this group are the group's choice: an admin can turn them off with /nopromo.",
        "zh": "好的，{name}：之后不再私信给你发推广。群里的推广由本群决定，"
        "群管理员发送 /nopromo 即可关闭。",
    },
    "reason.fatigue_complaint": {
        "en": " (slowed down: someone there asked the bot to stop)",
        "zh": "（已放慢：群里有人要求别再发）",
    },
    "promo.why_group": {
        "en": "Offers from {shop}, which this group's admins allowed here (at most {count} "
        "a day). Admins can turn them off with /nopromo.",
        "zh": "这是{shop}的优惠信息，本群管理员同意在这里发（每天最多{count}条）。"
        "群管理员发送 /nopromo 即可关闭。",
    },
    "promo.owner_nopromo": {
        "en": '{name} turned promotions off in the group "{group}" with /nopromo. '
        "To turn them back on, use /groups.",
        "zh": "{name} 在群“{group}”里用 /nopromo 关闭了推广。想重新开启请用 /groups。",
    },
    "promo.summary_title": {
        "en": "Promotions today:",
        "zh": "今天的推广情况：",
    },
    "promo.summary_opt_outs": {
        "en": "{count} opt-out(s) (no more private promotions for them): {names}",
        "zh": "{count}人退订了推广（之后不再私信推广给他们）：{names}",
    },
    "promo.summary_opt_out_where": {
        "en": '{name} (in "{group}")',
        "zh": "{name}（在“{group}”）",
    },
    "promo.summary_silent": {
        "en": "Posted nothing: {slots}",
        "zh": "没有发出任何推广：{slots}",
    },
    "promo.summary_silent_slot": {
        "en": "{campaign} at {time} ({reasons})",
        "zh": "{campaign} {time}（{reasons}）",
    },
    # --- issue 13: personal data (/mydata, /forgetme) -----------------------------------
    "privacy.title": {
        "en": "What this shop stores about you:",
        "zh": "本店保存的你的资料：",
    },
    "privacy.none": {"en": "(none)", "zh": "（无）"},
    "privacy.profile": {
        "en": "• You: {id}, shown as {name}, language {lang}",
        "zh": "• 你：{id}，显示名 {name}，语言 {lang}",
    },
    "privacy.delivery": {
        "en": "• Saved delivery details: {name}, {phone}, {address}",
        "zh": "• 保存的收货信息：{name}，{phone}，{address}",
    },
    "privacy.promotions_on": {
        "en": "• Promotions in private chat: on (/stop turns them off)",
        "zh": "• 私聊推广：已开启（发送 /stop 关闭）",
    },
    "privacy.promotions_off": {
        "en": "• Promotions in private chat: off",
        "zh": "• 私聊推广：已关闭",
    },
    "privacy.cart": {"en": "• Cart: {count} item(s)", "zh": "• 购物车：{count} 件"},
    "privacy.orders": {"en": "• Orders: {count}", "zh": "• 订单：{count} 个"},
    "privacy.order": {
        "en": "  {number}: {status}, {total}, to {name}, {phone}, {address}",
        "zh": "  {number}：{status}，{total}，寄给 {name}，{phone}，{address}",
    },
    "privacy.how_to_forget": {
        "en": "To erase it, send /forgetme.",
        "zh": "如需删除，请发送 /forgetme。",
    },
    "privacy.forget_ask": {
        "en": "Erase what the shop stores about you? Your saved details, cart and chat "
        "state are deleted; your orders stay in the shop's books without your name, "
        "phone or address. This cannot be undone.",
        "zh": "要删除本店保存的你的资料吗？保存的收货信息、购物车和对话状态将被删除；"
        "订单仍保留在店主的账目中，但不再包含你的姓名、电话和地址。删除后无法恢复。",
    },
    "btn.forget_yes": {"en": "Yes, erase my data", "zh": "确定删除我的资料"},
    "btn.forget_no": {"en": "No, keep it", "zh": "不，保留"},
    "privacy.forgotten": {
        "en": "Done: your data is erased. {count} order(s) stay in the shop's books without "
        "your name, phone or address.",
        "zh": "已删除你的资料。{count} 个订单仍保留在店主的账目中，"
        "但不再包含你的姓名、电话和地址。",
    },
    "privacy.kept": {"en": "Nothing was erased.", "zh": "没有删除任何资料。"},
    "owner.contact_erased": {
        "en": "Contact details erased at the customer's request (/forgetme).",
        "zh": "顾客已要求删除个人资料（/forgetme），收件信息已清除。",
    },
    "privacy.private_only": {
        "en": "Your personal data is only shown or erased in a private chat with me: "
        "write /mydata or /forgetme to me there.",
        "zh": "个人资料只在与我的私聊中查看或删除：请在私聊里发送 /mydata 或 /forgetme。",
    },  # --- a question about several products: one list, not a message each ---
    "words.products_list": {"en": "Here is what we have:", "zh": "店里有这些："},
    "words.products_line": {
        "en": "• {name} — {price} per {unit}, {stock}",
        "zh": "• {name} —— {price}/{unit}，{stock}",
    },
    "words.stock_left": {"en": "{count} {unit} left", "zh": "还有{count}{unit}"},
    "words.choose_to_add": {
        "en": 'Choose one to add it, or write how many you\'d like ("2 walnuts").',
        "zh": "选一个加入购物车，或者直接说要几件（比如“两袋核桃”）。",
    },
    "btn.add_named": {"en": "➕ {name}", "zh": "➕ {name}"},
    # --- an owner's /orders, and "I paid" before the order is placed ---
    "orders.owner_hint": {
        "en": "These are your own orders as a customer. The shop's open orders: /open",
        "zh": "这里是你自己作为顾客的订单。店里的未完成订单请发 /open",
    },
    "orders.not_confirmed_yet": {
        "en": "Your order is not placed yet: check the summary and tap Confirm.",
        "zh": "订单还没提交：请核对下面的订单，点“确认下单”。",
    },
    "ticket.complaint_sorry": {
        "en": "I'm so sorry about that.\nOur returns policy: {policy}",
        "zh": "非常抱歉！\n售后说明：{policy}",
    },
    "words.what_we_sell": {
        "en": "Here is what we sell: choose a category, or tell me what you are looking for.",
        "zh": "店里卖这些：选一类看看，或者告诉我你想找什么。",
    },
    "promo.create_example": {
        "en": "Write it as: /promo create NAME PRODUCTS TIMES [text], e.g.\n"
        "/promo create tea-morning LONGJING-TEA 10:00 Fresh Longjing is in!\n"
        "It posts every day at those times to every group with promotions on (/groups).",
        "zh": "格式：/promo create 活动名 商品 时间 [文案]，例如：\n"
        "/promo create 早茶 龙井 10:00 新茶到了！\n"
        "每天在这些时间发到所有开启了推广的群（/groups）。",
    },
    "text.owner_not_understood": {
        "en": "Sorry, I didn't understand that. For the shop: /open (orders to handle), "
        "/tickets (customers' questions), /customer NAME, /stats, /promo, /groups; "
        "/help lists everything.",
        "zh": "不好意思，没看懂。店主常用：/open（待处理订单）、/tickets（顾客问题）、"
        "/customer 名字、/stats、/promo、/groups；/help 查看全部。",
    },
    # --- issue 13: the fault suite (the database held by another writer) ----------------
    "error.busy": {
        "en": "Sorry, the shop could not take that in just now (its records are busy). "
        "Nothing was changed: please send it again in a moment.",
        "zh": "抱歉，店里的记录这会儿正忙，刚才那条没能处理，什么都没有改动：请稍等片刻再发一次。",
    },
}


def t(key: str, language: str, **values: Any) -> str:
    """The text for ``key`` in ``language`` (English if that language lacks it)."""
    entry = MESSAGES[key]
    template = entry.get(language) or entry["en"]
    return template.format(**values) if values else template


# English units that do not take an "s" (Chinese units sold by name, weights).
_INVARIABLE_UNITS = frozenset({"jin", "liang", "kg", "g", "ml", "l", "lb", "oz"})


def counted_unit(unit: str, count: int, language: str) -> str:
    """The unit as it reads after ``count`` in ``language``: "25 tins", "1 box", "3 boxes",
    "5 jin"; Chinese units and units of several words ("jin (500 g)") never change."""
    if language != "en" or count == 1 or not unit.isalpha() or unit.lower() in _INVARIABLE_UNITS:
        return unit
    if unit.endswith(("s", "x", "z", "ch", "sh")):
        return unit + "es"
    if len(unit) > 1 and unit.endswith("y") and unit[-2] not in "aeiou":
        return unit[:-1] + "ies"
    return unit + "s"


def normalise_language(code: str | None) -> str | None:
    """Map a platform language code ("zh-hans", "zh_CN", "en-US") to "zh" or "en"."""
    if not code:
        return None
    code = code.lower()
    if code.startswith("zh"):
        return "zh"
    if code.startswith("en"):
        return "en"
    return None


def pick_language(*choices: str | None) -> str:
    """The first choice that is a language we speak; callers pass the shop default last."""
    for choice in choices:
        language = normalise_language(choice)
        if language:
            return language
    return "zh"
