import pytest

from crm.service import SPEC


@pytest.fixture(scope="session")
def spec():
    return SPEC
