"""Create the installation's topics before the services start — the
deployments' one-shot job (``python -m chassis.topics``):

    TOPICS_DEPLOYMENT=production TOPICS_KAFKA_BOOTSTRAP_SERVERS=kafka-0:9093 \\
    TOPICS_KAFKA_TOPIC_PREFIX=acme-prod. TOPICS_PARTITIONS=12 TOPICS_REPLICATION=3 \\
    python -m chassis.topics

Every event topic and its dead letters, under the installation's prefix, with
the partitions and replication given and ``min.insync.replicas`` (with
``acks=all``, a write is acknowledged once that many replicas have it).
Topics that exist are left as they are; the command can run at every deploy.
"""

from __future__ import annotations

import asyncio
import sys
from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from chassis.kafka import client_security, ensure_topics
from chassis.settings import ServiceSettings
from contracts.topics import ALL_TOPICS


class TopicSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TOPICS_", extra="ignore", frozen=True)

    uses_mongodb: ClassVar[bool] = False
    service_name: str = "topics"
    partitions: int = Field(default=12, ge=1, le=1000, description="per topic")
    replication: int = Field(default=3, ge=1, le=7)
    min_insync_replicas: int = Field(default=2, ge=1, le=7)


def topic_config(s: TopicSettings) -> dict[str, str]:
    return {"min.insync.replicas": str(min(s.min_insync_replicas, s.replication))}


async def create(s: TopicSettings) -> list[str]:
    return await ensure_topics(
        s.kafka_bootstrap_servers,
        [s.kafka_topic_prefix + t for t in ALL_TOPICS],
        partitions=s.partitions,
        replication=s.replication,
        config=topic_config(s),
        security=client_security(s),
    )


def main() -> int:
    settings = TopicSettings()
    created = asyncio.run(create(settings))
    print(f"created {len(created)} topics: {', '.join(created) or 'none (all exist)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
