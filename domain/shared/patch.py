"""`UNSET` tells a partial update (PATCH) "this field was not sent" apart from `None`."""

from __future__ import annotations

from enum import Enum
from typing import Final, Literal, TypeAlias, TypeVar

__all__ = ["UNSET", "Maybe", "Unset"]

T = TypeVar("T")


class Unset(Enum):
    UNSET = "UNSET"

    def __bool__(self) -> Literal[False]:
        return False


UNSET: Final = Unset.UNSET

Maybe: TypeAlias = T | Unset
