import pytest

from web.service import SPEC


@pytest.fixture(scope="session")
def spec():
    return SPEC
