"""Integrations settings (env prefix ``INTEGRATIONS_``)."""

from __future__ import annotations

from pydantic import Field
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
