"""The wallet's use cases: an admin's grant and a transfer between two users.

Each is one transaction (`async with self.uow as uow:` … `await uow.commit()`), run again on
`Contention`. Money moves only through the domain's `Wallet`, which appends a ledger entry
for each movement and checks that the ledger explains the balance before and after it; the
wallets are locked first, in ascending user id order (`uow.wallets.lock`), so concurrent
movements over the same users queue in whichever direction they go, and never deadlock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from application.shared.access import Forbidden, Principal
from application.shared.idempotency.answers import DEFAULT_TTL, Answer, IdempotencyKeys
from application.shared.ports import Clock
from application.shared.retry import retried_on_contention
from application.shared.unit_of_work import UnitOfWork
from application.wallet.commands import GrantCredits, TransferCredits
from application.wallet.read_models import CreditGrantView, TransferView
from domain.shared.errors import NotFound
from domain.wallet.transfer import Transfer, refuse_self_transfer
from domain.wallet.wallet import CreditGrant, EntryKind

__all__ = ["GrantCreditsHandler", "TransferCreditsHandler"]


@dataclass(frozen=True)
class GrantCreditsHandler:
    """An admin gives a user credits, with a reason: the only way credits enter."""

    uow: UnitOfWork
    clock: Clock

    @retried_on_contention
    async def __call__(self, actor: Principal, command: GrantCredits) -> CreditGrantView:
        if not actor.is_admin:
            raise Forbidden("only an admin grants credits")
        async with self.uow as uow:
            now = self.clock.now()
            grant = CreditGrant.issue(
                user_id=command.user_id,
                amount=command.amount,
                reason=command.reason,
                granted_by=actor.acting_user(),
                now=now,
            )
            wallet = (await uow.wallets.lock([command.user_id])).get(command.user_id)
            if wallet is None:
                raise NotFound("user", command.user_id)
            await uow.credit_grants.add(grant)
            assert grant.id is not None  # given by add
            entry = wallet.credit(grant.amount, EntryKind.GRANT, grant.id, now)
            await uow.wallets.save([wallet])
            await uow.commit()
        return CreditGrantView.of(grant, entry.balance_after)


@dataclass(frozen=True)
class TransferCreditsHandler:
    """Move credits from the caller to another active user of the store, all or nothing: a
    transfer record and one ledger entry on each side. With an idempotency key, a retry gets
    the first answer and moves nothing again."""

    uow: UnitOfWork
    clock: Clock
    idempotency_ttl: timedelta = DEFAULT_TTL

    @retried_on_contention
    async def __call__(self, actor: Principal, command: TransferCredits) -> Answer[TransferView]:
        sender_id = actor.acting_user()
        refuse_self_transfer(sender_id, command.to_user_id)
        keys = IdempotencyKeys(f"transfer_credits:{sender_id}", self.idempotency_ttl)
        async with self.uow as uow:
            now = self.clock.now()
            if replay := await keys.replay(uow.idempotency, command.idempotency, now):
                return replay
            wallets = await uow.wallets.lock([sender_id, command.to_user_id])
            sender, recipient = wallets.get(sender_id), wallets.get(command.to_user_id)
            if recipient is None:
                raise NotFound("user", command.to_user_id)
            if sender is None:
                raise NotFound("user", sender_id)
            transfer = Transfer.between(
                sender, recipient, command.amount, note=command.note, now=now
            )
            await uow.transfers.add(transfer)
            uow.record(transfer.settle(sender, recipient))
            await uow.wallets.save([sender, recipient])
            await keys.record(
                uow.idempotency, command.idempotency, now, lambda: TransferView.of(transfer)
            )
            await uow.commit()
        return Answer.fresh(TransferView.of(transfer))
