"""The stores read side, and the directory the HTTP edge finds a request's store in.

`StoreDirectory.find(slug)` answers every request (an anonymous one names its store with
`X-Store`; a token names its own), so it keeps what it found for `ttl` per process: a
deactivated store stops answering within that delay on every worker, and a new one is found
at once (a slug never found is not kept).
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from application.shared.ports import Clock
from application.stores.read_models import StoreView
from domain.shared.errors import NotFound

__all__ = ["StoreDirectory", "StoreQueries"]


class StoreQueries(abc.ABC):
    @abc.abstractmethod
    async def get_by_slug(self, slug: str) -> StoreView | None: ...

    @abc.abstractmethod
    async def list(self) -> Sequence[StoreView]:
        """Every store, in id order."""


@dataclass
class StoreDirectory:
    stores: StoreQueries
    clock: Clock
    ttl: timedelta = timedelta(seconds=5)
    _found: dict[str, tuple[StoreView, datetime]] = field(default_factory=dict)

    async def find(self, slug: str) -> StoreView:
        """The active store of that slug; an unknown or inactive one is `NotFound`."""
        now = self.clock.now()
        kept = self._found.get(slug)
        if kept is not None and now - kept[1] < self.ttl:
            store = kept[0]
        else:
            found = await self.stores.get_by_slug(slug)
            if found is None:
                raise NotFound("store", slug, by="slug")
            store = found
            self._found[slug] = (store, now)
        if not store.is_active:
            raise NotFound("store", slug, by="slug")
        return store
