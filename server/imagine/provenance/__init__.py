"""Provenance for Imagine outputs: Content Credentials (signed C2PA manifests
with IPTC metadata, the watermark as a soft binding, do-not-train) and a
discreet visible mark.

The pipeline's order: image → ``draw_visible_mark`` → invisible watermark →
encode → ``ProvenanceSigner.sign``. ``read_manifest`` verifies a file.
"""

from server.imagine.provenance.certificates import (
    SigningCertificates,
    ensure_signing_certificates,
)
from server.imagine.provenance.config import ProvenanceConfig
from server.imagine.provenance.mark import draw_visible_mark
from server.imagine.provenance.reader import IngredientReport, ManifestReport, read_manifest
from server.imagine.provenance.signer import Ingredient, ProvenanceSigner

__all__ = [
    "Ingredient",
    "IngredientReport",
    "ManifestReport",
    "ProvenanceConfig",
    "ProvenanceSigner",
    "SigningCertificates",
    "draw_visible_mark",
    "ensure_signing_certificates",
    "read_manifest",
]
