"""The portal's settings (``PORTAL_`` environment variables)."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from chassis.settings import Settings, mongo_problems, require_real_secret


class PortalSettings(Settings):
    model_config = SettingsConfigDict(env_prefix="PORTAL_", extra="ignore", frozen=True)

    deployment: Literal["embedded", "production"] = Field(
        default="embedded", description="production: checked at start (docs/operations.md)"
    )
    host: str = "127.0.0.1"
    port: int = 8090
    gateway_url: str = Field(
        default="http://127.0.0.1:8000", description="the public API the portal is a client of"
    )
    public_base_url: str = Field(
        default="http://127.0.0.1:8090",
        description="the portal's own address as browsers reach it (links, Secure cookies)",
    )
    mongodb_url: str = "mongodb://127.0.0.1:27017/?directConnection=true&retryWrites=false"
    mongodb_database: str = Field(
        default="permitsuite_portal", description="the portal's own sessions; no service data"
    )
    session_secret: SecretStr = Field(
        description="keys the CSRF tokens; a long random value, the same on every replica"
    )
    session_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    session_max_hours: int = Field(default=12, ge=1, le=24 * 30)
    registration_keep_days: int = Field(
        default=30,
        ge=1,
        le=365,
        description="how long a browser keeps its contractor registration after the last change",
    )
    payment_origins: list[str] = Field(
        default_factory=list,
        description="origins of the payment provider's hosted page: forms may lead there "
        "(Content-Security-Policy form-action)",
    )
    api_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    gateway_proxy_secret: SecretStr | None = Field(
        default=None,
        description="the gateway's GATEWAY_PROXY_SECRET: sent with every call so the gateway "
        "believes the visitor's address the portal forwards (rate limits count browsers)",
    )
    log_json: bool = True
    log_level: str = "INFO"

    @field_validator("session_secret")
    @classmethod
    def _real_secret(cls, value: SecretStr) -> SecretStr:
        return require_real_secret(value, "PORTAL_SESSION_SECRET")

    @property
    def secure_cookies(self) -> bool:
        return self.public_base_url.startswith("https://")

    @model_validator(mode="after")
    def _checked_for_production(self) -> Self:
        if self.deployment != "production":
            return self
        problems = mongo_problems(self.mongodb_url)
        if not self.secure_cookies:
            problems.append("PORTAL_PUBLIC_BASE_URL must be https:// (Secure cookies)")
        if self.gateway_proxy_secret is None:
            problems.append("PORTAL_GATEWAY_PROXY_SECRET must be set (rate limits per browser)")
        if problems:
            raise ValueError("not ready for production: " + "; ".join(problems))
        return self
