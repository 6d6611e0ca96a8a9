"""Fixtures shared by every service's tests. A service's conftest defines `spec` (its ServiceSpec)."""
from __future__ import annotations

from typing import Callable, Iterator

import pytest

from servicekit import migrations, sealing
from servicekit.config import Settings
from servicekit.db import Database
from servicekit.service import ServiceSpec
from servicekit.testing import infra
from servicekit.testing.tokens import KeyPair, TokenMinter

ALL_SERVICES = ["booking", "crm", "sales", "tasks", "billing", "notifications", "gateway"]


@pytest.fixture(scope="session")
def run_id() -> str:
    return infra.run_id()


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    yield infra.postgres_admin_url()


@pytest.fixture(scope="session")
def amqp_url() -> str:
    return infra.amqp_url()


@pytest.fixture(scope="session")
def amqp_namespace(amqp_url: str, run_id: str) -> Iterator[str]:
    namespace = f"test-{run_id}"
    yield namespace
    infra.delete_namespace(amqp_url, namespace, ALL_SERVICES)


@pytest.fixture(scope="session")
def database_factory(postgres_admin_url: str, run_id: str) -> Iterator[Callable[[str], str]]:
    """`database_factory("booking")` -> URL of a fresh database, dropped when the session ends."""
    created: list[str] = []

    def make(label: str) -> str:
        name = f"t_{run_id}_{label}"
        created.append(name)
        return infra.create_database(postgres_admin_url, name)

    yield make
    for name in created:
        infra.drop_database(postgres_admin_url, name)


@pytest.fixture(scope="session")
def keypair() -> KeyPair:
    return KeyPair.generate()


@pytest.fixture(scope="session")
def tokens(keypair: KeyPair) -> TokenMinter:
    return TokenMinter(keypair)


@pytest.fixture(scope="session")
def sealing_keys() -> tuple[str, str]:
    """(private, public) PEM of the key pair personal links are sealed with (servicekit.sealing)."""
    private = sealing.new_private_key()
    return private, sealing.public_key_of(private)


@pytest.fixture(scope="module")
def sealing_env(sealing_keys) -> Iterator[tuple[str, str]]:
    """The sealing keys in the environment, for code that reads its settings there (event handlers) and for
    servicekit.testing.events.sealed / opened. Per module, never left behind: the stacks other tests start take
    the environment, and must keep their own keys."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LINK_SEALING_PRIVATE_KEY", sealing_keys[0])
        patch.setenv("LINK_SEALING_PUBLIC_KEY", sealing_keys[1])
        yield sealing_keys


@pytest.fixture(scope="session")
def test_wiring(amqp_url, amqp_namespace, keypair, sealing_keys) -> dict[str, object]:
    """What every service's test settings share: this run's broker namespace, the token and sealing keys (only
    notifications takes the private sealing key; the others' settings have no such field)."""
    return dict(amqp_url=amqp_url, amqp_namespace=amqp_namespace, jwt_public_key=keypair.public_pem,
                link_sealing_public_key=sealing_keys[1], link_sealing_private_key=sealing_keys[0])


@pytest.fixture(scope="session")
def make_settings(database_factory, test_wiring) -> Callable[..., Settings]:
    """Settings for a service on its own migrated test database (one per service per test run)."""
    cache: dict[str, Settings] = {}

    def make(spec: ServiceSpec, **overrides: object) -> Settings:
        if spec.name not in cache:
            url = database_factory(spec.name)
            migrations.upgrade(spec.package_dir, url)
            cache[spec.name] = spec.settings(database_url=url, log_format="text", **{**test_wiring, **overrides})
        return cache[spec.name]

    return make


@pytest.fixture(scope="module")
def settings(spec: ServiceSpec, make_settings) -> Settings:
    return make_settings(spec)


@pytest.fixture(scope="module")
def app(spec: ServiceSpec, settings: Settings):
    application = spec.create_app(settings)
    yield application
    application.extensions["servicekit.db"].dispose()


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def db(app) -> Database:
    return app.extensions["servicekit.db"]


def pytest_sessionfinish(session, exitstatus) -> None:  # noqa: ARG001 - pytest hook signature
    infra.stop_containers()
