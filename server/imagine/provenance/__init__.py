"""Provenance for Imagine outputs: Content Credentials (signed C2PA manifests
with IPTC metadata, the watermark as a soft binding, do-not-train) and a
discreet visible mark.

The pipeline's order: image → ``draw_visible_mark`` → invisible watermark →
encode → ``ProvenanceSigner.sign``. ``read_manifest`` verifies a file.
"""

from server.imagine.lazy import lazy_exports

# loaded on first use (server/imagine/lazy.py)
_EXPORTS = {
    "Ingredient": "server.imagine.provenance.signer",
    "IngredientReport": "server.imagine.provenance.reader",
    "ManifestReport": "server.imagine.provenance.reader",
    "ProvenanceConfig": "server.imagine.provenance.config",
    "ProvenanceSigner": "server.imagine.provenance.signer",
    "SigningCertificates": "server.imagine.provenance.certificates",
    "draw_visible_mark": "server.imagine.provenance.mark",
    "ensure_signing_certificates": "server.imagine.provenance.certificates",
    "read_manifest": "server.imagine.provenance.reader",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_exports(__name__, _EXPORTS)
