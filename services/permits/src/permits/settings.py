"""Permits settings (env prefix ``PERMITS_``)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings


class PermitsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PERMITS_", extra="ignore", frozen=True)

    service_name: str = "permits"
    port: int = 8103
    expiring_notice_days: int = Field(
        default=14, ge=1, le=90, description="PermitExpiring this many days before"
    )
    expiry_sweep_interval_seconds: float = Field(default=3600.0, gt=0)
    max_document_bytes: int = Field(default=10 * 1_048_576, gt=0)
    max_body_bytes: int = Field(default=12 * 1_048_576, gt=0)
