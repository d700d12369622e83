"""Permitsuite integration contracts.

What services say to each other: the CloudEvents envelope, topic names and one
pydantic model per event type. This package imports nothing of Permitsuite's.
"""

from contracts.envelope import Envelope, EnvelopeError
from contracts.events import IntegrationEvent, event_class_for, registered_events
from contracts.topics import ALL_TOPICS, dlq_topic

__all__ = [
    "ALL_TOPICS",
    "Envelope",
    "EnvelopeError",
    "IntegrationEvent",
    "dlq_topic",
    "event_class_for",
    "registered_events",
]
