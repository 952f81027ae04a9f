"""What happened: the base of every event a use case records for after its commit.

An event is a frozen dataclass named in the past tense (`ItemTransferred`), holding ids and
the values its handlers need, never an entity: it outlives the transaction that recorded it.
A use case records it on its unit of work (`uow.record(event)`); its handlers run only once
that transaction has committed (application/shared/events.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["Event"]


@dataclass(frozen=True, kw_only=True)
class Event:
    """Something that happened at `occurred_at` (aware UTC)."""

    occurred_at: datetime
