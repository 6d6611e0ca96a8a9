"""Real local servers the dispatcher talks to: one per test module (each module's tests share it)."""
import pytest

from ..servers import Mailbox, PdfServer, SmsApi


@pytest.fixture(scope="module")
def mailbox():
    with Mailbox() as box:
        yield box


@pytest.fixture(scope="module")
def sms_api():
    with SmsApi() as api:
        yield api


@pytest.fixture(scope="module")
def documents():
    with PdfServer() as server:
        yield server
