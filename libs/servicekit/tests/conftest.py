import pytest
import sqlalchemy as sa

from servicekit.db import Database
from servicekit.messaging.tables import messaging_metadata

demo_metadata = sa.MetaData()
effects = sa.Table(
    "effects", demo_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.String(36), nullable=False),
    sa.Column("note", sa.String(100)),
)


@pytest.fixture(scope="session")
def demo_db_url(database_factory) -> str:
    url = database_factory("kit")
    db = Database(url, "kit")
    messaging_metadata.create_all(db.engine)
    demo_metadata.create_all(db.engine)
    db.dispose()
    return url


@pytest.fixture()
def demo_db(demo_db_url):
    db = Database(demo_db_url, "kit")
    yield db
    db.dispose()
