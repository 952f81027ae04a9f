"""Field types shared by every context's schemas: ids, counts, money, text, timestamps.

Each type checks at the edge what its column or rule demands, so that nothing out of range
reaches a driver and every backend refuses the same inputs the same way. The JSON Schema each
publishes says exactly what is accepted (ints are integers, not numeric strings; text has no
ASCII control character but tab and line breaks), so a client reading /openapi.json knows what
will be refused.

Money is read from a JSON number or a string ("79.99") and always written as a string with
two decimals; so is a decimal that is not money, such as an average (`DecimalText`; the rule is
in application/shared/decimals.py). Timestamps are written in ISO 8601, in UTC.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Final

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    Strict,
    WithJsonSchema,
)

from application.shared.listing import INT4_MAX
from domain.shared.money import CENT, MAX_AMOUNT

__all__ = [
    "CONTROL_FREE_PATTERN",
    "NO_CONTROL_CHARACTERS",
    "Count",
    "DecimalText",
    "Id",
    "Money",
    "MoneyIn",
    "PositiveCount",
    "PublicModel",
    "RequestModel",
    "StockDelta",
    "Text",
    "UtcDatetime",
    "Version",
    "text_limits",
]

# The characters `domain.shared.text` refuses, as a pattern both Python and JSON Schema read.
CONTROL_FREE_PATTERN: Final = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MONEY_TEXT: Final = r"^[0-9]{1,10}(\.[0-9]{1,2})?$"
_MONEY_TEXT_RE = re.compile(_MONEY_TEXT)


class RequestModel(BaseModel):
    """A request body: unknown fields are refused, so nothing can be mass-assigned."""

    model_config = ConfigDict(extra="forbid")


class PublicModel(BaseModel):
    """A response body, read from a domain object or a read model."""

    model_config = ConfigDict(from_attributes=True)


Id = Annotated[int, Strict(), Field(ge=1, le=INT4_MAX)]
Version = Annotated[int, Strict(), Field(ge=1, le=INT4_MAX)]
Count = Annotated[int, Strict(), Field(ge=0, le=INT4_MAX)]
PositiveCount = Annotated[int, Strict(), Field(ge=1, le=INT4_MAX)]
StockDelta = Annotated[int, Strict(), Field(ge=-INT4_MAX, le=INT4_MAX)]


def _no_control_characters(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value


NO_CONTROL_CHARACTERS = AfterValidator(_no_control_characters)


def text_limits(max_length: int, *, min_length: int = 0) -> Any:
    """Length limits for a string, published with the pattern that refuses control characters.

    Use with `NO_CONTROL_CHARACTERS`: `Annotated[str, Strict(), text_limits(100), NO_...]`."""
    return Field(
        min_length=min_length,
        max_length=max_length,
        json_schema_extra={"pattern": CONTROL_FREE_PATTERN},
    )


Text = Annotated[str, Strict(), text_limits(200), NO_CONTROL_CHARACTERS]


def _money_input(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("must be a decimal number, as a JSON number or a string like '79.99'")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("must be a finite number")
        # repr() is the shortest text that reads back as this float: 79.99, not 79.989999...
        return Decimal(repr(value))
    if isinstance(value, str):
        if not _MONEY_TEXT_RE.fullmatch(value):
            raise ValueError("must look like 79.99: digits, at most two decimals")
        return Decimal(value)
    raise ValueError("must be a decimal number, as a JSON number or a string like '79.99'")


MoneyIn = Annotated[
    Decimal,
    BeforeValidator(_money_input),
    Field(gt=0, le=MAX_AMOUNT, max_digits=12, decimal_places=2),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "exclusiveMinimum": 0, "maximum": float(MAX_AMOUNT)},
                {"type": "string", "pattern": _MONEY_TEXT},
            ],
            "examples": ["79.99"],
        },
        mode="validation",
    ),
]


def _two_places(value: Decimal) -> str:
    return str(value.quantize(CENT))  # half to even: the decimal module's default rounding


_TWO_PLACES_TEXT: Final = r"^-?[0-9]+\.[0-9]{2}$"

Money = Annotated[
    Decimal,
    PlainSerializer(_two_places, return_type=str),
    WithJsonSchema(
        {"type": "string", "pattern": _TWO_PLACES_TEXT, "examples": ["79.99"]},
        mode="serialization",
    ),
]

DecimalText = Annotated[
    Decimal,
    PlainSerializer(_two_places, return_type=str),
    WithJsonSchema(
        {"type": "string", "pattern": _TWO_PLACES_TEXT, "examples": ["4.33"]},
        mode="serialization",
    ),
]
"""A decimal that is not money (an average rating) in a response: a string with two places,
written as money is."""


def _as_utc(value: datetime) -> datetime:
    # A naive timestamp can only have come from storage that dropped the zone: it was UTC.
    return value.replace(tzinfo=UTC) if value.utcoffset() is None else value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]
