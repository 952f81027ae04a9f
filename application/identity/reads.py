"""Accounts as a caller may see them: a customer, their own; an admin, anyone's.

Lists, counts, top spenders and exports are for admins only, and their routes say so; these
are the reads of one account, which a customer may make of their own account only. Another
account is `NotFound`, exactly like one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from application.identity.queries import UserQueries
from application.identity.read_models import UserView
from application.shared.access import Principal
from domain.shared.errors import NotFound

__all__ = ["UserReads"]


@dataclass(frozen=True)
class UserReads:
    users: UserQueries

    async def get(self, actor: Principal, user_id: int) -> UserView:
        actor.visible(user_id, "user", user_id)
        user = await self.users.get(user_id)
        if user is None:
            raise NotFound("user", user_id)
        return user

    async def me(self, actor: Principal) -> UserView:
        return await self.get(actor, actor.acting_user())

    async def get_by_email(self, actor: Principal, email: str) -> UserView:
        user = await self.users.get_by_email(email)
        if user is None or not actor.owns(user.id):
            raise NotFound("user", email, by="email")
        return user
