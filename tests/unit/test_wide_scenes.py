"""The wide benchmark family: reproducible, truthful, and its hold-out kept apart."""

from __future__ import annotations

import numpy as np
import pytest
from stdnum.luhn import is_valid

import scenes.wide as wide
from scenes import catalogue
from scenes.catalogue import FACES, HOLDOUT_SEED, load_photo, styles
from scenes.face_judge import FACE_PX, MmodFaceJudge, face_crop
from scenes.placing import H, W
from scenes.wide import make_wide_scene
from scenes.wide_faces import paste_face

SEEDS = range(1, 13)


def _truth(scene) -> tuple:  # noqa: ANN001
    return (
        [(n.digits, n.kind, n.quad.tobytes(), n.object_quad.tobytes()) for n in scene.numbers],
        [(n.text, n.kind, n.quad.tobytes()) for n in scene.negatives],
        list(scene.faces),
        [o.tobytes() for o in scene.objects],
    )


def test_a_wide_scene_is_the_same_on_every_run():
    for seed in (3, 7):
        a, b = make_wide_scene(seed), make_wide_scene(seed)
        assert a.image.shape == (H, W, 3)
        assert np.array_equal(a.image, b.image)
        assert _truth(a) == _truth(b)
    assert not np.array_equal(make_wide_scene(3).image, make_wide_scene(4).image)


def test_numbers_are_luhn_valid_and_inside_the_frame_and_faces_are_too():
    numbers = faces = 0
    for seed in SEEDS:
        scene = make_wide_scene(seed)
        for n in scene.numbers:
            assert is_valid(n.digits) and 12 <= len(n.digits) <= 19
            for quad in (n.quad, n.object_quad):
                assert quad.min() >= 0 and (quad[:, 0] <= W).all() and (quad[:, 1] <= H).all()
            numbers += 1
        for x0, y0, x1, y1 in scene.faces:
            assert 0 <= x0 < x1 <= W and 0 <= y0 < y1 <= H
            assert 23 <= y1 - y0 <= 161
            faces += 1
    assert numbers >= 5 and faces >= 10  # the seeds hold both


@pytest.mark.parametrize("face_h", [24.0, 40.0, 90.0, 160.0])
def test_a_pasted_face_box_is_as_high_as_asked(face_h):
    for k, face in enumerate(styles(False).faces[:8]):
        rng = np.random.default_rng(k)
        frame = np.full((H, W, 3), 128, np.uint8)
        placed = paste_face(frame, rng, face, face_h, [])
        assert placed is not None
        (x0, y0, x1, y1), style = placed
        assert abs((y1 - y0) - face_h) < 0.5, (face.name, style)
        assert 0 <= x0 < x1 <= W and 0 <= y0 < y1 <= H
        assert (frame != 128).any()  # something was drawn


def test_held_back_styles_never_appear_in_a_development_seed(monkeypatch):
    dev, held = styles(False), styles(True)
    held_fonts = {f.path for f in held.card_fonts + held.receipt_fonts + held.screen_fonts}
    dev_fonts = {f.path for f in dev.card_fonts + dev.receipt_fonts + dev.screen_fonts}
    assert not held_fonts & dev_fonts
    assert not set(held.backgrounds) & set(dev.backgrounds)
    assert not {f.name for f in held.faces} & {f.name for f in dev.faces}
    assert not {f.box for f in held.faces if f.source in {g.source for g in dev.faces}} & {
        f.box for f in dev.faces
    }

    used_fonts, used_photos, used_faces = set(), set(), set()
    glyphs, pick_face, load = wide.glyphs, wide.pick_face, wide.load_photo
    monkeypatch.setattr(wide, "glyphs", lambda t, f, h: used_fonts.add(f.path) or glyphs(t, f, h))
    monkeypatch.setattr(wide, "load_photo", lambda s: used_photos.add(s) or load(s))

    def spy_face(rng, faces, face_h):  # noqa: ANN001, ANN202
        face = pick_face(rng, faces, face_h)
        used_faces.add(face.name)
        return face

    monkeypatch.setattr(wide, "pick_face", spy_face)
    for seed in SEEDS:
        make_wide_scene(seed)
    assert used_fonts and used_faces
    assert not used_fonts & held_fonts
    assert not used_photos & set(held.backgrounds)
    assert not used_faces & {f.name for f in held.faces}


def test_the_hold_out_is_reached_only_by_asking_for_it():
    with pytest.raises(ValueError):
        make_wide_scene(HOLDOUT_SEED)
    with pytest.raises(ValueError):
        make_wide_scene(5, holdout=True)


def test_a_missing_font_is_skipped_and_counted(monkeypatch, tmp_path):
    absent = catalogue.Font(tmp_path / "NoSuchFont.ttf", "ocr")
    kept = catalogue._present_fonts((absent, *catalogue.CARD_FONTS[:1]))
    assert absent not in kept and len(kept) == 1
    assert str(absent.path) in catalogue.missing()


def test_the_face_crop_shows_the_face_at_judging_size():
    face = FACES[0]  # the astronaut, boxed by MMOD
    photo = load_photo(face.source)
    crop, inner = face_crop(photo, face.box)
    assert abs((inner[3] - inner[1]) - FACE_PX) < 1
    assert inner[0] > 0 and inner[1] > 0 and inner[2] < crop.shape[1] and inner[3] < crop.shape[0]
    # at the frame's edge the crop is padded, never cut short
    edge, inner = face_crop(photo, (0, 0, 40, 40))
    assert edge.shape[:2] == (200, 200) and inner[:2] == (50.0, 50.0)


def test_the_face_judge_sees_a_known_face_and_not_once_it_is_filled():
    judge = MmodFaceJudge()
    if not judge.available:
        pytest.skip(judge.why_not)
    face = FACES[0]
    photo = load_photo(face.source).copy()
    assert judge.sees(photo, face.box)
    x0, y0, x1, y1 = face.box
    photo[y0:y1, x0:x1] = 0
    assert not judge.sees(photo, face.box)
