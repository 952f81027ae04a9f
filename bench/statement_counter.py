"""SQL statements per request, counted on the wire between a server and PostgreSQL.

`StatementCounter` is a small TCP proxy: a server under test is pointed at it instead of at
PostgreSQL, and it counts the messages the server sends. Each statement a client runs is
either a simple `Query` message or an `Execute` message of the extended protocol, so
statements = Query + Execute; each wait for the server is a `Query` or a `Sync`, so
round trips = Query + Sync. (BEGIN and COMMIT count as statements; so does a pool's
pre-ping.) Of those statements, it also counts the ones that name the store to PostgreSQL's
row-level security policies (`set_config('storefront.store_id', ...)`): a Query whose text
calls set_config, or an Execute of a portal bound to a statement parsed from such text. This
needs no change to the app and no server-wide extension such as
pg_stat_statements, which PostgreSQL only loads at start-up.

The proxy refuses TLS (it answers `N` to SSLRequest), so clients fall back to plain TCP; it
only ever listens on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass

import httpx

from bench.database import SeedData

__all__ = [
    "OrderStatements",
    "ReadStatements",
    "StatementCounter",
    "count_order_statements",
    "count_read_statements",
]

_SSL_REQUEST = 80877103
_GSSENC_REQUEST = 80877104
_QUERY, _EXECUTE, _SYNC = ord("Q"), ord("E"), ord("S")
_PARSE, _BIND, _CLOSE = ord("P"), ord("B"), ord("C")
_NAMES_THE_STORE = b"set_config("
SETTLE_S = 0.5  # lets a request's trailing messages (connection reset on return) arrive


class _MessageTally:
    """Splits one connection's byte stream into protocol messages and counts their types,
    following which prepared statements and portals name the store."""

    def __init__(self, counter: StatementCounter) -> None:
        self.counter = counter
        self.buffer = bytearray()
        self.statements_naming_store: set[bytes] = set()  # prepared statement names
        self.portals_naming_store: set[bytes] = set()

    def feed(self, data: bytes) -> None:
        self.buffer += data
        offset = 0
        while len(self.buffer) - offset >= 5:
            kind = self.buffer[offset]
            length = int.from_bytes(self.buffer[offset + 1 : offset + 5], "big")
            if len(self.buffer) - offset < 1 + length:
                break
            body = bytes(self.buffer[offset + 5 : offset + 1 + length])
            self.counter.tally(kind, names_store=self._names_store(kind, body))
            offset += 1 + length
        del self.buffer[:offset]

    def _names_store(self, kind: int, body: bytes) -> bool:
        """Whether this message runs a statement naming the store (Query, Execute); on the
        way, remember what Parse and Bind make of such text."""
        if kind == _QUERY:
            return _NAMES_THE_STORE in body
        if kind == _PARSE:
            name, _, rest = body.partition(b"\0")
            if _NAMES_THE_STORE in rest.partition(b"\0")[0]:
                self.statements_naming_store.add(name)
            else:
                self.statements_naming_store.discard(name)
        elif kind == _BIND:
            portal, statement = body.split(b"\0", 2)[:2]
            if statement in self.statements_naming_store:
                self.portals_naming_store.add(portal)
            else:
                self.portals_naming_store.discard(portal)
        elif kind == _CLOSE and body[:1] == b"S":
            self.statements_naming_store.discard(body[1:].partition(b"\0")[0])
        elif kind == _EXECUTE:
            return body.partition(b"\0")[0] in self.portals_naming_store
        return False


class StatementCounter:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream_host = upstream_host
        self.upstream_port = upstream_port
        self.statements = 0
        self.round_trips = 0
        self.store_settings = 0
        self._server: asyncio.Server | None = None
        self._relays: set[asyncio.Task[None]] = set()

    def tally(self, kind: int, *, names_store: bool = False) -> None:
        if kind in (_QUERY, _EXECUTE):
            self.statements += 1
            self.store_settings += names_store
        if kind in (_QUERY, _SYNC):
            self.round_trips += 1

    def reset(self) -> None:
        self.statements = 0
        self.round_trips = 0
        self.store_settings = 0

    async def start(self) -> int:
        """Listen on a free port of 127.0.0.1 and return it."""
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        return int(self._server.sockets[0].getsockname()[1])

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for relay in list(self._relays):
            relay.cancel()
        await asyncio.gather(*self._relays, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._relays.add(task)
        try:
            await self._relay(reader, writer)
        finally:
            if task is not None:
                self._relays.discard(task)

    async def _relay(
        self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(
                self.upstream_host, self.upstream_port
            )
        except OSError:
            client_writer.close()
            return
        try:
            if await _forward_startup(client_reader, client_writer, upstream_writer):
                await asyncio.gather(
                    _pump(client_reader, upstream_writer, _MessageTally(self)),
                    _pump(upstream_reader, client_writer, None),
                )
        finally:
            for writer in (client_writer, upstream_writer):
                writer.close()


async def _forward_startup(
    client_reader: asyncio.StreamReader,
    client_writer: asyncio.StreamWriter,
    upstream_writer: asyncio.StreamWriter,
) -> bool:
    """Pass the startup packet on, declining TLS and GSS encryption first if asked."""
    try:
        while True:
            header = await client_reader.readexactly(4)
            body = await client_reader.readexactly(int.from_bytes(header, "big") - 4)
            if int.from_bytes(body[:4], "big") in (_SSL_REQUEST, _GSSENC_REQUEST):
                client_writer.write(b"N")
                await client_writer.drain()
                continue
            upstream_writer.write(header + body)
            await upstream_writer.drain()
            return True
    except (asyncio.IncompleteReadError, ConnectionError):
        return False


async def _pump(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, tally: _MessageTally | None
) -> None:
    try:
        while data := await reader.read(65536):
            if tally is not None:
                tally.feed(data)
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
    except ConnectionError:
        writer.close()


@dataclass(frozen=True)
class OrderStatements:
    """What `orders` sequential POST /orders/ with `lines` lines each sent to PostgreSQL."""

    variant: str
    lines: int
    orders: int
    statements: int
    round_trips: int
    store_settings: int  # of the statements, those naming the store (set_config)

    @property
    def statements_per_order(self) -> float:
        return self.statements / self.orders

    @property
    def store_settings_per_order(self) -> float:
        return self.store_settings / self.orders

    @property
    def round_trips_per_order(self) -> float:
        return self.round_trips / self.orders


@dataclass(frozen=True)
class ReadStatements:
    """What `requests` sequential GETs of one endpoint sent to PostgreSQL."""

    variant: str
    endpoint: str
    requests: int
    statements: int
    round_trips: int
    store_settings: int  # of the statements, those naming the store (set_config)

    @property
    def statements_per_request(self) -> float:
        return self.statements / self.requests

    @property
    def store_settings_per_request(self) -> float:
        return self.store_settings / self.requests

    @property
    def round_trips_per_request(self) -> float:
        return self.round_trips / self.requests


def _order_body(seed: SeedData, lines: int, rng: random.Random) -> dict[str, object]:
    products = rng.sample(range(seed.first_product_id, seed.last_product_id + 1), lines)
    return {
        "user_id": rng.randint(seed.first_user_id, seed.last_user_id),
        "items": [{"product_id": product_id, "quantity": 1} for product_id in products],
    }


async def count_order_statements(
    variant: str,
    base_url: str,
    counter: StatementCounter,
    seed: SeedData,
    *,
    token: str,
    line_counts: tuple[int, ...],
    orders: int,
) -> list[OrderStatements]:
    """Warm every order shape up, then count `orders` orders of each shape, one at a time,
    each placed with the admin's bearer token `token` (checking it counts too)."""
    rng = random.Random(6)
    results = []
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base_url, timeout=30.0, headers=headers) as client:

        async def place(lines: int) -> None:
            response = await client.post("/orders/", json=_order_body(seed, lines, rng))
            if response.status_code != 201:
                raise RuntimeError(
                    f"{variant}: POST /orders/ with {lines} lines answered "
                    f"{response.status_code}: {response.text[:500]}"
                )

        # Statement caches (the driver's prepared statements, SQLAlchemy's compiled SQL)
        # fill on first use; steady state is what the app runs in.
        for lines in line_counts:
            for _ in range(3):
                await place(lines)
        for lines in line_counts:
            await asyncio.sleep(SETTLE_S)
            counter.reset()
            for _ in range(orders):
                await place(lines)
            await asyncio.sleep(SETTLE_S)
            results.append(
                OrderStatements(
                    variant,
                    lines,
                    orders,
                    counter.statements,
                    counter.round_trips,
                    counter.store_settings,
                )
            )
    return results


async def count_read_statements(
    variant: str,
    base_url: str,
    counter: StatementCounter,
    *,
    endpoint: str,
    paths: list[str],
    headers: dict[str, str],
) -> ReadStatements:
    """Warm up with the first three of `paths`, then GET each of them once, one at a time,
    with `headers` (a bearer token, or the store's X-Store), counting what reached
    PostgreSQL."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30.0, headers=headers) as client:

        async def get(path: str) -> None:
            response = await client.get(path)
            if response.status_code != 200:
                raise RuntimeError(
                    f"{variant}: GET {path} answered {response.status_code}: {response.text[:500]}"
                )

        for path in paths[:3]:
            await get(path)
        await asyncio.sleep(SETTLE_S)
        counter.reset()
        for path in paths:
            await get(path)
        await asyncio.sleep(SETTLE_S)
    return ReadStatements(
        variant,
        endpoint,
        len(paths),
        counter.statements,
        counter.round_trips,
        counter.store_settings,
    )
