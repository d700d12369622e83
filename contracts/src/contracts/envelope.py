"""CloudEvents 1.0 envelope in Kafka binary content mode.

The record value is the event's ``data`` as JSON; the attributes travel as
``ce_*`` headers (CloudEvents Kafka protocol binding, binary mode) with the
Permitsuite extensions ``ce_jurisdiction``, ``ce_correlationid`` and
``ce_causationid``. The record key is the aggregate id (``subject``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from uuid import uuid4

from pydantic import BaseModel, ConfigDict, Field, ValidationError

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"


class EnvelopeError(ValueError):
    """A record that is not a valid Permitsuite CloudEvent."""


class Envelope(BaseModel):
    """The CloudEvents attributes of one event plus its JSON ``data``."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(default_factory=lambda: str(uuid4()), min_length=1)
    source: str = Field(min_length=1, description="/permitsuite/<service>")
    type: str = Field(min_length=1, description="permitsuite.<context>.<EventName>.v<N>")
    time: datetime
    subject: str = Field(min_length=1, description="Aggregate id; also the record key")
    jurisdiction: str | None = None
    correlationid: str = Field(min_length=1)
    causationid: str | None = None
    traceparent: str | None = Field(
        default=None, description="W3C trace context (CloudEvents distributed tracing extension)"
    )
    tracestate: str | None = None
    specversion: str = SPEC_VERSION
    datacontenttype: str = CONTENT_TYPE
    data: dict[str, Any]

    # -- Kafka binary mode ------------------------------------------------
    def kafka_headers(self) -> dict[str, str]:
        headers = {
            "ce_specversion": self.specversion,
            "ce_id": self.id,
            "ce_source": self.source,
            "ce_type": self.type,
            "ce_time": self.time.isoformat(),
            "ce_subject": self.subject,
            "ce_correlationid": self.correlationid,
            "content-type": self.datacontenttype,
        }
        if self.jurisdiction is not None:
            headers["ce_jurisdiction"] = self.jurisdiction
        if self.causationid is not None:
            headers["ce_causationid"] = self.causationid
        if self.traceparent is not None:
            headers["ce_traceparent"] = self.traceparent
        if self.tracestate is not None:
            headers["ce_tracestate"] = self.tracestate
        return headers

    def kafka_value(self) -> bytes:
        return json.dumps(self.data, separators=(",", ":"), default=str).encode()

    def kafka_key(self) -> bytes:
        return self.subject.encode()

    @classmethod
    def from_kafka(
        cls,
        headers: Mapping[str, str | bytes] | Iterable[tuple[str, str | bytes]],
        value: bytes | None,
    ) -> Envelope:
        """Parse a binary-mode record; raise :class:`EnvelopeError` if it is not one."""
        items = headers.items() if isinstance(headers, Mapping) else headers
        h: dict[str, str] = {}
        for k, v in items:
            h[k.lower()] = v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
        if h.get("ce_specversion") != SPEC_VERSION:
            raise EnvelopeError(
                f"unsupported or missing ce_specversion: {h.get('ce_specversion')!r}"
            )
        try:
            data = json.loads(value or b"null")
        except ValueError as exc:
            raise EnvelopeError(f"record value is not JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise EnvelopeError("record value must be a JSON object")
        try:
            return cls(
                id=h.get("ce_id", ""),
                source=h.get("ce_source", ""),
                type=h.get("ce_type", ""),
                time=h.get("ce_time", ""),  # type: ignore[arg-type]
                subject=h.get("ce_subject", ""),
                jurisdiction=h.get("ce_jurisdiction"),
                correlationid=h.get("ce_correlationid") or h.get("ce_id", ""),
                causationid=h.get("ce_causationid"),
                traceparent=h.get("ce_traceparent"),
                tracestate=h.get("ce_tracestate"),
                datacontenttype=h.get("content-type", CONTENT_TYPE),
                data=data,
            )
        except ValidationError as exc:
            raise EnvelopeError(f"invalid CloudEvents attributes: {exc}") from exc
