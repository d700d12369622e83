"""Integrations settings (env prefix ``INTEGRATIONS_``)."""

from __future__ import annotations

from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings


class IntegrationsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INTEGRATIONS_", extra="ignore", frozen=True)

    service_name: str = "integrations"
    port: int = 8107
    feed_retention_days: int = Field(
        default=400,
        ge=1,
        description="how long each jurisdiction's events stay readable in its feed "
        "(a year and a month: a subscriber can catch up after any outage)",
    )
    webhook_public_only: bool = Field(
        default=False,
        description="webhooks only to https URLs at public addresses, checked again at every "
        "delivery (always so in production; the embedded stack allows http and loopback for "
        "its own receiver)",
    )
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=30)
    webhook_poll_seconds: float = Field(
        default=1.0,
        gt=0,
        description="how often the webhook worker looks for endpoints due (after a back-off, "
        "or woken by another replica); an event this replica stored is sent at once",
    )
    webhook_lease_seconds: float = Field(
        default=60.0,
        gt=0,
        description="how long a worker holds an endpoint between writes; an endpoint whose "
        "worker died is sent to again after this (longer than the timeout)",
    )
    webhook_lanes: int = Field(
        default=64, ge=1, description="endpoints one worker sends to at once (each in order)"
    )
    webhook_repair_seconds: float = Field(
        default=60.0,
        gt=0,
        description="how often the webhook worker wakes idle endpoints behind their feed: an "
        "event whose wake did not reach an endpoint (a worker that died before telling it, an "
        "endpoint created while the event was being stored) is sent within this",
    )

    secrets_key: SecretStr | None = Field(
        default=None,
        description="seals the webhook endpoints' signing secrets at rest: a Fernet key "
        "(cryptography.fernet.Fernet.generate_key()), or several comma-separated — the first "
        "seals, each opens (to replace a key, put the new one first). Required in production",
    )

    def own_production_problems(self) -> list[str]:
        if not self.secrets_key:
            return ["INTEGRATIONS_SECRETS_KEY is required in production (it seals webhook secrets)"]
        return []

    @model_validator(mode="after")
    def _lease_outlasts_a_send(self) -> Self:
        if self.webhook_lease_seconds <= self.webhook_timeout_seconds + 1:
            raise ValueError("webhook_lease_seconds must exceed webhook_timeout_seconds + 1")
        return self

    @property
    def public_webhooks_only(self) -> bool:
        return self.webhook_public_only or self.production
