"""Notifications settings (env prefix ``NOTIFICATIONS_``)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings


class NotificationsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATIONS_", extra="ignore", frozen=True)

    service_name: str = "notifications"
    port: int = 8106

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_timeout_seconds: float = 10.0
    mail_from: str = "Permitsuite <no-reply@permitsuite.local>"

    public_base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Public address of the web portal, whose pages the links in emails open",
    )
    delivery_max_attempts: int = Field(default=8, ge=1)
    delivery_retry_seconds: float = Field(default=30.0, gt=0)
    delivery_sweep_interval_seconds: float = Field(default=5.0, gt=0)
