"""Embeds a signed C2PA manifest in an encoded Imagine output (PNG or JPEG).

The last step of the pipeline (image → visible mark → invisible watermark →
encode → sign): ``ProvenanceSigner.sign`` takes the encoded bytes and returns
the same bytes with a manifest store embedded (a ``caBX`` chunk in a PNG,
APP11 segments in a JPEG) whose hard binding is a hash of everything else.
A riff names its parent as a ``parentOf`` ingredient; when the parent carries
a manifest (one of ours, or anyone's), that manifest comes along, so the
riff's lineage can be followed back.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from typing import Literal

import c2pa

from core.errors import BackendError, ConfigError, InvalidInputError
from server.imagine.provenance.certificates import SigningCertificates
from server.imagine.provenance.config import ProvenanceConfig
from server.imagine.provenance.manifest import FORMATS, manifest_definition

# c2pa-rs settings for signing. No thumbnails: a thumbnail of a riff's parent
# would copy the user's photo into the manifest, and one of the output costs
# an encode. No network: a parent image may name a remote manifest or OCSP
# responder, and the server fetches nothing a user's file points to. Verify
# after signing: it re-reads and re-hashes the output (about 1.5 ms per MB on
# 2 cores, bench/provenance.py), so a file that would not verify is never sent.
SIGNING_SETTINGS = {
    "builder": {"thumbnail": {"enabled": False}},
    "verify": {"remote_manifest_fetch": False, "ocsp_fetch": False, "verify_after_sign": True},
}


@dataclass(frozen=True)
class Ingredient:
    """A riff's parent image as received, before any decoding."""

    title: str
    data: bytes
    format: str  # "image/jpeg" or "image/png"
    watermark_id: str = ""  # our watermark read in its pixels, when its manifest is gone

    def __str__(self) -> str:
        return f"Ingredient({self.title!r}, {self.format}, {len(self.data)} bytes)"


class ProvenanceSigner:
    """Signs Imagine outputs with the local signing certificate.

    Built once (it loads the key and chain); ``sign`` may be called from
    several threads at once.
    """

    def __init__(
        self,
        certificates: SigningCertificates,
        config: ProvenanceConfig,
        generator: str,
        generator_version: str,
    ) -> None:
        self._config = config
        self._generator = generator
        self._generator_version = generator_version
        try:
            info = c2pa.C2paSignerInfo(
                c2pa.C2paSigningAlg.ES256,
                certificates.chain.read_bytes(),
                certificates.key.read_bytes(),
                None,  # offline: no time-stamp authority
            )
            self._signer = c2pa.Signer.from_info(info)
            self._context = c2pa.Context.from_dict(SIGNING_SETTINGS)
        except (OSError, c2pa.C2paError) as e:
            raise ConfigError(
                f"cannot sign with {certificates.chain} and {certificates.key}: {e}"
            ) from e

    def sign(
        self,
        image: bytes,
        fmt: str,
        *,
        kind: Literal["generated", "riff"],
        watermark_id: str,
        prompt_summary: str | None = None,
        parent: Ingredient | None = None,
        model_id: str = "",
    ) -> bytes:
        """``image`` (encoded as ``fmt``) with a signed manifest embedded.

        ``prompt_summary`` goes into the manifest only when given (the default
        keeps prompts, personal data, out). A riff needs its ``parent``.
        """
        parent_id = _instance_id(parent) if parent is not None else None
        definition = manifest_definition(
            kind,
            fmt=fmt,
            generator=self._generator,
            generator_version=self._generator_version,
            watermark_id=watermark_id,
            model_id=model_id,
            prompt_summary=prompt_summary,
            do_not_train=self._config.do_not_train,
            parent_id=parent_id,
            parent_watermark_id=parent.watermark_id if parent is not None else "",
        )
        out = io.BytesIO()
        with c2pa.Builder(definition, self._context) as builder:
            if parent is not None:
                _add_parent(builder, parent, parent_id)
            try:
                builder.sign(self._signer, fmt, io.BytesIO(image), out)
            except c2pa.C2paError as e:
                raise BackendError(f"C2PA signing of a {len(image)}-byte {fmt} failed: {e}") from e
        return out.getvalue()

    def close(self) -> None:
        """Free the native signer and context."""
        self._signer.close()
        self._context.close()


def _instance_id(parent: Ingredient) -> str:
    # The parent's digest names it: the riff records which exact bytes it was
    # made from (C2PA v2 ingredients hash only their manifest, not the asset).
    return "sha256:" + hashlib.sha256(parent.data).hexdigest()


def _add_parent(builder: c2pa.Builder, parent: Ingredient, parent_id: str) -> None:
    if parent.format not in FORMATS:
        raise InvalidInputError(f"a riff's parent must be {' or '.join(FORMATS)}")
    ingredient = {"title": parent.title, "relationship": "parentOf", "instance_id": parent_id}
    try:
        builder.add_ingredient(ingredient, parent.format, io.BytesIO(parent.data))
    except c2pa.C2paError as e:
        raise InvalidInputError(f"the riff's parent image cannot be read: {e}") from e
