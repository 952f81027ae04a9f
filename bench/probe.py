"""A `GET /` sent on a clock: how long a cheap request waits while the server is busy.

Each probe opens a connection of its own: no client pool to queue in, so the time measured is
the server's (and the machine's), from the moment the probe was due. The callers send probes
when they are due, whether or not the earlier ones have answered, so a server that stops
answering for a second shows a second of late answers, not one slow probe.
"""

from __future__ import annotations

import asyncio
import time

__all__ = ["percentile", "probe_root"]


async def probe_root(
    port: int, latencies: list[float], failures: list[str], limit_s: float
) -> None:
    """One GET / to 127.0.0.1:`port`: its latency in seconds goes to `latencies` when it
    answers 200, what went wrong to `failures` otherwise."""
    start = time.perf_counter()
    try:
        async with asyncio.timeout(limit_s):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"GET / HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
            status_line = await reader.readline()
            await reader.read()
            writer.close()
    except (OSError, TimeoutError) as err:
        failures.append(repr(err))
        return
    if not status_line.startswith(b"HTTP/1.1 200"):
        failures.append(f"GET / answered {status_line!r}")
        return
    latencies.append(time.perf_counter() - start)


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of `values` lie (nearest rank, no interpolation)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]
