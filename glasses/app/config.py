"""The ``app`` section: where the companion app listens and keeps its sessions."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class CompanionConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    host: str = Field(
        "127.0.0.1",
        description="the address the app listens on: loopback only (the phone's own browser); "
        "the session cookie is Secure, which browsers accept over plain HTTP only there",
    )
    port: int = Field(8765, ge=0, le=65535, description="0: any free port (printed)")
    sessions: str = Field(
        "~/.local/state/glasses/app.sqlite",
        description="the paired sessions (the phone's token, kept on the phone, mode 0600)",
    )
    session_days: float = Field(30.0, gt=0, description="a session ends after this long unused")
    device_id: str = Field(
        "phone-app",
        pattern=r"^[A-Za-z0-9._-]{1,57}$",
        description="what this phone is called (each pairing adds '-' and 6 hex digits)",
    )
    timeout_s: float = Field(10.0, gt=0, description="one call to the server, at most")
    imagine_timeout_s: float = Field(300.0, gt=0, description="an Imagine request, at most")
    page_size: int = Field(20, ge=1, le=100, description="history entries per page")
