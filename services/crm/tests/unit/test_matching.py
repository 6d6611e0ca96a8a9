import datetime as dt

from crm.directory import _matches
from crm.models import Client
from crm.pipeline import ORDER


def test_child_matches_by_name_ignoring_case_and_a_missing_birth_date():
    child = Client(first_name="Léa", last_name="Dubois", birth_date=dt.date(2019, 3, 1))
    assert _matches(child, "léa", " DUBOIS ", None)
    assert _matches(child, "Léa", "Dubois", dt.date(2019, 3, 1))
    assert not _matches(child, "Léa", "Dubois", dt.date(2018, 3, 1))
    assert not _matches(child, "Leo", "Dubois", None)


def test_stages_only_move_forward():
    assert ORDER["new"] < ORDER["quoted"] < ORDER["won"] == ORDER["lost"]
