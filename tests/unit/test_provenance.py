"""Content Credentials on Imagine outputs: what a verifier reads back from a
signed image, that a tampered one fails, and how the signing CA is kept."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import stat
import threading

import c2pa
import numpy as np
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID
from PIL import Image

from core.errors import ConfigError, InvalidInputError
from server.imagine.provenance import (
    Ingredient,
    ProvenanceConfig,
    ProvenanceSigner,
    draw_visible_mark,
    ensure_signing_certificates,
    read_manifest,
)
from server.imagine.provenance.certificates import (
    C2PA_CLAIM_SIGNING,
    ROOT_KEY,
    SIGNER_LIFETIME,
)
from server.imagine.provenance.manifest import (
    COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA,
    TRAINED_ALGORITHMIC_MEDIA,
)
from tests.support.pictures import generated_like
from tests.support.tamper import (
    PIL_FORMATS,
    encode,
    flip_a_pixel_byte,
    repaint_keeping_the_manifest,
)

CHANGED = "the image data changed after signing"


def picture(seed: int = 0, size: int = 256) -> np.ndarray:
    return generated_like(size, seed)


def store_json(image: bytes) -> str:
    with c2pa.Reader(io.BytesIO(image)) as reader:
        return reader.json()


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    return ensure_signing_certificates(tmp_path_factory.mktemp("provenance"), "glasses test")


@pytest.fixture(scope="module")
def signer(certificates):
    made = ProvenanceSigner(certificates, ProvenanceConfig(), "glasses-runtime", "0.9")
    yield made
    made.close()


@pytest.fixture(scope="module", params=list(PIL_FORMATS))
def generated(request, signer) -> tuple[str, bytes]:
    fmt = request.param
    image = encode(picture(), fmt)
    return fmt, signer.sign(image, fmt, kind="generated", watermark_id="00c0ffee", model_id="tiny")


# --- what a verifier reads back ------------------------------------------------


def test_a_generated_image_reads_back_valid_ai_made_watermarked_and_not_for_training(generated):
    fmt, signed = generated
    report = read_manifest(signed, fmt)
    assert report.found and report.valid and not report.failures
    assert report.actions == ("c2pa.created",)
    assert report.digital_source_type == TRAINED_ALGORITHMIC_MEDIA
    assert report.soft_binding == "00c0ffee"
    assert report.do_not_train
    assert report.claim_generator == "glasses-runtime 0.9"
    assert report.signer.startswith("glasses image signer (glasses provenance root ")
    assert report.ingredients == ()
    # the pixels are the ones that were signed
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(signed))), picture()) == (
        fmt == "image/png"
    )


def test_the_format_is_detected_when_not_given(generated):
    assert read_manifest(generated[1]).valid


def test_the_manifest_carries_iptc_metadata_and_no_prompt_unless_a_summary_is_given(signer):
    image = encode(picture(), "image/png")
    plain = signer.sign(image, "image/png", kind="generated", watermark_id="01")
    store = json.loads(store_json(plain))
    metadata = [
        a["data"]
        for a in store["manifests"][store["active_manifest"]]["assertions"]
        if a["label"] == "c2pa.metadata"
    ][0]
    assert metadata["Iptc4xmpExt:DigitalSourceType"] == TRAINED_ALGORITHMIC_MEDIA
    assert metadata["xmp:CreatorTool"] == "glasses-runtime 0.9"
    assert dt.datetime.fromisoformat(metadata["xmp:CreateDate"])
    assert "AIPromptInformation" not in json.dumps(store) and "description" not in json.dumps(store)

    summary = "a lighthouse at dusk"
    told = signer.sign(
        image, "image/png", kind="generated", watermark_id="01", prompt_summary=summary
    )
    assert summary in store_json(told)


def test_without_do_not_train_there_is_no_declaration(certificates):
    config = ProvenanceConfig(do_not_train=False)
    with_training = ProvenanceSigner(certificates, config, "glasses-runtime", "0.9")
    image = encode(picture(), "image/jpeg")
    report = read_manifest(
        with_training.sign(image, "image/jpeg", kind="generated", watermark_id="1")
    )
    assert report.valid and not report.do_not_train


def test_a_riff_on_our_own_image_keeps_the_parent_with_its_manifest_and_watermark(
    signer, generated
):
    fmt, parent = generated
    child = encode(picture(seed=1), "image/png")
    riff = signer.sign(
        child,
        "image/png",
        kind="riff",
        watermark_id="beef",
        parent=Ingredient("parent", parent, fmt),
    )
    report = read_manifest(riff, "image/png")
    assert report.valid
    assert report.actions == ("c2pa.opened", "c2pa.edited")
    assert report.digital_source_type == COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA
    assert report.soft_binding == "beef"
    [ingredient] = report.ingredients
    assert (ingredient.title, ingredient.relationship) == ("parent", "parentOf")
    assert ingredient.has_manifest and ingredient.soft_binding == "00c0ffee"
    assert ingredient.failures == ()
    assert "from parent (parentOf)" in report.summary()


def test_a_riff_on_a_plain_photo_has_a_plain_parent_named_by_its_digest(signer):
    photo = encode(picture(seed=2), "image/jpeg")
    riff = signer.sign(
        encode(picture(seed=3), "image/jpeg"),
        "image/jpeg",
        kind="riff",
        watermark_id="5eed",
        parent=Ingredient("photo.jpg", photo, "image/jpeg"),
    )
    report = read_manifest(riff)
    assert report.valid and report.digital_source_type == COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA
    [ingredient] = report.ingredients
    assert (ingredient.title, ingredient.relationship) == ("photo.jpg", "parentOf")
    assert not ingredient.has_manifest and ingredient.soft_binding is None
    store = json.loads(store_json(riff))
    [recorded] = store["manifests"][store["active_manifest"]]["ingredients"]
    assert recorded["format"] == "image/jpeg"
    assert recorded["instance_id"].startswith("sha256:") and "thumbnail" not in recorded


def test_a_riff_on_a_tampered_image_says_its_parent_did_not_hold(signer, generated):
    fmt, parent = generated
    broken = flip_a_pixel_byte(parent, fmt)
    riff = signer.sign(
        encode(picture(seed=4), "image/png"),
        "image/png",
        kind="riff",
        watermark_id="abc",
        parent=Ingredient("parent", broken, fmt),
    )
    report = read_manifest(riff)
    assert report.valid  # the riff itself holds
    assert CHANGED in report.ingredients[0].failures
    assert "its manifest INVALID" in report.summary()


# --- what does not verify -------------------------------------------------------


@pytest.mark.parametrize("tamper", [repaint_keeping_the_manifest, flip_a_pixel_byte])
def test_pixels_changed_after_signing_fail_validation_and_the_report_says_why(generated, tamper):
    fmt, signed = generated
    tampered = tamper(signed, fmt)
    assert tampered != signed
    report = read_manifest(tampered, fmt)
    assert report.found and not report.valid and not report.trusted
    assert CHANGED in report.failures
    assert report.summary().startswith("C2PA manifest INVALID: ")
    assert report.soft_binding == "00c0ffee"  # still read, for lookup


def test_a_re_encoded_image_has_no_manifest(generated):
    fmt, signed = generated
    stripped = encode(np.asarray(Image.open(io.BytesIO(signed)).convert("RGB")), fmt)
    report = read_manifest(stripped, fmt)
    assert not report.found and not report.valid and report.failures == ()
    assert report.summary() == "no C2PA manifest"


@pytest.mark.parametrize(
    "data, fmt",
    [
        (b"", None),
        (b"", "image/png"),
        (b"not an image at all", None),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\x13" * 64, "image/jpeg"),
        (b"GIF89a", "image/gif"),
        (bytes(range(256)) * 8, "application/octet-stream"),
    ],
)
def test_garbage_is_reported_not_raised(data, fmt):
    report = read_manifest(data, fmt)
    assert not report.found and not report.valid
    assert report.summary().startswith("no C2PA manifest")


def test_a_truncated_signed_file_is_reported_not_raised(generated):
    fmt, signed = generated
    for cut in (40, len(signed) // 2, len(signed) - 3):
        report = read_manifest(signed[:cut], fmt)
        assert not report.valid


# --- trust ------------------------------------------------------------------------


def test_our_root_as_trust_anchor_makes_our_files_trusted(generated, certificates):
    fmt, signed = generated
    untrusted = read_manifest(signed, fmt)
    assert untrusted.valid and not untrusted.trusted
    assert "untrusted (local) root" in untrusted.summary()
    trusted = read_manifest(signed, fmt, trust_anchor=certificates.root)
    assert trusted.valid and trusted.trusted and "trusted signer" in trusted.summary()


def test_another_root_as_trust_anchor_does_not_make_them_trusted(generated, tmp_path):
    fmt, signed = generated
    other = ensure_signing_certificates(tmp_path, "someone else")
    report = read_manifest(signed, fmt, trust_anchor=other.root)
    assert report.valid and not report.trusted


def test_an_unreadable_trust_anchor_is_reported_not_raised(generated, tmp_path):
    report = read_manifest(generated[1], trust_anchor=tmp_path / "missing.pem")
    assert not report.found and "trust anchor" in report.failures[0]


# --- the signing certificates -------------------------------------------------------


def load_chain(path) -> list[x509.Certificate]:  # noqa: ANN001
    return x509.load_pem_x509_certificates(path.read_bytes())


def test_certificates_are_created_once_and_reused(tmp_path):
    first = ensure_signing_certificates(tmp_path, "org")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert sorted(before) == ["root.key", "root.pem", "signer.key", "signer.pem"]
    second = ensure_signing_certificates(tmp_path, "org")
    assert second == first
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_keys_are_readable_by_their_owner_only_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        made = ensure_signing_certificates(tmp_path / "provenance", "org")
    finally:
        os.umask(old)
    for key in (made.key, tmp_path / "provenance" / ROOT_KEY):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "provenance").stat().st_mode) == 0o700


def test_the_leaf_is_what_c2pa_asks_of_a_claim_signer(tmp_path):
    made = ensure_signing_certificates(tmp_path, "glasses test")
    leaf, root = load_chain(made.chain)
    assert load_chain(made.root) == [root]
    leaf.verify_directly_issued_by(root)
    assert not leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    usage = leaf.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature and not usage.value.key_cert_sign
    ekus = set(leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
    assert ekus == {ExtendedKeyUsageOID.EMAIL_PROTECTION, C2PA_CLAIM_SIGNING}
    assert isinstance(leaf.public_key(), ec.EllipticCurvePublicKey)
    assert leaf.public_key().curve.name == "secp256r1"
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_a_leaf_near_its_end_is_reissued_from_the_same_root(tmp_path):
    made = ensure_signing_certificates(tmp_path, "org")
    root, old_leaf = made.root.read_bytes(), made.chain.read_bytes()
    later = dt.datetime.now(dt.UTC) + SIGNER_LIFETIME - dt.timedelta(days=5)
    ensure_signing_certificates(tmp_path, "org", now=later)
    assert made.root.read_bytes() == root and made.chain.read_bytes() != old_leaf
    load_chain(made.chain)[0].verify_directly_issued_by(load_chain(made.root)[0])


def test_a_new_organisation_reissues_the_leaf_only(tmp_path):
    made = ensure_signing_certificates(tmp_path, "org")
    root = made.root.read_bytes()
    ensure_signing_certificates(tmp_path, "another org")
    assert made.root.read_bytes() == root
    assert "O=another org" in load_chain(made.chain)[0].subject.rfc4514_string()


def test_reissuing_without_the_root_key_is_a_config_error(tmp_path):
    made = ensure_signing_certificates(tmp_path, "org")
    (tmp_path / ROOT_KEY).unlink()
    made.key.unlink()
    with pytest.raises(ConfigError, match="root's key"):
        ensure_signing_certificates(tmp_path, "org")


# --- the signer's inputs ------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kind": "generated", "watermark_id": "not hex"},
        {"kind": "generated", "watermark_id": ""},
        {"kind": "riff", "watermark_id": "ab"},  # no parent
        {"kind": "generated", "watermark_id": "ab", "parent": Ingredient("p", b"x", "image/png")},
        {"kind": "riff", "watermark_id": "ab", "parent": Ingredient("p", b"x", "image/gif")},
        {"kind": "riff", "watermark_id": "ab", "parent": Ingredient("p", b"junk", "image/png")},
    ],
)
def test_bad_requests_are_invalid_input(signer, kwargs):
    with pytest.raises(InvalidInputError):
        signer.sign(encode(picture(), "image/png"), "image/png", **kwargs)


def test_only_png_and_jpeg_are_signed(signer):
    with pytest.raises(InvalidInputError):
        signer.sign(b"GIF89a", "image/gif", kind="generated", watermark_id="ab")


def test_signing_from_several_threads_at_once(signer):
    images = [encode(picture(seed=k, size=128), "image/jpeg") for k in range(4)]
    reports: list = [None] * len(images)

    def sign(k: int) -> None:
        signed = signer.sign(images[k], "image/jpeg", kind="generated", watermark_id=f"{k:02x}")
        reports[k] = read_manifest(signed, "image/jpeg")

    threads = [threading.Thread(target=sign, args=(k,)) for k in range(len(images))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [(r.valid, r.soft_binding) for r in reports] == [(True, f"{k:02x}") for k in range(4)]


# --- the visible mark ---------------------------------------------------------------


@pytest.mark.parametrize("shape", [(1280, 1280), (512, 768), (768, 512)])
def test_the_visible_mark_changes_only_a_small_bottom_right_corner(shape):
    rgb = picture(size=max(shape))[: shape[0], : shape[1]].copy()
    marked = draw_visible_mark(rgb)
    assert marked.shape == rgb.shape and marked.dtype == np.uint8
    changed = np.argwhere((marked != rgb).any(axis=-1))
    assert len(changed)
    (top, left), (bottom, right) = changed.min(axis=0), changed.max(axis=0)
    height, width = shape
    assert (bottom - top + 1) * (right - left + 1) < 0.02 * height * width
    assert top > height * 0.85 and left > width * 0.6
    assert bottom < height - 1 and right < width - 1  # a margin from the edges
    assert np.array_equal(draw_visible_mark(rgb), marked)  # deterministic, input untouched


def test_the_mark_scales_with_the_image():
    def mark_height(size: int) -> int:
        rgb = picture(size=size)
        rows = np.argwhere((draw_visible_mark(rgb) != rgb).any(axis=-1))[:, 0]
        return int(rows.max() - rows.min())

    assert mark_height(1024) > 1.6 * mark_height(512)


def test_the_mark_is_readable_text_on_a_darkened_backing():
    grey = np.full((512, 512, 3), 128, np.uint8)
    marked = draw_visible_mark(grey, "Imagined with AI").astype(int)
    corner = marked[-40:, -200:]
    assert corner.min() < 100 and corner.max() > 180  # dark backing, light text
    assert not np.array_equal(draw_visible_mark(grey, "other"), marked.astype(np.uint8))


def test_the_mark_rejects_what_is_not_an_rgb_image():
    with pytest.raises(InvalidInputError):
        draw_visible_mark(np.zeros((64, 64), np.uint8))
    with pytest.raises(InvalidInputError):
        draw_visible_mark(np.zeros((64, 64, 3), np.float32))
