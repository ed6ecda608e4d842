"""The transaction of a service, and batch steps that hold one savepoint for many services.

Every service runs in ``atomic()``: the transaction of the request, or a
savepoint when a caller already holds a transaction, so that a refused change
leaves the caller's transaction usable.  A batch that calls thousands of
services inside one transaction (the demo county) wraps each of its steps in
``one_savepoint_per_step()`` instead: the step's savepoint undoes the whole
step when a service inside refuses it, and the services inside open no
savepoints of their own (two statements each, about half of all statements
the demo sent before).  Anything that catches an error inside a step and goes
on keeps a savepoint of its own (Django's ``transaction.atomic``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, transaction

_own_savepoints: ContextVar[bool] = ContextVar("lotse_service_savepoints", default=True)


def atomic() -> transaction.Atomic:
    """The service's transaction: a savepoint when nested, unless a batch step holds one for it."""
    return transaction.atomic(savepoint=_own_savepoints.get())


def in_batch_step() -> bool:
    """Whether a batch step (``one_savepoint_per_step``) holds the savepoint for what runs now.

    A database error inside it then undoes the whole step; code that would catch such an error and go on
    does not need (nor may rely on) a savepoint of its own.
    """
    return not _own_savepoints.get()


@contextmanager
def one_savepoint_per_step() -> Iterator[None]:
    """One savepoint for the services called inside: an error undoes all of them, and only them."""
    with transaction.atomic():
        token = _own_savepoints.set(False)
        try:
            yield
        finally:
            _own_savepoints.reset(token)


@contextmanager
def planner_setting(name: str, value: str) -> Iterator[None]:
    """Run the statements inside with one PostgreSQL setting changed, in a transaction, and put it back after.

    For the rare query whose plan the planner gets wrong by its estimates
    alone; the setting never outlives the block (the caller's transaction
    goes on with its own value).
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s), set_config(%s, %s, true)", [name, name, value])
        (before, _now) = cursor.fetchone()
        yield
        # On an error the block's savepoint (or transaction) is rolled back, and the setting with it.
        cursor.execute("SELECT set_config(%s, %s, true)", [name, before])
