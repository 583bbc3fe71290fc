"""Restart order: tiers, dependencies first (even from a lower tier), urgency pulled forward, cycles named."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crisis_tui.core.errors import UsageError
from crisis_tui.core.it.order import CycleError, restart_sequence
from crisis_tui.core.text import key


def test_without_dependencies_tiers_then_names_case_and_accents_ignored():
    systems = {"pacs": (1, ()), "Élan": (2, ()), "Agenda": (2, ()), "zeta": (1, ()), "emails": (3, ())}
    assert restart_sequence(systems) == ["pacs", "zeta", "Agenda", "Élan", "emails"]


def test_a_system_never_comes_before_what_it_depends_on_even_from_a_lower_tier():
    systems = {"PACS": (1, ("Stockage",)), "Stockage": (3, ()), "Messagerie": (2, ())}
    order = restart_sequence(systems)
    assert order.index("Stockage") < order.index("PACS")


def test_the_dependencies_of_a_vital_system_are_pulled_forward_with_it():
    systems = {"PACS": (1, ("Stockage",)), "Stockage": (3, ()), "Messagerie": (2, ()), "Archive": (3, ())}
    assert restart_sequence(systems) == ["Stockage", "PACS", "Messagerie", "Archive"]


def test_a_chain_follows_its_dependencies():
    systems = {"RIS": (1, ("PACS", "AD")), "PACS": (1, ("AD",)), "AD": (1, ("DNS",)), "DNS": (1, ())}
    assert restart_sequence(systems) == ["DNS", "AD", "PACS", "RIS"]


@pytest.mark.parametrize(
    "systems, cycle",
    [
        ({"A": (1, ("A",))}, {"A"}),
        ({"A": (1, ("B",)), "B": (2, ("A",))}, {"A", "B"}),
        ({"A": (1, ("B",)), "B": (1, ("C",)), "C": (1, ("A",)), "D": (1, ("A",)), "E": (1, ())}, {"A", "B", "C"}),
    ],
)
def test_a_cycle_is_an_error_naming_exactly_its_systems(systems, cycle):
    with pytest.raises(CycleError) as caught:
        restart_sequence(systems)
    assert set(caught.value.systems) == cycle
    assert isinstance(caught.value, UsageError)
    message = str(caught.value)
    assert "cycle" in message and all(name in message for name in cycle)
    assert "\n" not in message


@st.composite
def dags(draw):
    """Random systems whose dependencies only point to earlier ones (so no cycle), names shuffled."""
    count = draw(st.integers(1, 15))
    names = [f"S{n:02d}" for n in range(count)]
    systems = {}
    for index, name in enumerate(names):
        deps = draw(st.lists(st.sampled_from(names[:index]), max_size=4, unique=True)) if index else []
        systems[name] = (draw(st.integers(1, 4)), tuple(deps))
    return systems


@settings(max_examples=100, deadline=None)
@given(dags())
def test_any_acyclic_list_gives_every_system_once_after_its_dependencies(systems):
    order = restart_sequence(systems)
    assert sorted(order) == sorted(systems)
    position = {name: n for n, name in enumerate(order)}
    for name, (_, deps) in systems.items():
        assert all(position[d] < position[name] for d in deps)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.from_regex(r"[A-Za-z][a-z]{0,5}", fullmatch=True), st.integers(1, 4), max_size=20))
def test_among_free_systems_the_most_urgent_tier_goes_first(tiers):
    """With no system waiting on any other, the order is by tier, then name (case, accents, a plural s ignored)."""
    free = {name: (tier, ()) for name, tier in tiers.items()}
    assert restart_sequence(free) == sorted(free, key=lambda n: (free[n][0], key(n), n))


@settings(max_examples=100, deadline=None)
@given(dags(), st.data())
def test_an_added_back_edge_makes_a_cycle_whose_named_systems_each_depend_on_the_next(systems, data):
    names = sorted(systems)
    low = data.draw(st.sampled_from(names))
    later = [n for n in names if n >= low]
    high = data.draw(st.sampled_from(later))
    # `low` and `high` now depend on each other (one system depending on itself when they are the same)
    cyclic = dict(systems)
    cyclic[low] = (systems[low][0], (*systems[low][1], high))
    cyclic[high] = (cyclic[high][0], (*cyclic[high][1], low)) if high != low else cyclic[high]
    with pytest.raises(CycleError) as caught:
        restart_sequence(cyclic)
    found = caught.value.systems
    for index, name in enumerate(found):
        assert found[(index + 1) % len(found)] in cyclic[name][1]
