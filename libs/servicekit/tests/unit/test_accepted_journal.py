"""The local journal of accepted external calls: whole entries, stable identity, one holder at a time."""
import pytest

from servicekit.accepted import AcceptedJournal


def test_an_accepted_call_is_remembered_with_its_answer_until_forgotten(tmp_path):
    journal = AcceptedJournal(tmp_path / "journal")
    journal.record("3f1c0b5e-0000-4000-8000-000000000001", "accepted by smtp:25")
    again = AcceptedJournal(tmp_path / "journal")  # a restarted process reads the same folder
    assert again.answer("3f1c0b5e-0000-4000-8000-000000000001") == "accepted by smtp:25"
    assert again.pending() == {"3f1c0b5e-0000-4000-8000-000000000001": "accepted by smtp:25"}
    again.forget("3f1c0b5e-0000-4000-8000-000000000001")
    assert journal.answer("3f1c0b5e-0000-4000-8000-000000000001") is None and journal.pending() == {}


def test_the_call_in_hand_is_known_after_a_restart_until_done_and_is_not_an_accepted_one(tmp_path):
    journal = AcceptedJournal(tmp_path / "journal")
    journal.trying("row.1")
    again = AcceptedJournal(tmp_path / "journal")
    assert again.in_hand() == {"row.1"} and again.pending() == {}
    again.done("row.1")
    assert journal.in_hand() == set()


def test_keys_that_are_not_plain_identifiers_are_refused(tmp_path):
    journal = AcceptedJournal(tmp_path)
    for key in ("../escape", "", "a/b", ".hidden"):
        with pytest.raises(ValueError):
            journal.record(key, "x")


def test_the_identity_survives_a_restart_and_differs_between_folders(tmp_path):
    first = AcceptedJournal(tmp_path / "a").identity
    assert AcceptedJournal(tmp_path / "a").identity == first
    assert AcceptedJournal(tmp_path / "b").identity != first


def test_a_second_process_cannot_hold_a_journal_already_held(tmp_path):
    holder, intruder = AcceptedJournal(tmp_path), AcceptedJournal(tmp_path)
    holder.hold()
    with pytest.raises(RuntimeError, match="another process holds the journal"):
        intruder.hold()
    holder.release()
    intruder.hold()
    intruder.release()
