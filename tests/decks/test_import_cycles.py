"""The deck readers and the template modules import each other one way only (issue 10).

Checked on the real import graph (grimp), lazy imports inside functions included.
"""

from __future__ import annotations

import grimp
import pytest

PAIRS = [
    ("gradeck.decks.loader", "gradeck.decks.templates"),
    ("gradeck.decks.loader", "gradeck.decks.network_spec"),
    ("gradeck.decks.templates", "gradeck.decks.network_spec"),
    ("gradeck.exercises.template", "gradeck.exercises.template_network"),
]


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("gradeck", cache_dir=None)


@pytest.mark.parametrize(("one", "other"), PAIRS)
def test_no_import_cycle(graph: grimp.ImportGraph, one: str, other: str) -> None:
    both_ways = graph.chain_exists(one, other) and graph.chain_exists(other, one)
    assert not both_ways, graph.find_shortest_chain(other, one)
