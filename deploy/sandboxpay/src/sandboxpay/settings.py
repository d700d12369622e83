"""The sandbox provider's settings and request bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from chassis.settings import require_real_secret

FINAL = ("succeeded", "declined", "canceled", "expired")


class SandboxSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SANDBOXPAY_", extra="ignore", frozen=True)

    host: str = "127.0.0.1"
    port: int = 8190
    public_base_url: str = Field(default="", description="the hosted page's base (default: own)")
    mongodb_url: str = "mongodb://127.0.0.1:27017/?directConnection=true"
    database: str = "sandboxpay"
    api_key: SecretStr = SecretStr("")
    webhook_url: str = Field(default="", description="where webhooks go (payments' endpoint)")
    webhook_secret: SecretStr = SecretStr("")
    copies: int = Field(default=1, ge=1, le=10, description=">1: deliver each event N times")
    retry_base_seconds: float = Field(default=1.0, gt=0)
    retry_max_seconds: float = Field(default=300.0, gt=0)
    deliver_interval_seconds: float = Field(default=0.2, gt=0)

    def checked(self) -> SandboxSettings:
        require_real_secret(self.api_key, "SANDBOXPAY_API_KEY")
        require_real_secret(self.webhook_secret, "SANDBOXPAY_WEBHOOK_SECRET")
        return self


class CheckoutIn(BaseModel):
    payment_id: str = Field(min_length=1, max_length=100)
    amount_minor: int = Field(gt=0)
    currency: str = Field(pattern="^[A-Z]{3}$")
    method: Literal["card", "echeck"] | str
    description: str = Field(max_length=500)
    return_url: str = Field(max_length=2000)
    expires_at: datetime


class AccountIn(BaseModel):
    """A merchant account of the sandbox (as a real provider's dashboard makes one)."""

    name: str = Field(min_length=1, max_length=200)
    webhook_url: str = Field(min_length=1, max_length=2000, description="its webhook endpoint")


class RefundIn(BaseModel):
    checkout_id: str
    amount_minor: int = Field(gt=0)
    idempotency_key: str = Field(min_length=1, max_length=200)
