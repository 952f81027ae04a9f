"""Who calls a use case, for tests that call the use cases directly.

    admin()            an admin: may do anything, and owns nothing of its own
    customer(user_id)  a signed-in customer: their own things only
    anonymous()        nobody signed in: signs up, browses the catalog

Ids come from storage and differ between tests and backends, so these are functions of the
id rather than constants. The admin's id is one no stored user has: an admin acting on an
account is never that account's owner, so no rule about "your own" lets it through by chance
(and an order it places without naming a user is refused, as no such user exists).
"""

from __future__ import annotations

from typing import Final

from application.shared.access import Principal

__all__ = ["ADMIN_ID", "admin", "anonymous", "customer"]

# Beyond any id a test's storage hands out, and still a 32-bit integer.
ADMIN_ID: Final = 2_000_000_000


def admin() -> Principal:
    return Principal.user(ADMIN_ID, is_admin=True)


def customer(user_id: int) -> Principal:
    return Principal.user(user_id, is_admin=False)


def anonymous() -> Principal:
    return Principal.anonymous()
