"""The ``models`` configuration section."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from models.registry import Profile, Role


class ModelsConfig(BaseModel):
    """Which models fill the roles, and where built models are cached."""

    model_config = ConfigDict(extra="forbid")

    profile: Profile = Field(Profile.OFFLINE, description="offline: bundled + tiny; standard: hub")
    paths: dict[Role, str] = Field(
        default_factory=dict, description="role -> local folder or file; overrides the profile"
    )
    cache_dir: Path = Field(
        Path("~/.cache/glasses").expanduser(), description="where tiny built models are saved"
    )
    threads: int = Field(2, ge=1, le=64, description="CPU threads per model runtime")

    def where(self) -> dict:
        """Keyword arguments for ``models.registry.resolve`` from this section."""
        return {
            "profile": self.profile,
            "paths": {str(k): v for k, v in self.paths.items()},
            "cache_dir": self.cache_dir,
        }
