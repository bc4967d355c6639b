"""The ``server`` configuration section."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class StoreConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["sqlite", "postgres"] = Field("sqlite", description="sample store backend")
    path: Path = Field(
        Path("var/glasses"), description="folder for the SQLite database and the blob folder"
    )
    dsn: str = Field(
        "", description="PostgreSQL connection string (kind: postgres), e.g. postgresql://u@h/db"
    )


class ServerConfig(BaseModel):
    """Everything the gRPC server needs; it receives only this section."""

    model_config = ConfigDict(extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(50051, ge=0, le=65535, description="0 picks a free port")
    store: StoreConfig = StoreConfig()
    recheck_uploads: bool = Field(True, description="re-run redaction on every uploaded frame")
    max_frame_bytes: int = Field(4 << 20, ge=1024, description="larger frames are refused")
    max_answer_tokens: int = Field(256, ge=1, le=8192, description="cap on any query")
    frames_per_session: int = Field(8, ge=1, description="recent frames kept per session")
    grace_s: float = Field(5.0, ge=0, description="graceful shutdown period")
