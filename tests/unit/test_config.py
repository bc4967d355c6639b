import pytest

from core.errors import ConfigError
from glasses.config import load_config


def test_defaults_are_valid_and_offline():
    config = load_config(environ={})
    assert config.models.profile == "offline"
    assert config.edge.consent.scopes == ["assist"]  # everything but assist is opt-in


def test_file_then_environment_then_flags(tmp_path):
    file = tmp_path / "glasses.yaml"
    file.write_text("server:\n  port: 7000\nedge:\n  consent:\n    region: CA\n")
    env = {"GLASSES__SERVER__PORT": "7100", "GLASSES__EDGE__CONSENT__SCOPES": "[assist, history]"}
    config = load_config(file, environ=env, overrides={"edge": {"device_id": "g-2"}})
    assert config.server.port == 7100
    assert config.edge.consent.region == "CA"
    assert config.edge.consent.scopes == ["assist", "history"]
    assert config.edge.device_id == "g-2"


@pytest.mark.parametrize(
    "env,expected",
    [
        ({"GLASSES__SERVER__PORT": "abc"}, ["server.port", "'abc'"]),
        ({"GLASSES__SERVER__PORT": "70000"}, ["server.port", "less than or equal to 65535"]),
        (
            {"GLASSES__EDGE__REDACTION__ON_FAILURE": "pass"},
            ["edge.redaction.on_failure", "'withhold' or 'mask'", "'pass'"],
        ),
        ({"GLASSES__EDGE__CONSENT__REGION": "usa"}, ["edge.consent.region", "pattern"]),
        ({"GLASSES__SERVER__PROT": "1"}, ["server.prot", "not known"]),
        ({"GLASSES__MODELS__PROFILE": "fast"}, ["models.profile", "'offline' or 'standard'"]),
    ],
)
def test_a_bad_value_names_the_key_the_problem_and_what_is_allowed(env, expected):
    with pytest.raises(ConfigError) as info:
        load_config(environ=env)
    for fragment in expected:
        assert fragment in str(info.value)


def test_missing_or_broken_config_file(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.yaml", environ={})
    bad = tmp_path / "bad.yaml"
    bad.write_text("server: [1, 2\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(bad, environ={})
