"""Identity settings (env prefix ``IDENTITY_``)."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings, require_real_secret


class IdentitySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="IDENTITY_", extra="ignore", frozen=True)

    service_name: str = "identity"
    port: int = 8101

    signing_key: SecretStr = Field(
        description="Ed25519 private key (PEM) that signs access tokens; "
        "`permitsuite-identity generate-key` makes one",
    )
    signing_key_id: str = Field(default="", description="JWK kid; derived from the key if empty")
    access_token_minutes: int = Field(default=5, ge=1, le=60)
    refresh_token_days: int = Field(default=30, ge=1, le=365)
    enrollment_link_hours: int = Field(default=24, ge=1, le=24 * 14)
    invitation_days: int = Field(default=8, ge=1, le=60)
    reset_link_minutes: int = Field(default=30, ge=5, le=24 * 60)
    pin_valid_days: int = Field(default=14, ge=1, le=90)
    setup_token_minutes: int = Field(default=15, ge=1, le=60)
    previous_public_keys: str = Field(
        default="",
        description="JWKS JSON of retired signing keys: still published (and so still "
        "verifying) until the tokens they signed have expired",
    )
    trusted_proxies: list[str] = Field(
        default_factory=lambda: ["127.0.0.1", "::1"],
        description="Peers whose X-Forwarded-For is believed (the gateway)",
    )
    internal_token: SecretStr | None = Field(
        default=None,
        description="Shared secret other services present on /internal routes "
        "(X-Internal-Token); unset disables them",
    )
    # Login throttling (identity/domain/throttle.py, docs/architecture.md)
    login_free_failures: int = Field(
        default=3, ge=1, description="one account from one address: failures before delays"
    )
    login_lockout_after: int = Field(
        default=10, ge=2, description="one account from one address: failures before a lockout"
    )
    login_lockout_minutes: int = Field(default=15, ge=1)
    login_account_free_failures: int = Field(
        default=5, ge=1, description="one account from any address: failures before delays"
    )
    login_account_max_delay_seconds: int = Field(
        default=30, ge=1, description="the longest delay an account's owner can be made to wait"
    )
    login_address_free_failures: int = Field(
        default=10, ge=1, description="one address, accounts never logged in from it: free failures"
    )
    login_address_lockout_after: int = Field(default=30, ge=2)
    login_known_address_days: int = Field(
        default=90, ge=1, description="a successful login exempts its address this long"
    )

    @field_validator("signing_key")
    @classmethod
    def _real_key(cls, value: SecretStr) -> SecretStr:
        value = require_real_secret(value, "IDENTITY_SIGNING_KEY")
        if "PRIVATE KEY" not in value.get_secret_value():
            raise ValueError("IDENTITY_SIGNING_KEY must be a PEM private key")
        return value
