"""Break each promise on purpose and see which test notices: ``make mutate``.

Each mutation below is a named, deliberate breakage of one line of our code (the owner
check removed, quiet hours ignored, ...), with the tests that ought to fail on it. The
script copies the working tree (tracked and untracked files, as they are now) into a
temporary folder once, then for each mutation patches that copy, runs only the named
tests there with this checkout's .venv, and restores the file. The working tree itself is
never written to.

It prints a table: mutation -> the tests that failed on it (the first, and how many
more: a promise caught by one test alone rests on that test), or NOT CAUGHT; and exits
1 if any mutation was not caught, its target line was not found (the code moved: update
the mutation), or the tests fail before anything is broken.

    .venv/bin/python tools/mutate.py            # every mutation
    .venv/bin/python tools/mutate.py owner fat  # those whose name contains a word given

Run it before calling a promise-bearing issue resolved, and add a mutation for each new
promise.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON = REPO / ".venv" / "bin" / "python"
STAND_IN_MODULES = Path("tests/integration/wechat_stand_in/node_modules")


@dataclass(frozen=True)
class Mutation:
    name: str
    path: str  # relative to the repository
    old: str  # must occur exactly once in the file
    new: str
    tests: tuple[str, ...]  # pytest arguments: files, folders or node ids


PROMOTIONS = "tests/promotions"
ROUTER = "tests/bot/test_router.py"
TELEGRAM = "tests/integration"

MUTATIONS: tuple[Mutation, ...] = (
    # --- the ten the first mutation check found caught, and the router's catch-all ---
    Mutation(
        # One guard serves every route, buttons and commands alike (issue 8).
        "owner check removed from the route guard",
        "bot/router.py",
        '        if owner and not ctx.is_owner:\n            log.warning("refused owner-only',
        '        if False:\n            log.warning("refused owner-only',
        (ROUTER, "tests/handlers"),
    ),
    Mutation(
        "oversell allowed",
        "bot/store/sqlite/orders.py",
        "if stock.get(line.sku, 0) < line.qty",
        "if False",
        ("tests/handlers", "tests/store"),
    ),
    Mutation(
        "quiet hours ignored",
        "promotions/caps.py",
        "    if in_quiet_hours(local.time(), caps):",
        "    if False:",
        (PROMOTIONS,),
    ),
    Mutation(
        "opt-out words ignored",
        "promotions/commands.py",
        "    return text if ctx.reading_of(Intent.OPT_OUT) else None",
        "    return None",
        (PROMOTIONS, "tests/handlers", ROUTER),
    ),
    Mutation(
        "stopped subscribers still get posts",
        "bot/store/sqlite/customers.py",
        "WHERE promo_subscribed = 1 AND promo_stopped = 0",
        "WHERE promo_subscribed = 1",
        (PROMOTIONS, "tests/handlers", "tests/store"),
    ),
    Mutation(
        "posts caught mid-send resent after a restart",
        "promotions/engine.py",
        "                PostState.FAILED,\n"
        '                error="outcome unknown: the bot stopped while sending',
        "                PostState.PENDING,\n"
        '                error="outcome unknown: the bot stopped while sending',
        (PROMOTIONS, "tests/bot/test_scheduler.py"),
    ),
    Mutation(
        "group chatter answered",
        "bot/middleware.py",
        "        if not incoming.addressed:\n            return  # group chatter",
        "        if False:\n            return  # group chatter",
        ("tests/handlers", PROMOTIONS, "tests/integration/test_telegram_groups.py"),
    ),
    Mutation(
        "HTML escaping dropped (Telegram)",
        "bot/channels/telegram.py",
        "text = html.escape(message.text, quote=False)",
        "text = message.text",
        (TELEGRAM,),
    ),
    Mutation(
        "duplicate sku accepted",
        "bot/catalog.py",
        "            if sku.upper() in skus:\n                yield CatalogIssue(",
        "            if False:\n                yield CatalogIssue(",
        ("tests/bot/test_catalog.py", "tests/promotions/test_second_angle.py"),
    ),
    Mutation(
        "429 retry_after not waited on",
        "bot/delivery.py",
        "await self._clock.sleep(retry.seconds)",
        "await self._clock.sleep(0)",
        ("tests/bot/test_delivery.py", TELEGRAM),
    ),
    Mutation(
        "router catch-all for handler errors removed",
        "bot/middleware.py",
        "            raise  # not a bug: the router asks the person to send it again\n"
        "        except Exception:",
        "            raise  # not a bug: the router asks the person to send it again\n"
        "        except ArithmeticError:",
        (ROUTER, "tests/handlers"),
    ),
    # --- the seven that passed the whole suite ---
    Mutation(
        "live default: 3 posts a group a day",
        "bot/catalog.py",
        "group_daily: int = Field(default=2,",
        "group_daily: int = Field(default=3,",
        (PROMOTIONS,),
    ),
    Mutation(
        "start-up skips recover()",
        "promotions/jobs.py",
        "settled = await self.promotions.recover()",
        "settled = 0",
        ("tests/bot/test_scheduler.py", PROMOTIONS),
    ),
    Mutation(
        "start-up skips catch_up()",
        "promotions/jobs.py",
        "        self.promotions.watch_slots(now - self.promotions.grace)",
        "        self.promotions.watch_slots(now)",
        ("tests/bot/test_scheduler.py", PROMOTIONS),
    ),
    Mutation(
        "fatigue disabled in the live engine",
        "promotions/audiences.py",
        "                learns_fatigue=True,",
        "                learns_fatigue=False,",
        (PROMOTIONS,),
    ),
    Mutation(
        "per-group caps ignored",
        "promotions/audiences.py",
        "                caps=own,",
        "                caps=None,",
        (PROMOTIONS,),
    ),
    Mutation(
        "a paid order cancelled by the customer",
        "handlers/orders.py",
        "    if order.status is not OrderStatus.PENDING_PAYMENT:\n        ctx.reply(\n"
        '            ctx.t(\n                "orders.cannot_cancel"',
        "    if False:\n        ctx.reply(\n"
        '            ctx.t(\n                "orders.cannot_cancel"',
        ("tests/handlers",),
    ),
    Mutation(
        # One guard serves buttons and commands alike (issue 8).
        "private route used in a group answered there",
        "bot/router.py",
        "        elif private is not None and ctx.chat.is_group:\n"
        "            await self._move_to_private(ctx, private, False)\n"
        "        else:",
        "        else:",
        ("tests/handlers",),
    ),
    Mutation(
        "/reload does not write the stock",
        "handlers/owner.py",
        "    await ctx.store.stock.apply_catalog(catalog)\n",
        "",
        ("tests/handlers",),
    ),
    # --- issue 14: what a broadcast works out once, and the preview's speed-ups ---
    Mutation(
        "a broadcast's clock worked out once for every zone",
        "promotions/caps.py",
        "        key = (timezone, id(caps))",
        '        key = ("", id(caps))',
        (PROMOTIONS,),
    ),
    Mutation(
        "a broadcast's clock worked out once for every group's caps",
        "promotions/caps.py",
        "        key = (timezone, id(caps))",
        "        key = (timezone, 0)",
        (PROMOTIONS,),
    ),
    Mutation(
        "the gap between posts without the tolerance",
        "promotions/caps.py",
        "        self.gap_after = at - caps.group_min_gap + TOLERANCE",
        "        self.gap_after = at - caps.group_min_gap",
        (PROMOTIONS,),
    ),
    Mutation(
        "the product cool-down and overlap without the tolerance",
        "promotions/caps.py",
        "        self.cooling_span = caps.product_cooldown - TOLERANCE",
        "        self.cooling_span = caps.product_cooldown",
        (PROMOTIONS,),
    ),
    Mutation(
        "a subscriber's week without the tolerance",
        "promotions/caps.py",
        "        self.week_after = at - _WEEK + TOLERANCE",
        "        self.week_after = at - _WEEK",
        (PROMOTIONS,),
    ),
    Mutation(
        "a chat handed its last decision with other products",
        "promotions/caps.py",
        "            and last.skus == skus\n",
        "",
        (PROMOTIONS,),
    ),
    Mutation(
        "a broadcast's own posts not counted against the shop budget",
        "promotions/caps.py",
        "            broadcast.posted_today += 1",
        "            pass",
        (PROMOTIONS,),
    ),
    Mutation(
        "the garbage collector left off after a preview",
        "promotions/simulate.py",
        "        if enabled:\n            gc.enable()",
        "        if False:\n            gc.enable()",
        (PROMOTIONS,),
    ),
)


@dataclass
class Outcome:
    mutation: Mutation
    caught_by: str | None  # the first failing test; None: not caught
    also: int  # how many other tests failed
    seconds: float
    problem: str = ""  # the mutation could not be applied


def copy_tree(into: Path) -> None:
    """The working tree as it is now: tracked and untracked files, not ignored ones."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        check=True,
        capture_output=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if not source.is_file():
            continue  # deleted in the working tree but still in the index
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    if (REPO / STAND_IN_MODULES).is_dir():  # the WeChat stand-in's installed packages
        (into / STAND_IN_MODULES).symlink_to(REPO / STAND_IN_MODULES)


FAILED = re.compile(r"^(?:FAILED|ERROR) (\S+)", re.MULTILINE)


def run_tests(tree: Path, tests: tuple[str, ...]) -> tuple[int, str]:
    env = {**os.environ, "PYTHONPATH": str(tree), "CI": "1"}  # derandomised Hypothesis
    result = subprocess.run(
        [str(PYTHON), "-m", "pytest", "-q", "-rfE", "-p", "no:cacheprovider", *tests],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode, result.stdout + result.stderr


def apply(tree: Path, mutation: Mutation) -> str | None:
    """Patch the copy; None, or why the mutation no longer fits the code."""
    path = tree / mutation.path
    text = path.read_text(encoding="utf-8")
    count = text.count(mutation.old)
    if count != 1:
        return f"target found {count} times in {mutation.path}: update the mutation"
    path.write_text(text.replace(mutation.old, mutation.new), encoding="utf-8")
    return None


def check(tree: Path, mutation: Mutation) -> Outcome:
    original = (tree / mutation.path).read_text(encoding="utf-8")
    started = time.monotonic()
    problem = apply(tree, mutation)
    if problem:
        return Outcome(mutation, None, 0, 0.0, problem)
    try:
        code, output = run_tests(tree, mutation.tests)
    finally:
        (tree / mutation.path).write_text(original, encoding="utf-8")
    seconds = time.monotonic() - started
    if code == 0:
        return Outcome(mutation, None, 0, seconds)
    failed = list(dict.fromkeys(FAILED.findall(output)))  # in order, once each
    if not failed:
        return Outcome(mutation, f"pytest exit {code}", 0, seconds)
    return Outcome(mutation, failed[0], len(failed) - 1, seconds)


def caught(outcome: Outcome) -> str:
    if outcome.problem:
        return outcome.problem
    if not outcome.caught_by:
        return "NOT CAUGHT"
    return outcome.caught_by + (f" (+{outcome.also} more)" if outcome.also else " (alone)")


def table(outcomes: list[Outcome]) -> str:
    lines = ["| mutation | caught by | other tests failing | s |", "| --- | --- | --- | --- |"]
    for outcome in outcomes:
        if outcome.problem or not outcome.caught_by:
            verdict, also = f"**{caught(outcome)}**", ""
        else:
            verdict, also = f"`{outcome.caught_by}`", str(outcome.also)
        lines.append(f"| {outcome.mutation.name} | {verdict} | {also} | {outcome.seconds:.0f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("words", nargs="*", help="run only mutations whose name has a word")
    args = parser.parse_args(argv)
    chosen = [m for m in MUTATIONS if not args.words or any(w in m.name for w in args.words)]
    if not chosen:
        print("no mutation matches", args.words, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="chatshop-mutate-") as temp:
        tree = Path(temp)
        copy_tree(tree)
        imported = subprocess.run(
            [str(PYTHON), "-c", "import bot; print(bot.__file__)"],
            cwd=tree,
            env={**os.environ, "PYTHONPATH": str(tree)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        assert imported.startswith(str(tree)), f"the copy must be what runs, not {imported}"
        every_test = tuple(sorted({t for m in chosen for t in m.tests}))
        print(f"baseline: {' '.join(every_test)}", flush=True)
        code, output = run_tests(tree, every_test)
        if code != 0:
            print(output[-3000:])
            print("the tests fail with nothing broken: fix that first", file=sys.stderr)
            return 1
        outcomes = []
        for mutation in chosen:
            outcome = check(tree, mutation)
            print(f"  {mutation.name}: {caught(outcome)}", flush=True)
            outcomes.append(outcome)
    print()
    print(table(outcomes))
    missed = [o for o in outcomes if o.problem or not o.caught_by]
    print(f"\n{len(outcomes) - len(missed)} of {len(outcomes)} mutations caught.")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
