"""Idempotency keys: a retried request is answered again, never executed twice.

    request.py   IdempotentRequest (key, fingerprint, status), request_fingerprint, KEY_FIELD
    store.py     IdempotencyStore, the port of the records (`uow.idempotency`); KeyReused
    answers.py   Answer, and IdempotencyKeys, the collaborator a use case calls to replay
                 an answered key or to record its answer

A client that sends an `Idempotency-Key` with a write may send it again (after a timeout, a
dropped connection) and get the first answer back. The key's record is written in the same
transaction as the effect it guards, so either both exist or neither does. A use case shows
it on the page:

    async with self.uow as uow:
        if replay := await keys.replay(uow.idempotency, command.idempotency, now):
            return replay                       # answered before: change nothing
        ...                                     # the use case itself
        await keys.record(uow.idempotency, command.idempotency, now, lambda: view(result))
        await uow.commit()                      # the effect and its record, or neither

Nothing here knows the unit of work: the store is handed in, so the port of the records and
the unit of work that carries it never import each other.
"""
