import pytest

from sales.service import SPEC


@pytest.fixture(scope="session")
def spec():
    return SPEC
