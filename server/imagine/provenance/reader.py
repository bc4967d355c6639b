"""Reads and verifies an image's C2PA manifest into a short report.

``read_manifest`` answers for any bytes (it never raises): whether a manifest
is there, whether its signature and hashes hold (``valid``), and, apart from
that, whether its signer chains to a trusted root (``trusted``). Our own root
is in no trust list; pass its ``root.pem`` as ``trust_anchor`` to have our
files verify as trusted. Nothing is fetched from the network: a file may name
a remote manifest or OCSP responder, and reading one must not reach out.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import c2pa

from server.imagine.provenance.manifest import (
    ACTIONS,
    LEGACY_TRAINING_MINING,
    LINEAGE,
    NOT_ALLOWED,
    SOFT_BINDING,
    TRAINING_MINING,
)

# c2pa-rs settings for reading: verify everything, fetch nothing.
READING_SETTINGS: dict[str, Any] = {
    "verify": {"remote_manifest_fetch": False, "ocsp_fetch": False},
}
UNTRUSTED = "signingCredential.untrusted"
_VERSIONED = re.compile(r"(\.v\d+)?(__\d+)?$")  # "c2pa.actions.v2", "c2pa.soft-binding__1"
# Validation status codes (C2PA 2.x, section 15) in a few words each; codes
# not listed are shown with c2pa-rs's own explanation.
FAILURE_WORDS = {
    "assertion.dataHash.mismatch": "the image data changed after signing",
    "assertion.boxesHash.mismatch": "the image data changed after signing",
    "assertion.hashedURI.mismatch": "a manifest assertion was altered",
    "assertion.missing": "an assertion the claim lists is missing",
    "assertion.multipleHardBindings": "more than one hard binding",
    "claim.missing": "the manifest has no claim",
    "claimSignature.mismatch": "the signature does not match the claim",
    "claimSignature.missing": "the claim is not signed",
    "claimSignature.outsideValidity": "signed outside the certificate's validity",
    "signingCredential.invalid": "the signing certificate is not valid for C2PA",
    "signingCredential.expired": "the signing certificate has expired",
    "signingCredential.revoked": "the signing certificate was revoked",
    "manifest.inaccessible": "the manifest cannot be read",
    "ingredient.manifest.mismatch": "an ingredient's manifest does not match",
    "ingredient.claimSignature.mismatch": "an ingredient's signature does not match",
}


@dataclass(frozen=True)
class IngredientReport:
    """One ingredient of the active manifest (for a riff: its parent)."""

    title: str
    relationship: str
    has_manifest: bool
    soft_binding: str | None  # the ingredient's own watermark id, from its manifest
    failures: tuple[str, ...] = ()  # why its manifest did not hold when it was used


@dataclass(frozen=True)
class ManifestReport:
    """What an image's manifest says and whether it holds."""

    found: bool
    valid: bool  # the signature and every hash hold (whoever signed)
    trusted: bool  # and the signer chains to a trust anchor
    signer: str  # "subject CN (issuer CN)"
    claim_generator: str
    actions: tuple[str, ...]
    digital_source_type: str
    ingredients: tuple[IngredientReport, ...]
    soft_binding: str | None  # the watermark id
    do_not_train: bool
    failures: tuple[str, ...]  # why not valid; trust is reported apart

    def summary(self) -> str:
        """One line for humans."""
        if not self.found:
            return "no C2PA manifest" + (f" ({self.failures[0]})" if self.failures else "")
        if not self.valid:
            state = "INVALID: " + "; ".join(self.failures)
        elif self.trusted:
            state = "valid, trusted signer"
        else:
            state = "valid, but signed by an untrusted (local) root"
        source = self.digital_source_type.rsplit("/", 1)[-1] or "unknown source"
        parts = [f"C2PA manifest {state}", f"by {self.signer}", ", ".join(self.actions), source]
        for i in self.ingredients:
            broken = f", its manifest INVALID: {'; '.join(i.failures)}" if i.failures else ""
            parts.append(f"from {i.title} ({i.relationship}{broken})")
        if self.soft_binding:
            parts.append(f"watermark {self.soft_binding}")
        if self.do_not_train:
            parts.append("do not train")
        return "; ".join(parts)


def read_manifest(
    image: bytes, fmt: str | None = None, trust_anchor: Path | None = None
) -> ManifestReport:
    """The manifest report for ``image``; ``fmt`` (a MIME type) or detected.

    ``trust_anchor``: a PEM file of root certificates whose signers count as
    trusted (e.g. our ``root.pem``). Never raises on bad input: ``found`` is
    False and ``failures`` says why.
    """
    settings = dict(READING_SETTINGS)
    if trust_anchor is not None:
        try:
            settings["trust"] = {"user_anchors": Path(trust_anchor).read_text()}
        except (OSError, UnicodeDecodeError) as e:
            return _not_found(f"the trust anchor cannot be read: {e}")
    try:
        with c2pa.Context.from_dict(settings) as context:
            reader = c2pa.Reader.try_create(fmt, io.BytesIO(image), None, context)
            if reader is None:
                return _not_found(None)
            with reader:
                store = json.loads(reader.json())
                certificate = json.loads(reader.crjson())
    except c2pa.C2paError as e:
        return _not_found(f"not a readable image: {e}")
    try:
        return _report(store, certificate)
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        return _not_found(f"malformed manifest store: {e!r}")


def _not_found(reason: str | None) -> ManifestReport:
    return ManifestReport(
        found=False,
        valid=False,
        trusted=False,
        signer="",
        claim_generator="",
        actions=(),
        digital_source_type="",
        ingredients=(),
        soft_binding=None,
        do_not_train=False,
        failures=(reason,) if reason else (),
    )


def _report(store: dict[str, Any], crjson: dict[str, Any]) -> ManifestReport:
    manifests = store["manifests"]
    active = manifests[store["active_manifest"]]
    results = store.get("validation_results") or {}
    failing = list((results.get("activeManifest") or {}).get("failure", []))
    for delta in results.get("ingredientDeltas") or []:
        inner = (delta.get("validationDeltas") or {}).get("failure", [])
        failing += [{**f, "ingredient": True} for f in inner]
    failures = _failures(failing)
    state = store.get("validation_state", "Invalid")
    if state not in ("Valid", "Trusted") and not failures:
        failures = (f"validation state {state}",)  # never "invalid" without a reason
    actions = _actions(active)
    return ManifestReport(
        found=True,
        valid=state in ("Valid", "Trusted") and not failures,
        trusted=state == "Trusted" and not failures,
        signer=_signer(active, crjson, store["active_manifest"]),
        claim_generator=_generator(active),
        actions=tuple(a.get("action", "") for a in actions),
        digital_source_type=next(
            (a["digitalSourceType"] for a in actions if a.get("digitalSourceType")), ""
        ),
        ingredients=tuple(
            _ingredient(i, manifests, _lineage(active)) for i in active.get("ingredients", [])
        ),
        soft_binding=_soft_binding(active),
        do_not_train=_do_not_train(active),
        failures=failures,
    )


def _failures(failing: list[dict[str, Any]]) -> tuple[str, ...]:
    """The failures in words, once each, leaving out trust (reported apart)."""
    return tuple(dict.fromkeys(_words(f) for f in failing if f.get("code") != UNTRUSTED))


def _words(failure: dict[str, Any]) -> str:
    code = failure.get("code", "")
    words = FAILURE_WORDS.get(code) or f"{code}: {failure.get('explanation', '')}".strip(": ")
    return f"parent image: {words}" if failure.get("ingredient") else words


def _assertions(manifest: dict[str, Any], *labels: str) -> list[dict[str, Any]]:
    """The data of the assertions labelled ``labels``, also in their versioned
    (``.v2``) and repeated (``__1``) forms."""
    out = []
    for assertion in manifest.get("assertions", []):
        if _VERSIONED.sub("", assertion.get("label", "")) in labels:
            out.append(assertion.get("data") or {})
    return out


def _actions(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for data in _assertions(manifest, ACTIONS) for a in data.get("actions", [])]


def _soft_binding(manifest: dict[str, Any]) -> str | None:
    for data in _assertions(manifest, SOFT_BINDING):
        for block in data.get("blocks", []):
            if block.get("value"):
                return str(block["value"])
    return None


def _lineage(manifest: dict[str, Any]) -> str | None:
    for data in _assertions(manifest, LINEAGE):
        if data.get("parent_watermark_id"):
            return str(data["parent_watermark_id"])
    return None


def _do_not_train(manifest: dict[str, Any]) -> bool:
    for data in _assertions(manifest, TRAINING_MINING, LEGACY_TRAINING_MINING):
        entries = data.get("entries", {})
        if any(e.get("use") == NOT_ALLOWED for e in entries.values()):
            return True
    return False


def _generator(manifest: dict[str, Any]) -> str:
    info = manifest.get("claim_generator_info") or []
    if info:
        return f"{info[0].get('name', '')} {info[0].get('version', '')}".strip()
    return str(manifest.get("claim_generator", ""))


def _signer(manifest: dict[str, Any], crjson: dict[str, Any], label: str) -> str:
    # crJSON names the certificate's subject and issuer; the plain JSON only
    # the subject CN and the issuer's organisation.
    for entry in crjson.get("manifests", []):
        if entry.get("label") == label:
            info = (entry.get("signature") or {}).get("certificateInfo") or {}
            subject = (info.get("subject") or {}).get("CN", "")
            issuer = (info.get("issuer") or {}).get("CN", "")
            if subject:
                return f"{subject} ({issuer})" if issuer else subject
    info = manifest.get("signature_info") or {}
    return f"{info.get('common_name', '')} ({info.get('issuer', '')})".strip(" ()")


def _ingredient(
    ingredient: dict[str, Any], manifests: dict[str, Any], lineage: str | None
) -> IngredientReport:
    """``lineage``: the parent's watermark id as the riff recorded it (its own manifest,
    when it carries one, says more)."""
    label = ingredient.get("active_manifest")
    own = manifests.get(label) if label else None
    # As validated when the ingredient was added (c2pa-rs records it there).
    recorded = (ingredient.get("validation_results") or {}).get("activeManifest") or {}
    return IngredientReport(
        title=str(ingredient.get("title", "")),
        relationship=str(ingredient.get("relationship", "")),
        has_manifest=own is not None,
        soft_binding=_soft_binding(own) if own else lineage,
        failures=_failures(recorded.get("failure", [])),
    )
