import pytest

from tasks.service import SPEC


@pytest.fixture(scope="session")
def spec():
    return SPEC
