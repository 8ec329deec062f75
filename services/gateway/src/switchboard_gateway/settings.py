"""The gateway service's settings, from the environment."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator

from switchboard_gateway.durations import parse_duration
from switchboard_gateway.request_actions import Action, parse_action_limits
from switchboard_shared.settings import SecretsKeySettings


class GatewaySettings(SecretsKeySettings):
    service_name: str = "gateway"
    http_port: int = 8000
    jwt_expiration: str = "24h"
    refresh_token_lifetime: str = "30d"
    signing_key_lifetime: str = "90d"
    bootstrap_owner_email: str | None = None
    bootstrap_owner_password: SecretStr | None = None
    webhook_ingest_url: str = "http://127.0.0.1:8001"
    call_store_url: str = "http://127.0.0.1:8002"
    onboarding_url: str = "http://127.0.0.1:8003"
    provisioning_url: str = "http://127.0.0.1:8004"
    audit_url: str = "http://127.0.0.1:8005"
    command_control_url: str = "http://127.0.0.1:8006"
    gateway_url: str | None = None
    proxy_timeout_seconds: float = 10.0
    rate_limit_per_minute: int = Field(default=100, ge=1)
    user_action_limits: str = "bulk=10,command=30,write=300,read=1200"
    login_limit_per_address: int = 20
    login_limit_per_account: int = 5
    login_limit_window: str = "15m"
    trusted_proxies: str = ""
    invitation_lifetime: str = "7d"
    public_base_url: str = "http://127.0.0.1:8000"
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    smtp_from: str = "Switchboard <no-reply@switchboard.local>"
    smtp_timeout_seconds: float = 10.0
    mailer_group_id: str = "gateway-mailer"
    mode_mail_group_id: str = "gateway-mode-mail"
    mfa_token_lifetime: str = "5m"
    mfa_required_for_platform_roles: bool = False

    @field_validator(
        "jwt_expiration",
        "refresh_token_lifetime",
        "signing_key_lifetime",
        "login_limit_window",
        "invitation_lifetime",
        "mfa_token_lifetime",
    )
    @classmethod
    def _is_duration(cls, value: str) -> str:
        parse_duration(value)
        return value

    @field_validator("user_action_limits")
    @classmethod
    def _is_action_limits(cls, value: str) -> str:
        parse_action_limits(value)
        return value

    @property
    def action_limits(self) -> dict[Action, int]:
        return parse_action_limits(self.user_action_limits)

    @property
    def mfa_token_seconds(self) -> int:
        return parse_duration(self.mfa_token_lifetime)

    @property
    def access_token_seconds(self) -> int:
        return parse_duration(self.jwt_expiration)

    @property
    def refresh_token_seconds(self) -> int:
        return parse_duration(self.refresh_token_lifetime)

    @property
    def signing_key_seconds(self) -> int:
        return parse_duration(self.signing_key_lifetime)

    @property
    def invitation_seconds(self) -> int:
        return parse_duration(self.invitation_lifetime)

    @property
    def login_window_seconds(self) -> int:
        return parse_duration(self.login_limit_window)

    @property
    def trusted_proxy_addresses(self) -> frozenset[str]:
        return frozenset(a.strip() for a in self.trusted_proxies.split(",") if a.strip())

    def service_urls(self) -> dict[str, str]:
        return {
            "webhook-ingest": self.webhook_ingest_url,
            "call-store": self.call_store_url,
            "onboarding": self.onboarding_url,
            "provisioning": self.provisioning_url,
            "audit": self.audit_url,
            "command-control": self.command_control_url,
        }
