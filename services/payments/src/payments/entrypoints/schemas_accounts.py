"""Schemas of a jurisdiction's own merchant account: its keys go in, and
never come out again."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator

from chassis.schemas import Strict


class MerchantAccountIn(Strict):
    """A jurisdiction's own merchant account: the provider's keys for it."""

    provider: Literal["stripe", "sandbox"] = "stripe"
    api_key: SecretStr = Field(description="the account's secret API key (never shown again)")
    webhook_secret: SecretStr = Field(
        description="the signing secret of the webhook endpoint set up at the provider "
        "for this account's webhook_path (Stripe: whsec_…)"
    )
    label: str | None = Field(default=None, max_length=100, examples=["Ada County Treasurer"])

    @field_validator("api_key", "webhook_secret")
    @classmethod
    def _long_enough(cls, value: SecretStr) -> SecretStr:
        if len(value.get_secret_value().strip()) < 12:
            raise ValueError("at least 12 characters")
        return value


class MerchantAccountOut(BaseModel):
    account_id: str
    provider: str
    label: str | None
    api_key_hint: str = Field(description="the key's last four characters")
    webhook_path: str = Field(description="give the provider this address for the webhooks")
    created_at: datetime
    created_by: str
