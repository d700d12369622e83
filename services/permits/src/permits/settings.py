"""Permits settings (env prefix ``PERMITS_``)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings


class PermitsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PERMITS_", extra="ignore", frozen=True)

    service_name: str = "permits"
    port: int = 8103
