"""Registration settings (env prefix ``REGISTRATION_``)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings


class RegistrationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REGISTRATION_", extra="ignore", frozen=True)

    service_name: str = "registration"
    port: int = 8102
    max_body_bytes: int = Field(default=12 * 1_048_576, gt=0)

    identity_url: str = Field(default="http://127.0.0.1:8101", description="identity's base URL")
    internal_token: SecretStr | None = Field(
        default=None, description="Shared secret for identity's /internal routes (X-Internal-Token)"
    )
    identity_timeout_seconds: float = Field(default=10.0, gt=0)
    start_link_hours: int = Field(default=24, ge=1, le=24 * 14)
    resume_link_days: int = Field(default=14, ge=1, le=90)
    default_max_document_bytes: int = Field(default=10 * 1_048_576, gt=0)
