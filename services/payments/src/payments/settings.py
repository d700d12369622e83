"""Payments settings (env prefix ``PAYMENTS_``)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings


class PaymentsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PAYMENTS_", extra="ignore", frozen=True)

    service_name: str = "payments"
    port: int = 8104
