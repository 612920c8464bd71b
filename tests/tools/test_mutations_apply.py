"""`make mutate` breaks the code in named places: each place must still be in the code,
once, or a merge that moved it leaves the mutation check failing only when someone runs it."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from support import REPO

SPEC = importlib.util.spec_from_file_location("mutate", REPO / "tools" / "mutate.py")
assert SPEC is not None and SPEC.loader is not None
mutate = importlib.util.module_from_spec(SPEC)
sys.modules["mutate"] = mutate  # its dataclasses look their module up by name
SPEC.loader.exec_module(mutate)


@pytest.mark.parametrize("mutation", mutate.MUTATIONS, ids=lambda m: m.name)
def test_every_mutation_still_finds_its_place_once(mutation: object) -> None:
    source = (REPO / mutation.path).read_text(encoding="utf-8")  # type: ignore[attr-defined]
    assert source.count(mutation.old) == 1  # type: ignore[attr-defined]
