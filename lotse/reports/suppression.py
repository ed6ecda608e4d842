"""Small-number suppression of a report: primary and secondary, over declared relations between its counts.

A report publishes counts that are tied to each other: a total and the parts
that add up to it (clients = minors + adults + age unknown), a column over
groups and the row of all of them. Hiding a small count alone is not enough
when it can be recalculated from what stays visible (122 - 49 - 72 = 1). So:

- **primary**: every count under the limit (0 included) is hidden;
- **secondary**: while any hidden count can still be worked out from the shown
  ones, one more count is hidden, the smallest shown part of a relation of the
  exposed cell that protects it (a total only when no part is left).

"Worked out" is checked in two ways, as someone holding every number of the
page and its exports could:

- **by adding and subtracting**: treating every equation (``sum``, and
  ``cover`` as if it were one) as exact, a hidden cell is recoverable when
  some combination of the equations leaves it as the only hidden cell
  (Gaussian elimination over the hidden cells, one connected group at a
  time);
- **by bounds**: a primary cell is known to lie in 0 … limit - 1, a secondary
  one at limit or above; narrowing these intervals through every relation
  (including the ``subset`` inequalities) must leave each hidden cell more
  than one possible value.

Cells are named by their row and column; a cell shown in several places of a
report (the reference date in the month rows, the summary and the rows "all"
of the breakdowns) is one key, so it is hidden everywhere or nowhere.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

# A cell of a report: its row and its column.
CellId = tuple[str, str]
Kind = Literal["sum", "cover", "subset"]
Mark = Literal["primary", "secondary"]
PRIMARY: Mark = "primary"
SECONDARY: Mark = "secondary"
# Upper bound of a hidden cell that nothing narrows; a float so that interval sums stay simple.
UNBOUNDED = math.inf
# Enough rounds of narrowing for the report's shapes (chains of at most a few relations per cell).
MAX_ROUNDS = 50


@dataclass(frozen=True)
class Relation:
    """``total`` and its ``parts``.

    - ``sum``: the total is exactly the sum of the parts (clients = minors + adults + age unknown; the
      active cases of all groups).
    - ``cover``: persons counted per group: a person with cases in two groups counts in both, so the
      total is at most the sum of the parts and each part at most the total. Usually nobody counts twice,
      so whoever reads the table takes it for a sum; it is protected as one.
    - ``subset``: the parts together are at most the total (adults with B1 among the adults); no sum.
    """

    total: CellId
    parts: tuple[CellId, ...]
    kind: Kind = "sum"

    @property
    def cells(self) -> tuple[CellId, ...]:
        return (self.total, *self.parts)

    @property
    def is_equation(self) -> bool:
        return self.kind != "subset"


def suppress(values: Mapping[CellId, int], relations: Sequence[Relation], limit: int) -> dict[CellId, Mark]:
    """The hidden cells of ``values`` (every cell of every relation must be among them) and why each is hidden.

    Deterministic: the order of ``values`` breaks ties.
    """
    order = {cell: index for index, cell in enumerate(values)}
    hidden: dict[CellId, Mark] = {cell: PRIMARY for cell, value in values.items() if value < limit}
    if not hidden:
        return hidden
    relations_of: dict[CellId, list[Relation]] = {}
    for relation in relations:
        for cell in relation.cells:
            relations_of.setdefault(cell, []).append(relation)
    # First the cheap part, relation by relation: no equation may keep exactly one hidden cell.
    equations = [relation for relation in relations if relation.is_equation]
    changed = True
    while changed:
        changed = False
        for relation in equations:
            alone = [cell for cell in relation.cells if cell in hidden]
            if len(alone) == 1:
                complement = _complement(alone[0], values, [relation], hidden, [relation], limit, order)
                if complement is not None:
                    hidden[complement] = SECONDARY
                    changed = True
    # Then every combination of relations, and the bounds the marks give.
    beyond_help: set[CellId] = set()
    while True:
        exposed = sorted(disclosed(values, relations, hidden, limit) - beyond_help, key=order.__getitem__)
        if not exposed:
            return hidden
        cell = exposed[0]
        complement = _complement(cell, values, relations_of.get(cell, []), hidden, relations, limit, order)
        if complement is None:
            # Every cell of its relations is hidden already; hiding more elsewhere cannot help it.
            beyond_help.add(cell)
        else:
            hidden[complement] = SECONDARY


def _complement(
    cell: CellId,
    values: Mapping[CellId, int],
    own_relations: Sequence[Relation],
    hidden: Mapping[CellId, Mark],
    relations: Sequence[Relation],
    limit: int,
    order: Mapping[CellId, int],
) -> CellId | None:
    """The shown cell to hide next for ``cell``: the smallest part that protects it, else the smallest cell."""
    ranks: dict[CellId, tuple[int, int, int]] = {}
    for relation in own_relations:
        for candidate in relation.cells:
            if candidate in hidden:
                continue
            rank = (int(candidate == relation.total), values[candidate], order[candidate])
            ranks[candidate] = min(rank, ranks.get(candidate, rank))
    candidates = sorted(ranks, key=ranks.__getitem__)
    for candidate in candidates:
        if cell not in disclosed(values, relations, {**hidden, candidate: SECONDARY}, limit):
            return candidate
    return candidates[0] if candidates else None


def disclosed(
    values: Mapping[CellId, int], relations: Sequence[Relation], hidden: Mapping[CellId, Mark], limit: int
) -> set[CellId]:
    """The hidden cells that the shown ones give away, by adding and subtracting or by bounds."""
    if not hidden:
        return set()
    return recoverable_by_equations(relations, hidden) | narrowed_by_bounds(values, relations, hidden, limit)


def recoverable_by_equations(relations: Sequence[Relation], hidden: Iterable[CellId]) -> set[CellId]:
    """Hidden cells that some sum and difference of the equations expresses in shown cells alone."""
    hidden_set = set(hidden)
    rows: list[dict[CellId, int]] = []
    for relation in relations:
        if not relation.is_equation:
            continue
        row: dict[CellId, int] = {}
        for cell, sign in ((relation.total, 1), *((part, -1) for part in relation.parts)):
            if cell in hidden_set:
                row[cell] = row.get(cell, 0) + sign
        row = {cell: sign for cell, sign in row.items() if sign}
        if row:
            rows.append(row)
    found: set[CellId] = set()
    for component in _components(rows):
        found |= _determined(component)
    return found


def _components(rows: list[dict[CellId, int]]) -> list[list[dict[CellId, int]]]:
    """The equations grouped by shared hidden cells (each group can be eliminated on its own)."""
    parent: dict[CellId, CellId] = {}

    def root(cell: CellId) -> CellId:
        while parent.setdefault(cell, cell) != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    for row in rows:
        first, *rest = row
        for cell in rest:
            parent[root(cell)] = root(first)
    groups: dict[CellId, list[dict[CellId, int]]] = {}
    for row in rows:
        groups.setdefault(root(next(iter(row))), []).append(row)
    return list(groups.values())


def _determined(rows: list[dict[CellId, int]]) -> set[CellId]:
    """The unknowns fixed by ``rows``: a unit vector lies in the row space exactly when a row of the
    reduced echelon form is that unit vector. Integer elimination (rows kept free of common factors)
    is exact and much faster than fractions."""
    columns = list(dict.fromkeys(cell for row in rows for cell in row))
    matrix = [[row.get(cell, 0) for cell in columns] for row in rows]
    pivot_row = 0
    pivots: list[tuple[int, int]] = []
    for column in range(len(columns)):
        found = next((r for r in range(pivot_row, len(matrix)) if matrix[r][column] != 0), None)
        if found is None:
            continue
        matrix[pivot_row], matrix[found] = matrix[found], matrix[pivot_row]
        pivot = matrix[pivot_row]
        lead = pivot[column]
        for r in range(len(matrix)):
            factor = matrix[r][column]
            if r != pivot_row and factor != 0:
                reduced = [lead * a - factor * b for a, b in zip(matrix[r], pivot, strict=True)]
                divisor = math.gcd(*reduced)
                matrix[r] = [entry // divisor for entry in reduced] if divisor > 1 else reduced
        pivots.append((pivot_row, column))
        pivot_row += 1
        if pivot_row == len(matrix):
            break
    return {columns[column] for r, column in pivots if sum(1 for entry in matrix[r] if entry != 0) == 1}


def narrowed_by_bounds(
    values: Mapping[CellId, int], relations: Sequence[Relation], hidden: Mapping[CellId, Mark], limit: int
) -> set[CellId]:
    """Hidden cells left with a single possible value once their intervals are narrowed through the relations.

    Narrowed through all relations together as they truly are, and through each equation alone with a
    ``cover`` taken for a sum, as a reader would (one relation at a time: where persons count in two
    groups that sum is wrong, and chaining wrong sums proves nothing).
    """
    bounds = _bounds(values, relations, hidden, limit, covers_as_sums=False)
    found = {cell for cell in hidden if bounds[cell][0] == bounds[cell][1]}
    for relation in relations:
        if relation.kind != "cover" or not any(cell in hidden for cell in relation.cells):
            continue
        own = {cell: values[cell] for cell in relation.cells}
        own_hidden = {cell: hidden[cell] for cell in relation.cells if cell in hidden}
        bounds = _bounds(own, [relation], own_hidden, limit, covers_as_sums=True)
        found |= {cell for cell in own_hidden if bounds[cell][0] == bounds[cell][1]}
    return found


def _bounds(
    values: Mapping[CellId, int],
    relations: Sequence[Relation],
    hidden: Mapping[CellId, Mark],
    limit: int,
    covers_as_sums: bool,
) -> dict[CellId, tuple[float, float]]:
    low: dict[CellId, float] = {}
    high: dict[CellId, float] = {}
    for cell, value in values.items():
        mark = hidden.get(cell)
        low[cell], high[cell] = (
            (value, value) if mark is None else (0, limit - 1) if mark == PRIMARY else (limit, UNBOUNDED)
        )
    active = [relation for relation in relations if any(cell in hidden for cell in relation.cells)]

    def narrow(cell: CellId, at_least: float, at_most: float) -> bool:
        new_low, new_high = max(low[cell], at_least), min(high[cell], at_most)
        if (new_low, new_high) == (low[cell], high[cell]):
            return False
        low[cell], high[cell] = new_low, new_high
        return True

    for _round in range(MAX_ROUNDS):
        changed = False
        for relation in active:
            total, parts = relation.total, relation.parts
            kind = "sum" if relation.kind == "cover" and covers_as_sums else relation.kind
            parts_low = sum(low[part] for part in parts)
            parts_high = sum(high[part] for part in parts)
            if kind == "sum":
                changed |= narrow(total, parts_low, parts_high)
            elif kind == "cover":
                changed |= narrow(total, max(low[part] for part in parts), parts_high)
            else:
                changed |= narrow(total, parts_low, UNBOUNDED)
            unbounded = sum(1 for part in parts if high[part] == UNBOUNDED)
            finite_high = sum(high[part] for part in parts if high[part] != UNBOUNDED)
            for part in parts:
                if part not in hidden:
                    continue
                others_low = parts_low - low[part]
                own_unbounded = high[part] == UNBOUNDED
                others_high = (
                    UNBOUNDED if unbounded - own_unbounded else finite_high - (0 if own_unbounded else high[part])
                )
                if kind == "sum":
                    changed |= narrow(part, low[total] - others_high, high[total] - others_low)
                elif kind == "cover":
                    changed |= narrow(part, low[total] - others_high, high[total])
                else:
                    changed |= narrow(part, 0, high[total] - others_low)
        if not changed:
            break
    return {cell: (low[cell], high[cell]) for cell in hidden}
