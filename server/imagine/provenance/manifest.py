"""What an Imagine output's C2PA manifest says, as the definition c2pa-python signs.

One function, ``manifest_definition``, and the names both the signer and the
reader use. The manifest holds: the actions (``c2pa.created`` with
trainedAlgorithmicMedia for a generated image; ``c2pa.opened`` on the parent
then ``c2pa.edited`` with compositeWithTrainedAlgorithmicMedia for a riff), the
invisible watermark as a soft binding, the do-not-train declaration when
configured, and IPTC/XMP metadata. Never the prompt, unless the caller passes
a summary it chose to publish: prompts are personal data.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from core.errors import InvalidInputError

Kind = Literal["generated", "riff"]

IPTC_SOURCE_TYPES = "http://cv.iptc.org/newscodes/digitalsourcetype/"
TRAINED_ALGORITHMIC_MEDIA = IPTC_SOURCE_TYPES + "trainedAlgorithmicMedia"
COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA = (
    IPTC_SOURCE_TYPES + "compositeWithTrainedAlgorithmicMedia"
)
SOURCE_TYPES = {
    "generated": TRAINED_ALGORITHMIC_MEDIA,
    "riff": COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA,
}
# The action that made the pixels: a generated image is created, a riff edits its parent.
GENERATIVE_ACTIONS = {"generated": "c2pa.created", "riff": "c2pa.edited"}

ACTIONS = "c2pa.actions"
SOFT_BINDING = "c2pa.soft-binding"
# The C2PA 2.x standard metadata assertion (JSON-LD with IPTC/XMP terms); it
# replaced ``stds.iptc.photo-metadata``, which readers still accept.
METADATA = "c2pa.metadata"
# A riff's parent as our watermark named it, when the photo came without its
# manifest (the device's redaction re-encodes it): lineage kept either way.
LINEAGE = "com.glasses.lineage"
# CAWG's training-and-data-mining assertion; C2PA 2.x dropped its own
# ``c2pa.training-mining`` in its favour. Readers accept both.
TRAINING_MINING = "cawg.training-mining"
LEGACY_TRAINING_MINING = "c2pa.training-mining"
# Every use the declaration covers, each declared ``notAllowed``.
TRAINING_USES = (
    "cawg.ai_training",
    "cawg.ai_generative_training",
    "cawg.ai_inference",
    "cawg.data_mining",
)
NOT_ALLOWED = "notAllowed"

# The soft binding's algorithm name: reverse-domain, as the C2PA soft-binding
# algorithm list names entity-specific algorithms; the value is the
# watermark's id, in hex, as the watermark decoder reports it.
WATERMARK_ALG = "com.glasses.watermark.v1"
# A watermark id: hex digits (either case, kept as given), a few hundred bits at most.
WATERMARK_ID = re.compile(r"[0-9a-fA-F]{1,128}")

FORMATS = {"image/png": "png", "image/jpeg": "jpg"}
_CONTEXT = {
    "Iptc4xmpExt": "http://iptc.org/std/Iptc4xmpExt/2008-02-29/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "dc": "http://purl.org/dc/elements/1.1/",
}


def manifest_definition(
    kind: Kind,
    *,
    fmt: str,
    generator: str,
    generator_version: str,
    watermark_id: str,
    model_id: str = "",
    prompt_summary: str | None = None,
    do_not_train: bool = True,
    parent_id: str | None = None,
    parent_watermark_id: str = "",
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The manifest definition for one output (c2pa-python's ``Builder`` JSON).

    ``parent_id`` is the instance id of the riff's parent ingredient, which the
    ``c2pa.opened`` action points to; the caller adds that ingredient.
    """
    if fmt not in FORMATS:
        raise InvalidInputError(f"can sign {', '.join(FORMATS)} images, not {fmt!r}")
    if not WATERMARK_ID.fullmatch(watermark_id):
        raise InvalidInputError("the watermark id must be 1 to 128 hex digits")
    if (kind == "riff") != (parent_id is not None):
        raise InvalidInputError("a riff, and only a riff, has a parent image")
    when = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
    source_type = SOURCE_TYPES[kind]
    agent = {"name": model_id} if model_id else {"name": generator, "version": generator_version}
    generative = {
        "action": GENERATIVE_ACTIONS[kind],
        "digitalSourceType": source_type,
        "softwareAgent": agent,
        "when": when,
    }
    if prompt_summary:
        generative["description"] = prompt_summary
    actions = [generative]
    if parent_id is not None:
        # C2PA: an edit's first action opens its parent ingredient.
        actions.insert(0, {"action": "c2pa.opened", "parameters": {"ingredientIds": [parent_id]}})

    assertions: list[dict[str, Any]] = [
        {"label": ACTIONS, "data": {"actions": actions}},
        {
            "label": SOFT_BINDING,
            "data": {
                "alg": WATERMARK_ALG,
                "blocks": [{"scope": {}, "value": watermark_id}],
                "pad": [],
            },
        },
        {
            "label": METADATA,
            "kind": "Json",
            "data": _metadata(
                source_type, fmt, when, f"{generator} {generator_version}", model_id, prompt_summary
            ),
        },
    ]
    if parent_watermark_id:
        if not WATERMARK_ID.fullmatch(parent_watermark_id):
            raise InvalidInputError("the parent's watermark id must be 1 to 128 hex digits")
        lineage = {"parent_watermark_id": parent_watermark_id, "found_by": "watermark"}
        assertions.append({"label": LINEAGE, "data": lineage})
    if do_not_train:
        entries = {use: {"use": NOT_ALLOWED} for use in TRAINING_USES}
        assertions.append({"label": TRAINING_MINING, "data": {"entries": entries}})
    return {
        "claim_generator_info": [{"name": generator, "version": generator_version}],
        "title": f"{'imagined' if kind == 'generated' else 'riff'}.{FORMATS[fmt]}",
        "format": fmt,
        "assertions": assertions,
    }


def _metadata(
    source_type: str,
    fmt: str,
    when: str,
    creator_tool: str,
    model_id: str,
    prompt_summary: str | None,
) -> dict[str, Any]:
    """IPTC Photo Metadata and XMP terms, as JSON-LD."""
    data: dict[str, Any] = {
        "@context": _CONTEXT,
        "Iptc4xmpExt:DigitalSourceType": source_type,
        "xmp:CreatorTool": creator_tool.strip(),
        "xmp:CreateDate": when,
        "photoshop:DateCreated": when,
        "dc:format": fmt,
    }
    if model_id:
        data["Iptc4xmpExt:AISystemUsed"] = model_id
    if prompt_summary:
        data["Iptc4xmpExt:AIPromptInformation"] = prompt_summary
    return data
