"""Payments settings (env prefix ``PAYMENTS_``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings, require_real_secret


class PaymentsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PAYMENTS_", extra="ignore", frozen=True)

    service_name: str = "payments"
    port: int = 8104

    provider: Literal["sandbox", "stripe"] = "sandbox"
    sandbox_url: str = Field(default="http://127.0.0.1:8190", description="the sandbox's API")
    provider_api_key: SecretStr = Field(
        default=SecretStr(""), description="the sandbox's API key, or Stripe's secret key"
    )
    webhook_secret: SecretStr = Field(
        default=SecretStr(""), description="verifies provider webhooks (Stripe: whsec_…)"
    )
    accounts_key: SecretStr | None = Field(
        default=None,
        description="encrypts jurisdictions' own merchant accounts' keys: a Fernet key "
        "(cryptography.fernet.Fernet.generate_key()); unset, every jurisdiction is paid into "
        "the installation's account",
    )
    webhook_tolerance_seconds: int = Field(default=300, ge=10, le=3600)
    return_url: str = Field(
        default="http://127.0.0.1:8000/v1/payments/return",
        description="where the hosted page sends the payer back (never trusted to settle)",
    )
    reservation_minutes: int = Field(
        default=30, ge=30, le=1440, description="how long a checkout holds its fee lines"
    )
    reconcile_after_minutes: int = Field(
        default=10, ge=1, description="ask the provider about payments pending this long"
    )
    reconcile_interval_seconds: float = Field(default=60.0, gt=0)
    idempotency_in_progress_seconds: int = Field(
        default=30, ge=1, description="a retry within this answers 409; later it resumes"
    )

    @model_validator(mode="after")
    def _secrets(self) -> PaymentsSettings:
        require_real_secret(self.provider_api_key, "PAYMENTS_PROVIDER_API_KEY")
        require_real_secret(self.webhook_secret, "PAYMENTS_WEBHOOK_SECRET")
        if self.production and self.provider == "sandbox":
            raise ValueError("PAYMENTS_PROVIDER=sandbox takes no money: production uses stripe")
        return self
