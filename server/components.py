"""Factories that build the server's model backends and store from config."""

from __future__ import annotations

from core.errors import StoreError
from models.config import ModelsConfig
from models.registry import Role, resolve, spec_for
from server.config import StoreConfig
from server.store import PostgresSampleStore, SampleStore, SqliteSampleStore
from server.vlm import HfVisionLanguageBackend


def build_vlm(models: ModelsConfig) -> HfVisionLanguageBackend:
    """Load the vision-language model; a tiny one is built on first use."""
    spec = spec_for(Role.VISION_LANGUAGE, models.profile)
    folder = resolve(Role.VISION_LANGUAGE, **models.where())
    if spec.source == "tiny" and Role.VISION_LANGUAGE not in models.paths:
        from models.tiny import ensure_built

        ensure_built(spec.location, folder)
    model_id = spec.location if spec.source == "hub" else f"{spec.source}:{spec.location}"
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
