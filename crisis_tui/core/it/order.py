"""The restart order of a set of systems: a topological sort with priorities."""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence

from crisis_tui.core.errors import UsageError
from crisis_tui.core.text import key
from crisis_tui.i18n import Message


class CycleError(UsageError):
    """Systems that depend on each other in a circle: no order exists. `systems` lists them, each needing the next."""

    def __init__(self, systems: Sequence[str], where: str = "") -> None:
        self.systems = tuple(systems)
        loop = " -> ".join((*self.systems, self.systems[0]))
        names = ", ".join(self.systems)
        super().__init__(Message("it.list_error.cycle_in", file=where, names=names, loop=loop) if where
                         else Message("it.list_error.cycle", names=names, loop=loop))


def _name_key(name: str) -> tuple[str, str]:
    return key(name), name


def _dependencies_first(depends_on: Mapping[str, Sequence[str]]) -> list[str]:
    """Every name after those it depends on (depth-first post-order); CycleError on a cycle."""
    state: dict[str, int] = {}  # 1: on the current path, 2: placed
    placed: list[str] = []
    for root in sorted(depends_on, key=_name_key):
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(sorted(depends_on[root], key=_name_key)))]
        while stack:
            node, pending = stack[-1]
            child = next(pending, None)
            if child is None:
                stack.pop()
                state[node] = 2
                placed.append(node)
            elif state.get(child) == 1:
                path = [name for name, _ in stack]
                raise CycleError(path[path.index(child):])
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(sorted(depends_on[child], key=_name_key))))
    return placed


def restart_sequence(systems: Mapping[str, tuple[int, Sequence[str]]]) -> list[str]:
    """The names in restart order. `systems`: name -> (tier, the names it depends on, each a key of `systems`).

    Dependencies win over tiers: a system never comes before a system it depends on, so a tier-1 system that depends
    on a tier-3 system comes after it. Among the systems whose dependencies are all placed, the most urgent goes
    first: a system's urgency is the most urgent tier among itself and every system waiting on it, directly or not
    (the network a tier-1 PACS needs is pulled forward with the PACS); then its own tier; then its name (case and
    accents ignored). A cycle raises CycleError naming the systems in it.
    """
    depends_on = {name: tuple(deps) for name, (_, deps) in systems.items()}
    placed = _dependencies_first(depends_on)
    urgency = {name: tier for name, (tier, _) in systems.items()}
    for name in reversed(placed):  # every system waiting on `name` is already settled
        for dependency in depends_on[name]:
            urgency[dependency] = min(urgency[dependency], urgency[name])
    waiting = {name: len(set(deps)) for name, deps in depends_on.items()}
    needed_by: dict[str, list[str]] = {name: [] for name in systems}
    for name, deps in depends_on.items():
        for dependency in set(deps):
            needed_by[dependency].append(name)

    def rank(name: str) -> tuple[int, int, str, str]:
        return (urgency[name], systems[name][0], *_name_key(name))

    ready = [rank(name) for name, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        name = heapq.heappop(ready)[-1]
        order.append(name)
        for dependent in needed_by[name]:
            waiting[dependent] -= 1
            if waiting[dependent] == 0:
                heapq.heappush(ready, rank(dependent))
    return order
