"""Inspections settings (env prefix ``INSPECTIONS_``)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings


class InspectionsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INSPECTIONS_", extra="ignore", frozen=True)

    service_name: str = "inspections"
    port: int = 8105
