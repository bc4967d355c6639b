"""Factories that build the server's model backends and store from config."""

from __future__ import annotations

from pathlib import Path

from core.errors import StoreError
from models.config import ModelsConfig
from models.registry import Role, resolve, spec_for
from server.config import StoreConfig
from server.store import PostgresSampleStore, SampleStore, SqliteSampleStore
from server.vlm import HfVisionLanguageBackend


def model_folder(role: Role, models: ModelsConfig) -> tuple[Path, str]:
    """Where ``role``'s model is, and the id it reports; a tiny one is built on first use."""
    spec = spec_for(role, models.profile)
    folder = resolve(role, **models.where())
    if spec.source == "tiny" and role not in models.paths:
        from models.tiny import ensure_built

        ensure_built(spec.location, folder)
    model_id = spec.location if spec.source == "hub" else f"{spec.source}:{spec.location}"
    return folder, model_id


def build_vlm(models: ModelsConfig) -> HfVisionLanguageBackend:
    """Load the vision-language model."""
    folder, model_id = model_folder(Role.VISION_LANGUAGE, models)
    return HfVisionLanguageBackend.load(folder, model_id, threads=models.threads)


def build_store(config: StoreConfig) -> SampleStore:
    if config.kind == "postgres":
        if not config.dsn:
            raise StoreError(
                "server.store.kind is postgres but server.store.dsn is empty; "
                "set it to e.g. postgresql://user@host/dbname"
            )
        return PostgresSampleStore(config.dsn, config.path / "blobs")
    return SqliteSampleStore(config.path)
