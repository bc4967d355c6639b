import pytest

from core.errors import ModelMissingError
from models.registry import Profile, Role, all_specs, resolve, spec_for, verify


def test_every_role_has_a_source_runtime_and_licence_in_both_profiles():
    for profile in Profile:
        roles = {spec.role for spec in all_specs(profile)}
        assert roles == set(Role)
        for spec in all_specs(profile):
            assert spec.runtime and spec.licence and spec.how_to_get


@pytest.mark.parametrize("role", [s.role for s in all_specs() if s.source == "package"])
def test_bundled_weights_are_installed_and_match_their_checksums(role):
    spec = spec_for(role)
    assert verify(spec, resolve(role)) == []


def test_a_missing_hub_model_says_which_and_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelMissingError) as info:
        resolve(Role.VISION_LANGUAGE, Profile.STANDARD)
    message = str(info.value)
    assert "SmolVLM-256M-Instruct" in message and "models.paths.vision_language" in message


def test_a_local_path_override_wins_and_a_wrong_one_is_explained(tmp_path):
    assert resolve(Role.DIFFUSION, Profile.STANDARD, paths={"diffusion": str(tmp_path)}) == tmp_path
    with pytest.raises(ModelMissingError, match="does not exist"):
        resolve(Role.DIFFUSION, paths={"diffusion": str(tmp_path / "missing")})


def test_tiny_models_live_in_the_cache_folder(tmp_path):
    assert resolve(Role.VISION_LANGUAGE, cache_dir=tmp_path) == tmp_path / "tiny-idefics3"
