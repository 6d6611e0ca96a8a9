import pytest

from booking.service import SPEC


@pytest.fixture(scope="session")
def spec():
    return SPEC
