"""The ``chatshop`` command: run the shop, check a catalog."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import sqlite3
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from bot import __version__, redaction
from bot.catalog import Catalog, CatalogError, load_catalog
from bot.channels.base import ChannelStartError
from bot.settings import Settings, SettingsError
from bot.store import StoreBusy


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chatshop",
        description="A chat shop bot for social sellers: orders by chat in Telegram, "
        "WeChat or a local console sandbox.",
    )
    parser.add_argument("--version", action="version", version=f"chatshop {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = commands.add_parser(
        "run",
        help="start the shop (every channel with credentials; the console sandbox if none)",
    )
    run.add_argument(
        "--catalog", type=Path, help="catalog file (default: $CHATSHOP_CATALOG or ./catalog.yaml)"
    )
    run.add_argument("--db", type=Path, help="SQLite file (default: $CHATSHOP_DB or ./chatshop.db)")
    run.add_argument(
        "--webhook-url", help="Telegram: receive updates by webhook at this public URL"
    )
    run.add_argument(
        "--listen",
        help="Telegram webhook: address to listen on (default 127.0.0.1, behind a TLS proxy)",
    )
    run.add_argument("--port", type=int, help="Telegram webhook: port to listen on (default 8443)")

    catalog = commands.add_parser("catalog", help="work with the catalog file")
    catalog_commands = catalog.add_subparsers(
        dest="catalog_command", metavar="ACTION", required=True
    )
    check = catalog_commands.add_parser(
        "check", help="validate a catalog file and report every problem"
    )
    check.add_argument("path", nargs="?", type=Path, default=None, help="default: ./catalog.yaml")
    promo = commands.add_parser("promo", help="promotions")
    promo_commands = promo.add_subparsers(dest="promo_command", metavar="ACTION", required=True)
    preview = promo_commands.add_parser(
        "preview",
        help="what the campaigns would post, per group and day, and what the caps hold back",
    )
    preview.add_argument("--days", type=int, default=7, help="how many days ahead (1-31)")
    preview.add_argument(
        "--catalog", type=Path, help="default: $CHATSHOP_CATALOG or ./catalog.yaml"
    )
    preview.add_argument("--db", type=Path, help="default: $CHATSHOP_DB or ./chatshop.db")
    preview.add_argument("--lang", choices=("en", "zh"), help="default: the shop's language")
    _add_followups_commands(commands)
    nlu = commands.add_parser("nlu", help="how the shop understands messages")
    nlu_commands = nlu.add_subparsers(dest="nlu_command", metavar="ACTION", required=True)
    explain = nlu_commands.add_parser("explain", help="show how a message is read")
    explain.add_argument("text", help="the message, as a customer would type it")
    explain.add_argument("--last", help="the product last shown (sku), for 'this one'")
    explain.add_argument("--cart", default="", help="skus in the cart, comma-separated")
    explain.add_argument(
        "--catalog", type=Path, help="default: $CHATSHOP_CATALOG or ./catalog.yaml"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"chatshop: {error}", file=sys.stderr)
        return 2
    if args.command == "catalog":
        return check_catalog(args.path or settings.catalog_path)
    if args.command == "promo":
        return preview_promotions(args, settings)
    if args.command == "nlu":
        return explain_reading(args, settings)
    if args.command in ("followups", "stats", "orders"):
        return followups_command(args, settings)
    if args.command in (None, "run"):
        if args.command == "run":
            settings = _apply_run_flags(settings, args)
        return run_shop(settings)
    parser.print_help()
    return 2


def _apply_run_flags(settings: Settings, args: argparse.Namespace) -> Settings:
    changes = {
        "catalog_path": args.catalog,
        "db_path": args.db,
        "telegram_webhook_url": args.webhook_url,
        "telegram_webhook_listen": args.listen,
        "telegram_webhook_port": args.port,
    }
    return dataclasses.replace(settings, **{k: v for k, v in changes.items() if v is not None})


def check_catalog(path: Path) -> int:
    try:
        catalog = load_catalog(path)
    except CatalogError as error:
        print(error, file=sys.stderr)
        return 1
    print(
        f"{path}: OK — {len(catalog.products)} products in {len(catalog.categories)} "
        f"categories, {len(catalog.shop.faq)} FAQ entries."
    )
    return 0


def explain_reading(args: argparse.Namespace, settings: Settings) -> int:
    from bot.nlu.reading import ReadingContext, explain, read

    try:
        catalog = load_catalog(args.catalog or settings.catalog_path)
    except CatalogError as error:
        print(error, file=sys.stderr)
        return 1
    cart = tuple(sku.strip().upper() for sku in args.cart.split(",") if sku.strip())
    context = ReadingContext(args.last.upper() if args.last else None, cart)
    print(explain(read(args.text, catalog, context)))
    return 0


def run_shop(settings: Settings) -> int:
    # Before the first log line: no secret is ever logged or printed, at any level.
    redaction.install(redaction.secrets_of(settings))
    logging.basicConfig(
        level=getattr(logging, settings.log_level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if not (settings.telegram_token or settings.wechat_endpoint):
        # The sandbox prints to stdout; keep routine logs out of the conversation.
        logging.getLogger().setLevel(logging.WARNING)
    from bot.app import run

    try:
        asyncio.run(run(settings))
    except CatalogError as error:
        print(f"chatshop will not start: the catalog has problems.\n{error}", file=sys.stderr)
        return 1
    except (SettingsError, ChannelStartError) as error:
        print(redaction.redact(f"chatshop will not start: {error}"), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    except (sqlite3.DatabaseError, OSError, StoreBusy) as error:
        # A missing or read-only directory, a file that is not a database, a database
        # another writer holds (another chatshop on it, a backup): say which file.
        print(
            f"chatshop will not start: cannot use the database {settings.db_path} "
            f"(CHATSHOP_DB or --db): {error}",
            file=sys.stderr,
        )
        return 1
    except Exception as error:
        # Anything else at start (a database that cannot be opened, a token the platform
        # refuses): one line that says what, never a traceback holding a secret.
        logging.getLogger(__name__).debug("start failed", exc_info=True)
        print(
            redaction.redact(f"chatshop stopped: {type(error).__name__}: {error}"),
            file=sys.stderr,
        )
        return 1
    return 0


def preview_promotions(args: argparse.Namespace, settings: Settings) -> int:
    if not 1 <= args.days <= 31:
        print("chatshop: --days must be between 1 and 31", file=sys.stderr)
        return 2
    path = args.catalog or settings.catalog_path
    try:
        catalog = load_catalog(path)
    except CatalogError as error:
        print(error, file=sys.stderr)
        return 1
    print(asyncio.run(_preview(catalog, args.db or settings.db_path, args.days, args.lang)))
    return 0


async def _preview(catalog: Catalog, db: Path, days: int, language: str | None) -> str:
    from bot.clock import SystemClock
    from bot.store import Store
    from promotions.preview import preview_text

    clock = SystemClock()
    store = await Store.open(db, clock)
    try:
        # The same step as a start: the catalog's campaigns and products into the store.
        await store.stock.apply_catalog(catalog)
        return await preview_text(
            store, catalog, clock.now(), days, language or catalog.shop.default_language
        )
    finally:
        await store.close()


# --- follow-ups (issue 12): the due list and the statistics ---------------------------


def _add_followups_commands(commands: Any) -> None:
    due = commands.add_parser("followups", help="who is due for a follow-up, best first")
    due.add_argument(
        "--as-of", type=_day, help="the day to read it on, YYYY-MM-DD (default: today)"
    )
    due.add_argument("--json", action="store_true", help="for scripts")
    stats = commands.add_parser(
        "stats", help="orders, revenue, repeat buyers and follow-ups per month"
    )
    stats.add_argument("--months", type=int, default=6, help="how many months back (1-36)")
    stats.add_argument("--png", type=Path, help="also draw the chart into this PNG file")
    orders = commands.add_parser("orders", help="the shop's orders")
    orders_commands = orders.add_subparsers(dest="orders_command", required=True)
    history = orders_commands.add_parser(
        "import",
        help="import order history from a CSV file (columns: date, customer, contact,"
        " product, quantity, optional unit_price)",
    )
    history.add_argument("file", type=Path, help="CSV, UTF-8 or GB18030, header row first")
    history.add_argument(
        "--skip-bad", action="store_true", help="import the good rows, report the bad ones"
    )
    for parser in (due, stats, history):
        parser.add_argument(
            "--catalog", type=Path, help="default: $CHATSHOP_CATALOG or ./catalog.yaml"
        )
        parser.add_argument("--db", type=Path, help="default: $CHATSHOP_DB or ./chatshop.db")
        parser.add_argument("--lang", choices=("en", "zh"), help="default: the shop's language")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day like 2026-11-23") from error


def followups_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.clock import SystemClock
    from followups.cli import due_report, import_report, stats_report

    try:
        catalog = load_catalog(args.catalog or settings.catalog_path)
    except CatalogError as error:
        print(error, file=sys.stderr)
        return 1
    db = args.db or settings.db_path
    language = args.lang or catalog.shop.default_language
    if args.command == "orders":
        text, status = asyncio.run(
            import_report(catalog, db, SystemClock(), args.file, args.skip_bad)
        )
        print(text, file=sys.stderr if status else sys.stdout)
        return status
    if args.command == "followups":
        report = due_report(catalog, db, SystemClock(), args.as_of, args.json, language)
    else:
        if not 1 <= args.months <= 36:
            print("chatshop: --months must be between 1 and 36", file=sys.stderr)
            return 2
        report = stats_report(catalog, db, SystemClock(), args.months, args.png, language)
    print(asyncio.run(report))
    return 0
