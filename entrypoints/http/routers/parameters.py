"""Path parameters several routers share, range-checked like the columns they hit.

Routes declare them as `{user_id:int}`: only digits match, so `/users/top-spenders` can never
be taken for a user id, and a wrong method on a fixed path is a 405, not a 422.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from application.shared.listing import INT4_MAX

__all__ = ["CategoryId", "ItemId", "NotificationId", "OrderId", "ProductId", "TransferId", "UserId"]


def _id(what: str) -> object:
    return Path(ge=1, le=INT4_MAX, description=f"The {what}'s id.")


UserId = Annotated[int, _id("user")]
CategoryId = Annotated[int, _id("category")]
ProductId = Annotated[int, _id("product")]
OrderId = Annotated[int, _id("order")]
ItemId = Annotated[int, _id("item")]
NotificationId = Annotated[int, _id("notification")]
TransferId = Annotated[int, _id("transfer")]
