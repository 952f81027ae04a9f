"""Field types shared by every context's schemas: ids, counts, money, text, timestamps.

Each type checks at the edge what its column or rule demands, so that nothing out of range
reaches a driver and every backend refuses the same inputs the same way. The JSON Schema each
publishes says exactly what is accepted, so a client reading /openapi.json knows what will be
refused: ints are integers (`2` or `2.0`, never `"2"` or `true`), money is a multiple of 0.01
within its column, text is single-line or multi-line by the domain's own patterns, and
required text is not blank. A refusal says what is wrong in words (`Matches`), never by
quoting a regular expression.

Money is read from a JSON number or a string ("79.99") and always written as a string with
two decimals; so is a decimal that is not money, such as an average (`DecimalText`; the rule is
in application/shared/decimals.py). Timestamps are written in ISO 8601, in UTC.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Final, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainSerializer,
    Strict,
    WithJsonSchema,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from application.shared.listing import INT4_MAX
from domain.shared.money import CENT, MAX_AMOUNT
from domain.shared.text import (
    MULTI_LINE_PATTERN,
    MULTI_LINE_REFUSED,
    MULTI_LINE_RULE,
    SINGLE_LINE_PATTERN,
    SINGLE_LINE_REFUSED,
    SINGLE_LINE_RULE,
)

__all__ = [
    "CONTROL",
    "CONTROL_FREE_PATTERN",
    "MULTI_LINE",
    "NON_BLANK_PATTERN",
    "NO_CONTROL_CHARACTERS",
    "REQUIRED_SINGLE_LINE",
    "SINGLE_LINE",
    "WHITE_SPACE",
    "Count",
    "DecimalText",
    "Id",
    "Matches",
    "Money",
    "MoneyIn",
    "MoneyOrZeroIn",
    "PositiveCount",
    "PublicModel",
    "RequestModel",
    "StockDelta",
    "Text",
    "UtcDatetime",
    "Version",
    "text_limits",
]

# The characters `domain.shared.text` refuses in any text (the inside of a character class),
# and patterns built from it that both Python and JSON Schema read.
CONTROL: Final = MULTI_LINE_REFUSED
CONTROL_FREE_PATTERN: Final = MULTI_LINE_PATTERN
_CONTROL = re.compile(rf"[{CONTROL}]")
# What `str.strip()` removes, less the control characters refused anyway: the domain strips
# text before it measures it, so required text needs one character outside this class.
WHITE_SPACE: Final = r"\t\n\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"


def _non_blank(refused: str) -> str:
    """A pattern of text free of `refused` with at least one character that is not white space."""
    return rf"^[^{refused}]*[^{refused}{WHITE_SPACE}][^{refused}]*$"


NON_BLANK_PATTERN: Final = _non_blank(CONTROL)
_MONEY_TEXT: Final = r"^[0-9]{1,10}(\.[0-9]{1,2})?$"
_MONEY_TEXT_RE = re.compile(_MONEY_TEXT)


class RequestModel(BaseModel):
    """A request body: unknown fields are refused, so nothing can be mass-assigned. Anything
    but a JSON object is refused with the shape that was expected (`{"users": [...]}`)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        # pydantic's own words for this ("a valid dictionary or object to extract fields
        # from") speak of its internals; a client needs to see what to send instead.
        if isinstance(data, dict | cls):
            return data
        raise PydanticCustomError(
            "model_type",
            "must be a JSON object like {shape}, not {kind}",
            {"shape": _shape(cls), "kind": _json_kind(data)},
        )


@functools.cache
def _shape(model: type[BaseModel]) -> str:
    """The required fields of `model` as a JSON skeleton: `{"users": [...]}`."""
    required = [
        f'"{name}": {"[...]" if get_origin(field.annotation) is list else "..."}'
        for name, field in model.model_fields.items()
        if field.is_required()
    ]
    return "{" + ", ".join(required) + "}" if required else "{...}"


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    return "null" if value is None else "this"


@dataclass(frozen=True)
class Matches:
    """A string rule written as a regular expression: published as the JSON Schema `pattern`,
    checked against the whole string, and refused with `message` (what a client should send),
    not with the expression itself.

    `Annotated[str, Strict(), Field(max_length=64), Matches(SKU_PATTERN, "must be ...")]`"""

    pattern: str
    message: str

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        compiled = re.compile(self.pattern)

        def check(value: str) -> str:
            if compiled.fullmatch(value) is None:
                raise PydanticCustomError("string_pattern_mismatch", self.message)
            return value

        return core_schema.no_info_after_validator_function(check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {**handler(schema), "pattern": self.pattern}


# The two kinds of text of `domain.shared.text`, published and checked by the domain's own
# patterns; required single-line text (names) must also hold more than white space.
SINGLE_LINE: Final = Matches(SINGLE_LINE_PATTERN, SINGLE_LINE_RULE)
MULTI_LINE: Final = Matches(MULTI_LINE_PATTERN, MULTI_LINE_RULE)
REQUIRED_SINGLE_LINE: Final = Matches(
    _non_blank(SINGLE_LINE_REFUSED), f"{SINGLE_LINE_RULE}, and not blank"
)


class PublicModel(BaseModel):
    """A response body, read from a domain object or a read model."""

    model_config = ConfigDict(from_attributes=True)


def _whole_number(value: Any) -> Any:
    # JSON has one kind of number, and to JSON Schema `2.0` is the integer 2: a client (or a
    # JavaScript one) writing it so is sending an integer. `2.5`, `"2"` and `true` are not.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


_WHOLE_NUMBER = BeforeValidator(_whole_number)

Id = Annotated[int, Strict(), Field(ge=1, le=INT4_MAX), _WHOLE_NUMBER]
Version = Annotated[int, Strict(), Field(ge=1, le=INT4_MAX), _WHOLE_NUMBER]
Count = Annotated[int, Strict(), Field(ge=0, le=INT4_MAX), _WHOLE_NUMBER]
PositiveCount = Annotated[int, Strict(), Field(ge=1, le=INT4_MAX), _WHOLE_NUMBER]
# Never 0, which would be no change (the domain refuses it); said in the schema too.
StockDelta = Annotated[
    int,
    Strict(),
    Field(ge=-INT4_MAX, le=INT4_MAX, json_schema_extra={"not": {"const": 0}}),
    _WHOLE_NUMBER,
]


def _no_control_characters(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value


NO_CONTROL_CHARACTERS = AfterValidator(_no_control_characters)


def text_limits(max_length: int, *, min_length: int = 0) -> Any:
    """Length limits for a string, published with the pattern that refuses control characters
    (and, for required text, `min_length=1`, white space alone: the domain refuses it blank).

    Use with `NO_CONTROL_CHARACTERS`: `Annotated[str, Strict(), text_limits(100), NO_...]`."""
    return Field(
        min_length=min_length,
        max_length=max_length,
        json_schema_extra={"pattern": NON_BLANK_PATTERN if min_length else CONTROL_FREE_PATTERN},
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
                {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "maximum": float(MAX_AMOUNT),
                    "multipleOf": 0.01,
                },
                # Digits and dots only, but not zero: "0", "0.00".
                {"type": "string", "pattern": _MONEY_TEXT, "not": {"pattern": r"^[0.]*$"}},
            ],
            "examples": ["79.99"],
        },
        mode="validation",
    ),
]


MoneyOrZeroIn = Annotated[
    Decimal,
    BeforeValidator(_money_input),
    Field(ge=0, le=MAX_AMOUNT, max_digits=12, decimal_places=2),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": float(MAX_AMOUNT), "multipleOf": 0.01},
                {"type": "string", "pattern": _MONEY_TEXT},
            ],
            "examples": ["0.00", "79.99"],
        },
        mode="validation",
    ),
]
"""An amount that may be zero (a free item's price), accepted as `MoneyIn` is."""


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
