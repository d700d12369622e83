"""Permitsuite integration contracts.

What services say to each other: the CloudEvents envelope, topic names and one
pydantic model per event type (all of them by type: ``contracts.registry``).
This package imports nothing of Permitsuite's.
"""

from contracts.envelope import Envelope, EnvelopeError
from contracts.events import IntegrationEvent
from contracts.topics import ALL_TOPICS, dlq_topic

__all__ = [
    "ALL_TOPICS",
    "Envelope",
    "EnvelopeError",
    "IntegrationEvent",
    "dlq_topic",
]
