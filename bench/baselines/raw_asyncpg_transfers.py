"""The raw asyncpg baseline, with `POST /transfers/` doing the app's work by hand.

For comparison only. The same server as bench/baselines/raw_asyncpg.py (its routes, pool and
token check), plus a transfer: verify the caller's token and standing; in one transaction,
lock both users' rows in id order, read the balance each one's latest ledger entry ends on,
refuse an unknown or inactive recipient and too few credits, store the transfer, write both
balances (each guarded by the one read) and append one ledger entry per side. The rows the
app locks, in the same order; the rows the app writes.

Run: DATABASE_URL=postgresql://… uvicorn bench.baselines.raw_asyncpg_transfers:app
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from bench.baselines.raw_asyncpg import (
    _NAME_STORE_FOR_TRANSACTION,
    INT4_MAX,
    _caller,
    _json,
    _pool,
    _problem,
    _Refused,
    app,
)

__all__ = ["app"]

_LOCK_WALLETS = (
    "SELECT id, credits, is_active FROM users WHERE id = ANY($1::integer[]) ORDER BY id FOR UPDATE"
)
_LATEST_BALANCES = (
    "SELECT user_id, balance_after FROM ledger_entries WHERE id IN "
    "(SELECT max(id) FROM ledger_entries WHERE user_id = ANY($1::integer[]) GROUP BY user_id)"
)
_INSERT_TRANSFER = (
    "INSERT INTO transfers (from_user_id, to_user_id, amount, note, status, created_at, "
    "store_id) VALUES ($1, $2, $3, $4, 'completed', $5, $6) RETURNING id"
)
_WRITE_BALANCE = "UPDATE users SET credits = $2 WHERE id = $1 AND credits = $3"
_APPEND_ENTRIES = (
    "INSERT INTO ledger_entries (user_id, amount, balance_after, kind, reference_id, "
    "created_at, store_id) SELECT *, $5::integer, $6::timestamptz, $7::integer FROM "
    "unnest($1::integer[], $2::numeric[], $3::numeric[], $4::text[])"
)


class TransferRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to_user_id: Annotated[int, Field(ge=1, le=INT4_MAX)]
    amount: Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]
    note: Annotated[str | None, Field(max_length=200)] = None


@app.post("/transfers/", status_code=201)
async def transfer_credits(request: Request, body: TransferRequest) -> Response:
    try:
        caller = await _caller(request)
    except _Refused as refusal:
        return refusal.response
    sender, recipient, amount = caller.user_id, body.to_user_id, body.amount
    if sender == recipient:
        return _problem(422, "Unprocessable Content", "a transfer goes to another user")
    now = datetime.now(UTC)
    store_id = caller.store_id
    async with _pool(request).acquire() as con, con.transaction():
        await con.execute(_NAME_STORE_FOR_TRANSACTION, str(store_id))
        pair = [sender, recipient]
        wallets = {row["id"]: row for row in await con.fetch(_LOCK_WALLETS, pair)}
        latest = {
            row["user_id"]: row["balance_after"] for row in await con.fetch(_LATEST_BALANCES, pair)
        }
        if recipient not in wallets:
            return _problem(404, "Not Found", f"user with id {recipient} not found")
        if not wallets[recipient]["is_active"]:
            return _problem(409, "Conflict", f"user {recipient} is not active")
        balances = {user: wallets[user]["credits"] for user in pair}
        for user in pair:
            if latest.get(user, Decimal("0.00")) != balances[user]:
                return _problem(409, "Conflict", f"the ledger of user {user} is out of balance")
        if balances[sender] < amount:
            return _problem(409, "Conflict", f"user {sender} has {balances[sender]} credits")
        transfer_id = await con.fetchval(
            _INSERT_TRANSFER, sender, recipient, amount, body.note, now, store_id
        )
        after = {sender: balances[sender] - amount, recipient: balances[recipient] + amount}
        for user in sorted(pair):
            await con.execute(_WRITE_BALANCE, user, after[user], balances[user])
        await con.execute(
            _APPEND_ENTRIES,
            pair,
            [-amount, amount],
            [after[sender], after[recipient]],
            ["transfer_out", "transfer_in"],
            transfer_id,
            now,
            store_id,
        )
    return _json(
        {
            "id": transfer_id,
            "from_user_id": sender,
            "to_user_id": recipient,
            "amount": str(amount),
            "note": body.note,
            "status": "completed",
            "created_at": now,
        },
        201,
    )
