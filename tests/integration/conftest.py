import pytest

from server.components import build_vlm


@pytest.fixture(scope="session")
def vlm(models_config):
    return build_vlm(models_config)
