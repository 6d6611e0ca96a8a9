import pytest
from argon2 import PasswordHasher

from gateway import passwords
from gateway.service import SPEC


@pytest.fixture(scope="session")
def spec():
    return SPEC


@pytest.fixture(scope="module")
def settings(spec, make_settings, keypair):
    """The gateway's settings carry the private half of the test key pair (the services get the public half).

    No role must sign in with a second factor here (as in the test stacks): the tests of that rule build their
    own app with it (tests/api/test_second_factor.py)."""
    return make_settings(spec, jwt_private_key=keypair.private_pem, two_factor_required_roles=frozenset())


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing():
    """Still Argon2id, with small parameters: the production defaults cost ~0.2 s per hash."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        yield


@pytest.fixture(scope="module", autouse=True)
def link_sealing(sealing_env):
    """Event handlers read their settings (the sealing keys among them) from the environment."""
    yield sealing_env
