"""Side effects after the commit: events a use case records, handled once it has committed.

    async with self.uow as uow:
        ...
        uow.record(item.transfer_to(new_owner, now))     # an Event (domain/shared/events.py)
        await uow.commit()
    # leaving the block: the session is closed, then each handler of each committed event
    # runs in a unit of work of its own (EventBus.publish)

A use case records what happened; it does not know who listens. `SUBSCRIPTIONS`
(application/subscriptions.py) is the one place that says which handlers an event type has;
the composition root gives every unit of work the `EventBus` built from it.

What the bus promises:
- A handler runs only if the transaction that recorded the event committed: events recorded
  in an attempt that rolled back (an error, a refused commit, leaving the block without
  `commit()`, an attempt run again by `retried_on_contention`) are dropped with it.
- It runs after the business transaction has ended, in a fresh unit of work (the same
  storage and store), with its own transaction: it cannot undo the business change, and it
  sees it committed. Lock contention in it is retried like a use case's.
- Its failure is logged (with the request's id, which the log format adds) and goes no
  further: the caller has its answer already. The effect is then lost; what must not be lost
  belongs in the business transaction itself, in a savepoint if it may fail alone.

Handlers run in the order of `SUBSCRIPTIONS`, one after the other, before the use case
returns: no background task outlives the request, and a test sees their effect at once. This
class is where a message bus or a transactional outbox would plug in: `publish` would hand
the events to it (an outbox would write them in the business transaction instead, from
`UnitOfWork.commit`), and the handlers would stay as they are.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

from application.shared.retry import retrying
from domain.shared.events import Event

if TYPE_CHECKING:
    from application.shared.unit_of_work import UnitOfWork

__all__ = ["NO_SUBSCRIPTIONS", "EventBus", "EventHandler", "Subscriptions"]

log = logging.getLogger(__name__)

EventHandler: TypeAlias = "Callable[[Any, UnitOfWork], Awaitable[None]]"
"""`async def handler(event, uow)`: does its work in `async with uow:` … `await uow.commit()`."""

Subscriptions: TypeAlias = "Mapping[type[Event], Sequence[EventHandler]]"

NO_SUBSCRIPTIONS: Subscriptions = {}


class EventBus:
    """Runs the handlers of committed events, each in a unit of work of its own."""

    def __init__(self, subscriptions: Subscriptions = NO_SUBSCRIPTIONS) -> None:
        self._subscriptions = {kind: tuple(found) for kind, found in subscriptions.items()}

    def handlers_of(self, event: Event) -> tuple[EventHandler, ...]:
        return self._subscriptions.get(type(event), ())

    async def publish(self, events: Iterable[Event], fresh: Callable[[], UnitOfWork]) -> None:
        """Run every handler of every event; `fresh()` gives each run a new unit of work.
        Never raises for a handler's failure: it logs it and goes on with the next."""
        for event in events:
            for handler in self.handlers_of(event):
                await _handle(handler, event, fresh)


async def _handle(handler: EventHandler, event: Event, fresh: Callable[[], UnitOfWork]) -> None:
    """One handler on one event, in a unit of work of its own (a new one per attempt when
    contention makes it run again); its failure is logged here and goes no further."""
    try:
        await retrying(lambda: handler(event, fresh()))
    except Exception:
        log.exception(
            "after-commit handler %s failed on %s; the business change stands",
            getattr(handler, "__qualname__", repr(handler)),
            type(event).__name__,
        )
