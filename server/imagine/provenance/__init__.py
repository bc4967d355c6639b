"""Provenance for Imagine outputs: Content Credentials (signed C2PA manifests
with IPTC metadata, the watermark as a soft binding, do-not-train) and a
discreet visible mark.

The pipeline's order: image → ``draw_visible_mark`` → invisible watermark →
encode → ``ProvenanceSigner.sign``. ``read_manifest`` verifies a file.
"""

import importlib

# Loaded on first use: the server's config imports this package's config module,
# and every command reads that config; models and native libraries wait until used.
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


def __getattr__(name: str):  # noqa: ANN202 - PEP 562 lazy exports
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
