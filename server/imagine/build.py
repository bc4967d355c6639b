"""Building Imagine from config: the diffusion model, the safety models, the
watermark key and the signing certificates, created once in the server's
state folder and reused after."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from core.errors import ConfigError
from edge.redaction import Redactor
from models.config import ModelsConfig
from models.registry import Role, resolve_file
from server.certs import FOLDER_MODE, KEY_MODE, write_file
from server.components import model_folder
from server.config import ServerConfig
from server.consent_rules import ConsentRules
from server.imagine.config import ImagineConfig
from server.imagine.finishing import Finisher
from server.imagine.generator import DiffusersImageGenerator, ImageGenerator
from server.imagine.imaginer import Imaginer
from server.imagine.provenance import ProvenanceSigner, ensure_signing_certificates
from server.imagine.provenance.certificates import ROOT_CERT
from server.imagine.safety import PromptFilter
from server.imagine.safety.images import ImageClassifier, OnnxNudityClassifier
from server.imagine.verify import Verifier
from server.imagine.watermark import WatermarkConfig, Watermarker
from server.store.base import SampleStore

GENERATOR_NAME = "glasses-runtime Imagine"
GENERATOR_VERSION = "0.1.0"


@dataclass
class ImagineParts:
    """Everything a request needs but the store and the consent rules."""

    config: ImagineConfig
    generator: ImageGenerator
    classifier: ImageClassifier
    watermarker: Watermarker
    signer: ProvenanceSigner | None
    trust_anchor: Path | None  # our provenance root (reads our own files as trusted)

    def verifier(self) -> Verifier:
        return Verifier(self.watermarker, self.config.generator_id, self.trust_anchor)

    def imaginer(
        self,
        store: SampleStore,
        rules: ConsentRules,
        recheck: Redactor | None,
        max_photo_bytes: int,
    ) -> Imaginer:
        finisher = Finisher(
            self.config, self.classifier, self.watermarker, self.signer, self.generator.model_id
        )
        return Imaginer(
            self.config,
            self.generator,
            finisher,
            PromptFilter(self.config.safety.prompts),
            store,
            rules,
            recheck,
            self.trust_anchor,
            max_photo_bytes,
        )

    def close(self) -> None:
        if self.signer is not None:
            self.signer.close()


def build_generator(models: ModelsConfig) -> DiffusersImageGenerator:
    """The diffusion model; a tiny one is built on first use."""
    folder, model_id = model_folder(Role.DIFFUSION, models)
    return DiffusersImageGenerator.load(folder, model_id, threads=models.threads)


def build_verifier(server: ServerConfig) -> Verifier:
    """A verifier with this server's watermark key and provenance root (both must
    exist: the server creates them on its first start with Imagine)."""
    config, state = server.imagine, server.store.path
    key_file = config.watermark_key_file or state / "imagine" / "watermark.key"
    if not config.watermark.key and not Path(key_file).is_file():
        raise ConfigError(
            f"no watermark key at {key_file}: verify on the server's machine (or point "
            "server.store.path at its state folder), or verify over gRPC without --local"
        )
    watermark = _keyed(config, state)
    root = (config.provenance.dir or state / "provenance") / ROOT_CERT
    return Verifier(Watermarker(watermark), config.generator_id, root if root.is_file() else None)


def _keyed(config: ImagineConfig, state: Path) -> WatermarkConfig:
    """The watermark section with its key: configured, or from the key file."""
    if config.watermark.key:
        return config.watermark
    key_file = config.watermark_key_file or state / "imagine" / "watermark.key"
    return config.watermark.model_copy(update={"key": ensure_key(key_file)})


def build_parts(
    config: ImagineConfig,
    models: ModelsConfig,
    state: Path,
    generator: ImageGenerator | None = None,
    classifier: ImageClassifier | None = None,
) -> ImagineParts:
    """Imagine's parts; ``state`` is the server's state folder (store.path), where the
    watermark key and the signing certificates are created on first start.
    ``generator``/``classifier``: given ones instead of the configured models."""
    watermark = _keyed(config, state)
    signer, anchor = None, None
    if config.provenance.enabled:
        folder = config.provenance.dir or state / "provenance"
        certificates = ensure_signing_certificates(folder, config.provenance.organisation)
        anchor = certificates.root
        signer = ProvenanceSigner(
            certificates, config.provenance, GENERATOR_NAME, GENERATOR_VERSION
        )
    if classifier is None:
        path = resolve_file(Role.IMAGE_SAFETY, **models.where())
        classifier = OnnxNudityClassifier.load(path, config.safety.images, threads=1)
    return ImagineParts(
        config,
        generator or build_generator(models),
        classifier,
        Watermarker(watermark),
        signer,
        anchor,
    )


def ensure_key(path: Path) -> str:
    """The watermark key in ``path``, created (random, mode 0600) on first use."""
    path = Path(path)
    if path.is_file():
        key = path.read_text().strip()
        if len(key) < 8:
            raise ConfigError(f"{path} holds no usable watermark key; restore it from a backup")
        return key
    path.parent.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    key = secrets.token_urlsafe(32)
    write_file(path, (key + "\n").encode(), KEY_MODE)
    return key
