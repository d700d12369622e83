"""Topic names: one topic per producing context, dead letters beside it."""

IDENTITY_EVENTS = "identity.events"
REGISTRATION_EVENTS = "registration.events"
PERMITS_EVENTS = "permits.events"
PAYMENTS_EVENTS = "payments.events"
INSPECTIONS_EVENTS = "inspections.events"
INTEGRATIONS_EVENTS = "integrations.events"

DLQ_SUFFIX = ".dlq"

EVENT_TOPICS = (
    IDENTITY_EVENTS,
    REGISTRATION_EVENTS,
    PERMITS_EVENTS,
    PAYMENTS_EVENTS,
    INSPECTIONS_EVENTS,
    INTEGRATIONS_EVENTS,
)


def dlq_topic(topic: str) -> str:
    """The dead-letter topic of ``topic``."""
    return topic + DLQ_SUFFIX


ALL_TOPICS = EVENT_TOPICS + tuple(dlq_topic(t) for t in EVENT_TOPICS)
