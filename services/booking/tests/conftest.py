import pytest

from booking.service import SPEC


@pytest.fixture(scope="session")
def spec():
    return SPEC


@pytest.fixture(scope="module", autouse=True)
def link_sealing(sealing_env):
    """Offers made by the relay's job read their settings from the environment; tests open the sealed links."""
    yield sealing_env
