"""Prometheus metrics every service exposes on ``/metrics``."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Histogram(
    "permitsuite_http_request_seconds",
    "HTTP request latency",
    ["service", "method", "route", "status"],
)
EVENTS_CONSUMED = Counter(
    "permitsuite_events_consumed_total",
    "Events handled by a consumer, by outcome",
    ["service", "consumer", "event_type", "outcome"],
)
EVENTS_PUBLISHED = Counter(
    "permitsuite_events_published_total",
    "Events published from the outbox",
    ["service", "topic", "path"],
)
OUTBOX_LAG = Gauge(
    "permitsuite_outbox_lag_seconds",
    "Age of the oldest unpublished outbox document",
    ["service"],
)
OUTBOX_PENDING = Gauge(
    "permitsuite_outbox_pending",
    "Unpublished outbox documents",
    ["service"],
)
OUTBOX_DEAD_LETTERED = Counter(
    "permitsuite_outbox_dead_lettered_total",
    "Outbox events the broker refused for good (set aside as status 'dead'; alert on it)",
    ["service", "topic"],
)
OUTBOX_REPUBLISHED = Counter(
    "permitsuite_outbox_republished_total",
    "Sent outbox events set pending again because the broker lost them",
    ["service", "topic"],
)
EMAILS_SENT = Counter(
    "permitsuite_emails_total",
    "Email send attempts, by outcome: sent, retried (tried again later), failed (for good)",
    ["service", "outcome"],
)
DLQ_MESSAGES = Counter(
    "permitsuite_dlq_messages_total",
    "Messages sent to a dead-letter topic",
    ["service", "consumer", "topic"],
)
CONSUMER_PARTITIONS = Gauge(
    "permitsuite_consumer_partitions",
    "Partitions of a topic this process consumes: its share of the consumer group "
    "(replicas of a worker split each topic's partitions; 0 on every replica is a stall)",
    ["service", "consumer", "topic"],
)
LEASED_JOB_ROUNDS = Counter(
    "permitsuite_leased_job_rounds_total",
    "Rounds of a periodic job, by outcome: ran (this process held the job's lease) or "
    "skipped (another replica holds it)",
    ["job", "outcome"],
)
