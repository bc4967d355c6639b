"""The ``server`` configuration section."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from server.imagine.config import ImagineConfig


class StoreConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["sqlite", "postgres"] = Field("sqlite", description="sample store backend")
    path: Path = Field(
        Path("var/glasses"), description="folder for the SQLite database and the blob folder"
    )
    dsn: str = Field(
        "", description="PostgreSQL connection string (kind: postgres), e.g. postgresql://u@h/db"
    )


class ConsentPolicyConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    policy_version: str = Field(
        "2026-11", pattern=r"^\d{4}-\d{2}$", description="the privacy policy users accept (YYYY-MM)"
    )
    training_regions: list[str] = Field(
        ["US", "CA"], description="ISO 3166-1 alpha-2 regions where training use is offered"
    )
    default_region: str = Field("US", pattern=r"^[A-Z]{2}$", description="for new users")

    def policy(self):  # noqa: ANN201 - server.consent.ConsentPolicy
        from server.consent import ConsentPolicy

        return ConsentPolicy(
            self.policy_version,
            tuple(r.upper() for r in self.training_regions),
            self.default_region,
        )


class RetentionConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    transient_s: float = Field(
        0.0,
        ge=0,
        description="keep samples without history/training consent this long (0: not at all); "
        "also how long a user's samples stay after they revoke both",
    )
    purge_every_s: float = Field(600.0, gt=0, description="how often the retention job runs")
    deliveries_s: float = Field(
        7 * 86400.0,
        gt=0,
        description="how long a question's delivery record (its idempotency key, user id, "
        "sample id and time; no text) is kept, so that a retry of it is replayed, not "
        "answered and logged again; an edge must not retry a question older than this",
    )


class TlsConfig(BaseModel):
    """The server's certificate. Empty ``cert`` and ``key``: a local CA and a
    certificate signed by it are created in ``dir`` on first start and reused
    after (``glasses certs`` does the same ahead of time); devices trust its
    ``ca.pem`` (``edge.tls_ca``)."""

    model_config = ConfigDict(extra="forbid")

    cert: Path | None = Field(
        None, description="PEM certificate chain of the server (with key); empty: created"
    )
    key: Path | None = Field(None, description="PEM private key of ``cert``")
    dir: Path | None = Field(
        None,
        description="folder of the created CA and certificate; empty: the 'tls' folder "
        "in store.path (the server's state folder)",
    )
    hosts: list[str] = Field(
        [],
        description="names and addresses devices use to reach this server; the created "
        "certificate is valid for them besides localhost, 127.0.0.1 and ::1",
    )

    @model_validator(mode="after")
    def _pair(self) -> TlsConfig:
        if (self.cert is None) != (self.key is None):
            raise ValueError("set both cert and key, or neither (then they are created)")
        return self


class ServerConfig(BaseModel):
    """Everything the gRPC server needs; it receives only this section."""

    model_config = ConfigDict(extra="forbid")

    host: str = Field("127.0.0.1", description="address to bind; 0.0.0.0 or :: for all")
    port: int = Field(50051, ge=0, le=65535, description="0 picks a free port")
    plaintext: bool = Field(
        False,
        description="serve without TLS; allowed only when host is a loopback address "
        "(127.0.0.1, ::1, localhost), e.g. behind a TLS-terminating proxy on the same machine",
    )
    tls: TlsConfig = TlsConfig()
    store: StoreConfig = StoreConfig()
    consent: ConsentPolicyConfig = ConsentPolicyConfig()
    retention: RetentionConfig = RetentionConfig()
    recheck_uploads: bool = Field(
        True,
        description="re-run redaction on every uploaded frame and re-encode it from pixels; "
        "off, frames are kept as the device sent them, metadata included (text is "
        "re-checked either way)",
    )
    max_frame_bytes: int = Field(4 << 20, ge=1024, description="larger frames are refused")
    max_answer_tokens: int = Field(256, ge=1, le=8192, description="cap on any query")
    frames_per_session: int = Field(8, ge=1, description="recent frames kept per session")
    resume_grace_s: float = Field(
        120.0,
        ge=0,
        description="a session whose stream broke is kept this long for its device to resume "
        "it (Hello.resume_token: its frames and utterances held, its session id); 0: never. "
        "In memory only: a server restart forgets it",
    )
    duplicate_wait_s: float = Field(
        30.0,
        gt=0,
        description="a question sent again (same idempotency key) while its first delivery is "
        "still being answered waits this long for that answer to be on record, then is told "
        "BUSY and the device sends it again later; a stuck first delivery never holds it longer",
    )
    resume_max_sessions: int = Field(
        64,
        ge=0,
        description="at most this many broken sessions are kept for resume, the oldest dropped "
        "first (each holds up to frames_per_session frames of up to max_frame_bytes)",
    )
    grace_s: float = Field(5.0, ge=0, description="graceful shutdown period")
    imagine: ImagineConfig = Field(
        default_factory=ImagineConfig, description="Imagine: text-to-image and riffs"
    )

    def tls_folder(self) -> Path:
        """Where the created CA and certificate live (``tls.dir``, else in store.path)."""
        return self.tls.dir if self.tls.dir is not None else self.store.path / "tls"
