"""``kill -9`` during heavy logging loses no acknowledged sample and leaves none partial."""

import pytest

from tests.support.soak import soak


@pytest.mark.slow  # 8 writer processes killed in turn (~6 s)
def test_killing_the_logging_process_loses_nothing_acknowledged(tmp_path):
    result = soak(tmp_path / "store", cycles=8, writers=8)
    assert result.acknowledged > 500  # it really was logging when killed
    assert result.lost == 0 and result.corrupt == 0
    assert result.integrity == "ok"
