"""Before any load: do all variants answer the measured endpoints with the same JSON?

Anonymous reads name the loaded store in X-Store; the others are in it by their token. The
reads are compared value for value (nothing has written yet, so every variant sees the
same rows); a seeded order is read by its owner, with their bearer token. The order placed
(with the admin's token) is compared after masking what must differ between two orders (ids,
order number, timestamps); the mask keeps the *shape* of those values, so a different
timestamp format still shows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import httpx

from bench.credentials import STORE_HEADER, Tokens
from bench.database import SeedData
from bench.servers import Server

__all__ = ["check_parity"]

_MASKED = {"id", "order_number", "created_at", "updated_at"}


_ORDER_NUMBER = re.compile(r"^ORD-[0-9]{14}-[0-9A-F]{6}$")


def _shape(key: str, value: Any) -> str:
    if not isinstance(value, str):
        return type(value).__name__
    if key == "order_number":
        return "ORD-<14 digits>-<6 hex>" if _ORDER_NUMBER.fullmatch(value) else repr(value)
    # 2026-01-01T12:00:00.123Z -> 9999-99-99T99:99:99.fZ: the format, not the instant.
    return re.sub(r"\.9+", ".f", re.sub(r"[0-9]", "9", value))


def _masked(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _shape(k, v) if k in _MASKED else _masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value


def _differences(left: Any, right: Any, path: str = "$") -> list[str]:
    if isinstance(left, dict) and isinstance(right, dict):
        found = [f"{path}.{k}: missing on one side" for k in sorted(set(left) ^ set(right))]
        for key in left.keys() & right.keys():
            found += _differences(left[key], right[key], f"{path}.{key}")
        return found
    if isinstance(left, list) and isinstance(right, list):
        if len(left) != len(right):
            return [f"{path}: {len(left)} vs {len(right)} elements"]
        return [
            d
            for i, (a, b) in enumerate(zip(left, right, strict=True))
            for d in _differences(a, b, f"{path}[{i}]")
        ]
    if left != right or type(left) is not type(right):
        return [f"{path}: {left!r} vs {right!r}"]
    return []


async def _answers(
    servers: Sequence[Server],
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
    *,
    token: str | None = None,
    store: str | None = None,
) -> dict[str, tuple[int, str, Any]]:
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    if store is not None:
        headers[STORE_HEADER] = store
    answers = {}
    for server in servers:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=30.0) as client:
            response = await client.request(method, path, json=body, headers=headers)
        try:
            payload = response.json()
        except ValueError:
            payload = response.text[:200]
        content_type = response.headers.get("content-type", "").split(";")[0]
        answers[server.variant.name] = (response.status_code, content_type, payload)
    return answers


def _compare(label: str, answers: dict[str, tuple[int, str, Any]], mask: bool) -> str:
    (first_name, first), *others = answers.items()
    problems = []
    for name, answer in others:
        if answer[:2] != first[:2]:
            problems.append(
                f"{name} answered {answer[0]} {answer[1]}, {first_name} {first[0]} {first[1]}"
            )
            continue
        left, right = (_masked(first[2]), _masked(answer[2])) if mask else (first[2], answer[2])
        diffs = _differences(left, right)
        if diffs:
            problems.append(f"{name} vs {first_name}: " + "; ".join(diffs[:5]))
    names = ", ".join(answers)
    if problems:
        return f"{label}: DIFFERS — " + " | ".join(problems)
    how = "same shape (ids, numbers and times masked)" if mask else "identical"
    return f"{label}: {how} from {names} ({first[0]} {first[1]})"


async def check_parity(servers: Sequence[Server], seed: SeedData, tokens: Tokens) -> list[str]:
    """One line per endpoint; a line containing "DIFFERS" is a mismatch."""
    owner, owner_token = tokens.customers[0]
    order_path = f"/orders/{owner.order_ids[0]}"
    product_path = f"/products/{seed.first_product_id + 1}"
    list_path = f"/products/?category_id={seed.category_ids[0]}&page_size=20"
    order = {
        "user_id": seed.first_user_id,
        "items": [
            {"product_id": seed.first_product_id + 2, "quantity": 2},
            {"product_id": seed.first_product_id, "quantity": 1},
        ],
    }
    return [
        _compare(
            f"GET {product_path}",
            await _answers(servers, "GET", product_path, store=seed.store_slug),
            mask=False,
        ),
        _compare(
            f"GET {list_path}",
            await _answers(servers, "GET", list_path, store=seed.store_slug),
            mask=False,
        ),
        _compare(
            "POST /orders/ (2 lines, same body, the admin's token)",
            await _answers(servers, "POST", "/orders/", order, token=tokens.admin),
            mask=True,
        ),
        _compare(
            f"GET {order_path} (its owner's token)",
            await _answers(servers, "GET", order_path, token=owner_token),
            mask=False,
        ),
    ]
