import pytest

from billing.service import SPEC


@pytest.fixture(scope="session")
def spec():
    return SPEC
