"""Items on the wire. The owner is the caller, never a field of a request; `version` is read by
clients and sent back on update and transfer, where it is compared, never assigned.

    ItemCreate (name, description?, price)       POST /items/
    ItemUpdate (version, fields to change)       PATCH /items/{id}
    ItemTransfer (new_owner_id, version)         POST /items/{id}/transfer
    ItemPublic (+ id, owner_id, version, ...)    every answer
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import MISSING, Field, Strict

from domain.items.item import MAX_DESCRIPTION, MAX_NAME
from entrypoints.http.schemas.fields import (
    MULTI_LINE,
    REQUIRED_SINGLE_LINE,
    Id,
    Money,
    MoneyOrZeroIn,
    PublicModel,
    RequestModel,
    UtcDatetime,
    Version,
)

__all__ = ["ItemCreate", "ItemPublic", "ItemTransfer", "ItemUpdate"]

ItemName = Annotated[str, Strict(), Field(min_length=1, max_length=MAX_NAME), REQUIRED_SINGLE_LINE]
ItemDescription = Annotated[str, Strict(), Field(max_length=MAX_DESCRIPTION), MULTI_LINE]


class ItemCreate(RequestModel):
    name: ItemName
    description: ItemDescription | None = None
    price: MoneyOrZeroIn


class ItemUpdate(RequestModel):
    version: Version = Field(description="The version the client read; a stale one is a 409.")
    name: ItemName | MISSING = MISSING
    description: ItemDescription | MISSING | None = MISSING
    price: MoneyOrZeroIn | MISSING = MISSING

    def changes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set - {"version"}}


class ItemTransfer(RequestModel):
    new_owner_id: Id = Field(description="Another active user of the store.")
    version: Version = Field(description="The version the client read; a stale one is a 409.")


class ItemPublic(PublicModel):
    id: int
    name: str
    description: str | None
    price: Money
    owner_id: int
    version: int
    created_at: UtcDatetime
    updated_at: UtcDatetime
