import pytest

from notifications.service import SPEC


@pytest.fixture(scope="session")
def spec():
    return SPEC
