"""Forward-only schema migrations, tracked in ``PRAGMA user_version``.

Each entry upgrades the schema from version ``index`` to ``index + 1``. Never edit a
released step: add a new one. Tests open an empty file and a file left at every earlier
version and check both end up with the same schema.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 0 -> 1: catalog stock, customers, carts, conversations, orders, buttons.
    """
    CREATE TABLE products (
        sku            TEXT PRIMARY KEY,
        name_en        TEXT NOT NULL,
        name_zh        TEXT NOT NULL,
        price_minor    INTEGER NOT NULL CHECK (price_minor >= 0),
        currency       TEXT NOT NULL,
        stock          INTEGER NOT NULL CHECK (stock >= 0),
        stock_baseline INTEGER NOT NULL,
        active         INTEGER NOT NULL DEFAULT 1,
        updated_at     TEXT NOT NULL
    );
    CREATE TABLE customers (
        key           TEXT PRIMARY KEY,
        channel       TEXT NOT NULL,
        user_id       TEXT NOT NULL,
        display_name  TEXT NOT NULL DEFAULT '',
        language      TEXT,
        contact_name  TEXT,
        phone         TEXT,
        address       TEXT,
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL
    );
    CREATE TABLE cart_items (
        customer_key TEXT NOT NULL,
        sku          TEXT NOT NULL,
        qty          INTEGER NOT NULL CHECK (qty > 0),
        added_at     TEXT NOT NULL,
        PRIMARY KEY (customer_key, sku)
    );
    CREATE TABLE conversations (
        customer_key TEXT PRIMARY KEY,
        state        TEXT NOT NULL,
        updated_at   TEXT NOT NULL
    );
    CREATE TABLE orders (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        number        TEXT NOT NULL UNIQUE,
        customer_key  TEXT NOT NULL,
        channel       TEXT NOT NULL,
        chat_id       TEXT NOT NULL,
        status        TEXT NOT NULL,
        total_minor   INTEGER NOT NULL,
        currency      TEXT NOT NULL,
        contact_name  TEXT NOT NULL,
        phone         TEXT NOT NULL,
        address       TEXT NOT NULL,
        note          TEXT NOT NULL DEFAULT '',
        language      TEXT NOT NULL,
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL
    );
    CREATE INDEX orders_by_customer ON orders (customer_key, created_at);
    CREATE INDEX orders_by_status ON orders (status, created_at);
    CREATE TABLE order_items (
        order_id          INTEGER NOT NULL REFERENCES orders (id),
        line              INTEGER NOT NULL,
        sku               TEXT NOT NULL,
        name_en           TEXT NOT NULL,
        name_zh           TEXT NOT NULL,
        unit_price_minor  INTEGER NOT NULL,
        qty               INTEGER NOT NULL CHECK (qty > 0),
        PRIMARY KEY (order_id, line)
    );
    CREATE TABLE button_actions (
        key        TEXT PRIMARY KEY,
        action     TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    """,
    # 1 -> 2: the chats the bot sits in (groups registered on join), an order history and
    # a record of messages that could not be delivered.
    """
    CREATE TABLE chats (
        key                 TEXT PRIMARY KEY,
        channel             TEXT NOT NULL,
        chat_id             TEXT NOT NULL,
        kind                TEXT NOT NULL,
        title               TEXT NOT NULL DEFAULT '',
        active              INTEGER NOT NULL DEFAULT 1,
        promotions_enabled  INTEGER NOT NULL DEFAULT 0,
        unreachable_reason  TEXT,
        created_at          TEXT NOT NULL,
        updated_at          TEXT NOT NULL
    );
    CREATE TABLE order_events (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        order_id  INTEGER NOT NULL REFERENCES orders (id),
        status    TEXT NOT NULL,
        actor     TEXT NOT NULL,
        at        TEXT NOT NULL
    );
    CREATE INDEX order_events_by_order ON order_events (order_id, id);
    CREATE TABLE send_failures (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        chat_key  TEXT NOT NULL,
        text      TEXT NOT NULL,
        error     TEXT NOT NULL,
        at        TEXT NOT NULL
    );
    """,
    # 2 -> 3: numbered choices shown on platforms without buttons, per chat.
    """
    CREATE TABLE choices (
        chat_key    TEXT PRIMARY KEY,
        keys        TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    """,
    # 3 -> 4: promotions: campaigns, the durable outbox of promotional posts, who was
    # seen in which group, subscriptions and opt-outs, group reactions.
    """
    CREATE TABLE campaigns (
        id          TEXT PRIMARY KEY,
        definition  TEXT NOT NULL,
        source      TEXT NOT NULL,
        status      TEXT NOT NULL DEFAULT 'active',
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE TABLE promo_outbox (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        key          TEXT NOT NULL UNIQUE,
        campaign_id  TEXT NOT NULL,
        chat_key     TEXT NOT NULL,
        channel      TEXT NOT NULL,
        chat_id      TEXT NOT NULL,
        kind         TEXT NOT NULL,
        slot         TEXT NOT NULL,
        skus         TEXT NOT NULL,
        recipients   TEXT NOT NULL DEFAULT '[]',
        state        TEXT NOT NULL,
        reason       TEXT NOT NULL DEFAULT '',
        detail       TEXT NOT NULL DEFAULT '',
        not_before   TEXT,
        attempts     INTEGER NOT NULL DEFAULT 0,
        maybe_sent   INTEGER NOT NULL DEFAULT 0,
        last_error   TEXT,
        message_id   TEXT,
        sent_at      TEXT,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL
    );
    CREATE INDEX promo_outbox_by_state ON promo_outbox (state, not_before);
    CREATE INDEX promo_outbox_by_chat ON promo_outbox (chat_key, sent_at);
    CREATE INDEX promo_outbox_by_slot ON promo_outbox (campaign_id, slot);
    CREATE TABLE chat_members (
        chat_key    TEXT NOT NULL,
        member_key  TEXT NOT NULL,
        last_seen   TEXT NOT NULL,
        PRIMARY KEY (chat_key, member_key)
    );
    ALTER TABLE customers ADD COLUMN promo_subscribed INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE customers ADD COLUMN promo_stopped INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE customers ADD COLUMN promo_muted TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE customers ADD COLUMN platform_language TEXT;
    ALTER TABLE chats ADD COLUMN last_reaction_at TEXT;
    """,
    # 4 -> 5: optimistic versioning of conversations (several workers, one customer).
    """
    ALTER TABLE conversations ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
    """,
    # 5 -> 6: shipping charged with an order (in total_minor too; 0 for earlier orders),
    # and the unit price a customer last saw for a cart line (to tell them of a change).
    """
    ALTER TABLE orders ADD COLUMN shipping_minor INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE cart_items ADD COLUMN seen_price_minor INTEGER;
    """,
    # 6 -> 7: numbered choices as lists: one per message shown, per person in a room,
    # answerable once delivered, kept a while so an old number can be told "expired".
    # The old one-list-per-chat table goes (its lists simply expire).
    """
    CREATE TABLE choice_lists (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        chat_key      TEXT NOT NULL,
        person_key    TEXT NOT NULL,
        prefix        TEXT NOT NULL DEFAULT '',
        keys          TEXT NOT NULL,
        labels        TEXT NOT NULL,
        delivered_at  TEXT,
        created_at    TEXT NOT NULL
    );
    CREATE INDEX choice_lists_by_person ON choice_lists (chat_key, person_key, id);
    DROP TABLE choices;
    """,
    # 7 -> 8: a promotional post counts against the caps from the moment it was decided
    # (its slot), not from when its send completed: rows already decided get that moment.
    """
    ALTER TABLE promo_outbox ADD COLUMN posted_at TEXT;
    UPDATE promo_outbox SET posted_at = COALESCE(sent_at, slot)
        WHERE state IN ('sent', 'sending') OR maybe_sent = 1;
    UPDATE promo_outbox SET posted_at = slot WHERE state = 'pending' AND not_before IS NULL;
    CREATE INDEX promo_outbox_by_posted ON promo_outbox (posted_at);
    """,
    # 8 -> 9: follow-ups: the owner's notes and tags on customers, the follow-up log, the
    # digest sent each day, the customer's own opt-out of follow-ups, and the index the
    # purchase history and the statistics read orders by.
    """
    CREATE TABLE customer_notes (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        customer_key  TEXT NOT NULL,
        text          TEXT NOT NULL,
        author        TEXT NOT NULL,
        at            TEXT NOT NULL
    );
    CREATE INDEX customer_notes_by_customer ON customer_notes (customer_key, id);
    CREATE TABLE customer_tags (
        customer_key  TEXT NOT NULL,
        tag           TEXT NOT NULL,
        at            TEXT NOT NULL,
        PRIMARY KEY (customer_key, tag)
    );
    CREATE TABLE followups (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        customer_key  TEXT NOT NULL,
        skus          TEXT NOT NULL DEFAULT '[]',
        outcome       TEXT NOT NULL,
        at            TEXT NOT NULL,
        until         TEXT
    );
    CREATE INDEX followups_by_customer ON followups (customer_key, at);
    CREATE INDEX followups_by_time ON followups (at);
    CREATE TABLE followup_digests (
        day      TEXT PRIMARY KEY,
        sent_at  TEXT NOT NULL
    );
    ALTER TABLE customers ADD COLUMN followups_off INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX orders_by_time ON orders (created_at);
    """,
    # 9 -> 10: tickets: what the bot handed to the owner, every message of it, the answer.
    # The partial unique index holds "at most one open ticket per customer" even when two
    # workers open one at once.
    """
    CREATE TABLE tickets (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        customer_key   TEXT NOT NULL,
        channel        TEXT NOT NULL,
        chat_id        TEXT NOT NULL,
        chat_kind      TEXT NOT NULL,
        customer_name  TEXT NOT NULL DEFAULT '',
        language       TEXT NOT NULL,
        reason         TEXT NOT NULL,
        status         TEXT NOT NULL,
        context        TEXT NOT NULL DEFAULT '',
        answer         TEXT NOT NULL DEFAULT '',
        close_reason   TEXT NOT NULL DEFAULT '',
        closed_by      TEXT NOT NULL DEFAULT '',
        reminded_at    TEXT,
        created_at     TEXT NOT NULL,
        updated_at     TEXT NOT NULL
    );
    CREATE UNIQUE INDEX tickets_one_open ON tickets (customer_key) WHERE status = 'open';
    CREATE INDEX tickets_by_status ON tickets (status, created_at);
    CREATE TABLE ticket_messages (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        ticket_id  INTEGER NOT NULL REFERENCES tickets (id),
        author     TEXT NOT NULL,
        text       TEXT NOT NULL,
        at         TEXT NOT NULL
    );
    CREATE INDEX ticket_messages_by_ticket ON ticket_messages (ticket_id, id);
    """,
    # 10 -> 11: a group's complaints about promotions (the opposite of a reaction, for
    # fatigue) and every promotions opt-out, kept until the owner's daily summary told it.
    """
    ALTER TABLE chats ADD COLUMN last_complaint_at TEXT;
    CREATE TABLE promo_opt_outs (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        customer_key  TEXT NOT NULL,
        name          TEXT NOT NULL,
        chat_key      TEXT NOT NULL,
        at            TEXT NOT NULL,
        reported_at   TEXT
    );
    CREATE INDEX promo_opt_outs_unreported ON promo_opt_outs (reported_at, id);
    """,
    # 11 -> 12: the notices outbox: owner notices and customer confirmations of orders and
    # status changes, recorded with the change, sent after, retried, never sent twice;
    # and the checkout an order comes from, unique, so a Confirm tapped twice on two
    # workers places one order.
    """
    CREATE TABLE notices (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        key         TEXT NOT NULL UNIQUE,
        chat_key    TEXT NOT NULL,
        message     TEXT NOT NULL,
        state       TEXT NOT NULL DEFAULT 'pending',
        attempts    INTEGER NOT NULL DEFAULT 0,
        last_error  TEXT,
        not_before  TEXT,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE INDEX notices_by_state ON notices (state, not_before);
    ALTER TABLE orders ADD COLUMN checkout_id TEXT;
    CREATE UNIQUE INDEX orders_by_checkout ON orders (checkout_id)
        WHERE checkout_id IS NOT NULL;
    """,
    # 12 -> 13: orders imported from the owner's spreadsheet history (issue 12): each
    # carries the key of the row it came from, unique, so importing a file twice adds
    # nothing the second time.
    """
    ALTER TABLE orders ADD COLUMN import_key TEXT;
    CREATE UNIQUE INDEX orders_by_import ON orders (import_key)
        WHERE import_key IS NOT NULL;
    """,
    # 13 -> 14: a group that moved to a new id (Telegram's upgrade to a supergroup): the
    # new row names the key it had, so the catalog's caps and campaigns written for that
    # key still find it; the old row names where it went, and is no longer a group to post to.
    """
    ALTER TABLE chats ADD COLUMN moved_from TEXT;
    ALTER TABLE chats ADD COLUMN moved_to TEXT;
    """,
    # 14 -> 15: follow-ups at scale (issue 12): each customer's kept orders by time, so
    # the statistics find a buyer's first order, and the due list one customer's history,
    # from the index alone.
    """
    CREATE INDEX orders_kept_by_customer ON orders (customer_key, created_at)
        WHERE status != 'cancelled';
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
