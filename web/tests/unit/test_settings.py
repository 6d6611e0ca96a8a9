"""The settings screens' pure helpers: the working-hours editor's rows and messages, and list pages."""
from unittest.mock import Mock

from werkzeug.datastructures import MultiDict

from web.gateway import Invalid, Page, _decode
from web.staff.settings.therapists import Interval, apply_edit, place_errors, week_from_api, week_from_form, \
    week_payload


def test_the_saved_week_is_shown_by_weekday_with_each_day_s_intervals_by_start():
    week = week_from_api([{"weekday": 0, "start": "13:00", "end": "17:00"},
                          {"weekday": 0, "start": "09:00", "end": "12:00"},
                          {"weekday": 4, "start": "08:30", "end": "12:30"}])
    assert len(week) == 7
    assert [(i.start, i.end) for i in week[0]] == [("09:00", "12:00"), ("13:00", "17:00")]
    assert week[1] == [] and [(i.start, i.end) for i in week[4]] == [("08:30", "12:30")]


def test_the_posted_week_skips_blank_rows_and_remembers_which_row_each_interval_came_from():
    form = MultiDict([("start-0", "09:00"), ("end-0", "12:00"), ("start-0", ""), ("end-0", ""),
                      ("start-0", "13:00"), ("end-0", "17:00"), ("start-2", "10:00"), ("end-2", "")])
    week = week_from_form(form)
    payload, places = week_payload(week)
    assert payload == [{"weekday": 0, "start": "09:00", "end": "12:00"},
                       {"weekday": 0, "start": "13:00", "end": "17:00"},
                       {"weekday": 2, "start": "10:00", "end": ""}]
    assert places == [(0, 0), (0, 2), (2, 0)]


def test_each_refusal_lands_beside_its_row_and_an_overlap_is_said_once():
    week = [[Interval("09:00", "12:00"), Interval("11:00", "13:00")], [Interval("10:00", "09:00")]] + [[]] * 5
    places = [(0, 0), (0, 1), (1, 0)]
    overlap = "intervals overlap on Monday: 09:00-12:00 and 11:00-13:00"
    error = Invalid(422, errors={"working_hours": [overlap], "working_hours.1.start": [overlap],
                                 "working_hours.2.end": ["must be after start"]})
    assert place_errors(week, places, error) == []
    assert week[0][1].errors == [overlap] and week[0][0].errors == []
    assert week[1][0].errors == ["must be after start"]


def test_a_refusal_naming_no_row_is_returned_to_be_said_above_the_week():
    week = [[Interval("09:00", "12:00")]] + [[]] * 6
    error = Invalid(422, errors={"working_hours": ["too many intervals"]})
    assert place_errors(week, [(0, 0)], error) == ["too many intervals"]
    assert place_errors(week, [(0, 0)], Invalid(422, detail="Refused.")) == ["Refused."]


def test_adding_and_removing_rows_say_where_the_focus_goes_and_ignore_what_they_do_not_understand():
    week = [[Interval("09:00", "12:00")]] + [[] for _day in range(6)]
    assert apply_edit(week, "add:0") == (0, 1) and len(week[0]) == 2
    assert apply_edit(week, "remove:0:0") == (0, None) and [(i.start, i.end) for i in week[0]] == [("", "")]
    for nonsense in ("add:7", "remove:0:5", "remove:x:0", "explode", "add:", "add:-1"):
        assert apply_edit(week, nonsense) is None
    assert len(week[0]) == 1


def test_a_list_answer_carries_the_cursor_of_the_next_page():
    answer = Mock(status_code=200, content=b"[1]", headers={"Content-Type": "application/json",
                                                          "X-Next-Cursor": "NTA="})
    answer.json.return_value = [{"id": 1}]
    page = _decode(answer, "req")
    assert isinstance(page, Page) and page == [{"id": 1}] and page.next_cursor == "NTA="
    answer.headers = {"Content-Type": "application/json"}
    assert _decode(answer, "req").next_cursor is None
    answer.json.return_value = {"id": 1}
    assert _decode(answer, "req") == {"id": 1}
