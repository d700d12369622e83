"""``Idempotency-Key`` for HTTP commands, with Stripe's semantics.

A route declares a parameter of type
``Annotated[IdempotentCall, Depends(Idempotency("fees.assess"))]`` and runs its
handler through ``await call.run(handler)``:

- the same key with the same request (method, path, body) answers what the
  first request answered, with ``Idempotent-Replayed: true``, and changes
  nothing;
- the same key with another request is 422 naming ``Idempotency-Key``;
- a key still being used by a request that has not committed yet is 409.

The key's record is written **in the same transaction as the command's
effect**: the first :class:`~chassis.uow.UnitOfWork` run of the request
inserts it (with the transaction's result, the document the route renders),
so a crash, a timeout or a lost answer leaves either both or neither — a
retry with the key either replays or runs the command for the first time.
Two concurrent requests with one key both run, but only one can commit its
record: the other's transaction is rolled back and it answers as a replay.

Keys are per jurisdiction, per caller and per operation; ``required=True``
(the default) refuses a request without one (400 naming the header). A key
answers retries for ``RETENTION`` (7 days; Stripe keeps them 24 hours), then
the database forgets it (a TTL index) and the key is new again.

A multipart upload (``form=True``) is compared by what was sent — each
field's name and value, each file's name and content — not by its bytes on
the wire: a client that retries chooses a new multipart boundary.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any, TypeVar, overload

from fastapi import Header, Request, Response
from pymongo.errors import DuplicateKeyError
from starlette.datastructures import UploadFile

from chassis.auth import CurrentUser
from chassis.errors import Conflict, ProblemError, Unprocessable, field_error
from chassis.refusals import Refused

COLLECTION = "idempotency_keys"
HEADER = "Idempotency-Key"
RETENTION = timedelta(days=7)
T = TypeVar("T")


async def ensure_indexes(db: Any) -> None:
    """Keys expire ``RETENTION`` after they were recorded: the collection
    holds a week of commands, not every command ever made."""
    await db[COLLECTION].create_index(
        "created_at", expireAfterSeconds=int(RETENTION.total_seconds()), name="expire_after"
    )


@dataclass
class PendingKey:
    """The key of the request being handled, until its transaction commits."""

    record_id: str
    jurisdiction_id: str
    operation: str
    request_hash: str
    committed: bool = False
    render: Callable[[Any], Any] | None = None


_pending: ContextVar[PendingKey | None] = ContextVar("idempotency_key", default=None)


async def record_in_transaction(db: Any, session: Any, now: Any, result: Any) -> PendingKey | None:
    """Called by the unit of work inside its transaction: insert the pending
    key's record with ``result``. Returns the key to mark committed afterwards."""
    pending = _pending.get()
    if pending is None or pending.committed:
        return None
    if pending.render is not None:
        result = pending.render(result)
    if not isinstance(result, dict):
        raise TypeError("an idempotent command's answer must be rendered as a document")
    await db[COLLECTION].insert_one(
        {
            "_id": pending.record_id,
            "jurisdiction_id": pending.jurisdiction_id,
            "operation": pending.operation,
            "request_hash": pending.request_hash,
            "result": result,
            "created_at": now,
        },
        session=session,
    )
    return pending


async def release_pending(db: Any, session: Any) -> None:
    """Forget the request's committed key, in the transaction that undoes its
    effect: a retry with the key then runs the command afresh."""
    pending = _pending.get()
    if pending is not None and pending.committed:
        await db[COLLECTION].delete_one({"_id": pending.record_id}, session=session)


class IdempotencyKeyMissing(ProblemError):
    status = 400
    slug = "idempotency-key-missing"
    title = "Idempotency-Key required"


@dataclass
class IdempotentCall:
    db: Any
    response: Response
    pending: PendingKey | None
    replayed: bool = False

    @overload
    async def run(self, handler: Callable[[], Awaitable[T]]) -> T: ...
    @overload
    async def run(self, handler: Callable[[], Awaitable[Any]], render: Callable[[Any], T]) -> T: ...

    async def run(
        self, handler: Callable[[], Awaitable[Any]], render: Callable[[Any], T] | None = None
    ) -> T:
        """The handler's answer — as ``render`` makes it, if given. The key's
        record keeps ``render`` of the result of the request's first unit of
        work, rendered in the transaction that commits the effect; a replay
        answers that document."""
        if self.pending is None:
            result = await handler()
            return render(result) if render else result  # type: ignore[no-any-return]
        replayed = await self._replay()
        if replayed is not None:
            return replayed  # type: ignore[no-any-return]
        self.pending.render = render
        token = _pending.set(self.pending)
        try:
            result = await handler()
            return render(result) if render else result  # type: ignore[no-any-return]
        except DuplicateKeyError as exc:
            if COLLECTION not in str(exc):
                raise
            # a concurrent request with this key committed first: answer as its retry
            return await self._replay_or(self._busy(), exc)  # type: ignore[no-any-return]
        except (ProblemError, Refused) as exc:
            if not _conflict(exc):
                raise
            # a conflict with a concurrent change — which may be this key's first request
            return await self._replay_or(exc, exc)  # type: ignore[no-any-return]
        finally:
            _pending.reset(token)

    async def _replay_or(self, error: Exception, cause: Exception) -> Any:
        replayed = await self._replay()
        if replayed is None:
            raise error from cause
        return replayed

    async def _replay(self) -> Any:
        assert self.pending is not None
        record = await self.db[COLLECTION].find_one(
            {"_id": self.pending.record_id, "jurisdiction_id": self.pending.jurisdiction_id}
        )
        if record is None:
            return None
        if record["request_hash"] != self.pending.request_hash:
            raise Unprocessable(
                "this Idempotency-Key was already used for a different request",
                slug="idempotency-key-reused",
                errors=[field_error(HEADER, "reused with a different request")],
            )
        self.response.headers["Idempotent-Replayed"] = "true"
        self.replayed = True
        return record["result"]

    @staticmethod
    def _busy() -> Conflict:
        return Conflict(
            "a request with this Idempotency-Key is in progress; retry shortly",
            slug="idempotency-busy",
        )


async def _form_parts(request: Request) -> list[bytes]:
    """A multipart form as its fields' names and values, each file as its
    name and a digest of its content (the form FastAPI already parsed)."""
    parts: list[bytes] = []
    for name, value in (await request.form()).multi_items():
        parts.append(name.encode())
        if isinstance(value, UploadFile):
            content = hashlib.sha256()
            while chunk := await value.read(1 << 16):
                content.update(chunk)
            await value.seek(0)
            parts += [(value.filename or "").encode(), content.digest()]
        else:
            parts.append(value.encode())
    return parts


class Idempotency:
    """The dependency: ``Depends(Idempotency("permits.fees.assess"))``;
    ``form=True`` for a multipart upload."""

    def __init__(self, operation: str, *, required: bool = True, form: bool = False) -> None:
        self.operation = operation
        self.required = required
        self.form = form

    async def __call__(
        self,
        request: Request,
        response: Response,
        user: CurrentUser,
        idempotency_key: Annotated[
            str | None,
            Header(
                alias=HEADER,
                min_length=1,
                max_length=255,
                description="a unique value per intended change; send the same value when "
                "you retry, and the change happens once",
            ),
        ] = None,
    ) -> IdempotentCall:
        db = request.app.state.runtime.db
        if idempotency_key is None:
            if self.required:
                raise IdempotencyKeyMissing(
                    "this request needs an Idempotency-Key header (a unique value per "
                    "intended change; send the same value when you retry)",
                    errors=[field_error(HEADER, "required")],
                )
            return IdempotentCall(db, response, None)
        jurisdiction_id = str(
            request.path_params.get("jurisdiction_id", user.jurisdiction_id or "-")
        )
        digest = hashlib.sha256()
        sent = await _form_parts(request) if self.form else [await request.body()]
        for part in (request.method.encode(), request.url.path.encode(), *sent):
            digest.update(len(part).to_bytes(8, "big") + part)
        return IdempotentCall(
            db,
            response,
            PendingKey(
                record_id=f"{jurisdiction_id}:{user.account_id}:{self.operation}:{idempotency_key}",
                jurisdiction_id=jurisdiction_id,
                operation=self.operation,
                request_hash=digest.hexdigest(),
            ),
        )


def _conflict(exc: ProblemError | Refused) -> bool:
    """A refusal for the state of things — which a committed first run of the key explains."""
    return exc.kind == "conflict" if isinstance(exc, Refused) else exc.status == 409
