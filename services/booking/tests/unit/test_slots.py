"""The pure slot search: stepping, rules, busy times, buffers, absences, rooms, client windows, and DST."""
import datetime as dt
from zoneinfo import ZoneInfo

from booking.slots import (NOT_ALIGNED, OUTSIDE_HOURS, Busy, ClientFilter, Hours, Rules, Schedule, Timeline,
                           clashes, compute_slots, day_span, start_problem, working_time)

PARIS = ZoneInfo("Europe/Paris")
UTC = dt.timezone.utc
LONG_AGO = dt.datetime(2000, 1, 1, tzinfo=UTC)
EVERY_DAY_9_TO_12 = tuple(Hours(d, dt.time(9), dt.time(12)) for d in range(7))
TUESDAY = dt.date(2026, 12, 1)


def hour(day, h, m=0):
    return dt.datetime.combine(day, dt.time(h, m), tzinfo=PARIS)


def rules(minutes=60, step=None, **kw):
    return Rules(minutes, step or minutes, **kw)


def schedule(hours=EVERY_DAY_9_TO_12, busy=(), off=(), name="Ana", tid="t-ana"):
    return Schedule(tid, name, tuple(hours), tuple(busy), tuple(off))


def search(schedules, first=TUESDAY, last=None, how=None, now=LONG_AGO, **kw):
    return compute_slots(schedules, how or rules(), first, last or first, PARIS, now, **kw)


def starts(found):
    return [s.start.isoformat() for s in found]


def clock(found):
    return [s.start.strftime("%H:%M") for s in found]


def test_starts_every_duration_while_the_session_fits_before_the_interval_end():
    hours = [Hours(1, dt.time(9), dt.time(11, 30))]
    found = search([schedule(hours)], how=rules(45))
    assert starts(found) == ["2026-12-01T09:00:00+01:00", "2026-12-01T09:45:00+01:00", "2026-12-01T10:30:00+01:00"]
    assert found[0].end.isoformat() == "2026-12-01T09:45:00+01:00"
    assert found[0].therapist_id == "t-ana" and found[0].therapist_name == "Ana"


def test_a_finer_granularity_offers_more_starts_of_the_same_length():
    found = search([schedule([Hours(1, dt.time(9), dt.time(11))])], how=rules(60, step=30))
    assert clock(found) == ["09:00", "09:30", "10:00"]
    assert all(s.end - s.start == dt.timedelta(hours=1) for s in found)


def test_a_break_is_the_gap_between_two_intervals_of_a_day():
    hours = [Hours(1, dt.time(9), dt.time(11)), Hours(1, dt.time(13), dt.time(15))]
    assert clock(search([schedule(hours)])) == ["09:00", "10:00", "13:00", "14:00"]


def test_days_without_working_hours_have_no_slots_and_both_range_ends_are_included():
    hours = [Hours(0, dt.time(9), dt.time(10)), Hours(6, dt.time(9), dt.time(10))]  # Monday, Sunday
    found = search([schedule(hours)], dt.date(2026, 11, 30), dt.date(2026, 12, 6))
    assert starts(found) == ["2026-11-30T09:00:00+01:00", "2026-12-06T09:00:00+01:00"]


def test_past_and_current_starts_are_dropped():
    found = search([schedule()], now=hour(TUESDAY, 9).astimezone(UTC))
    assert clock(found) == ["10:00", "11:00"]


def test_starts_inside_the_minimum_notice_are_left_out():
    now = hour(TUESDAY, 8).astimezone(UTC)
    found = search([schedule()], how=rules(earliest=now + dt.timedelta(hours=2)), now=now)
    assert clock(found) == ["10:00", "11:00"]


def test_starts_beyond_the_booking_horizon_are_left_out():
    found = search([schedule()], TUESDAY, TUESDAY + dt.timedelta(days=1), how=rules(latest=hour(TUESDAY, 10)))
    assert starts(found) == ["2026-12-01T09:00:00+01:00", "2026-12-01T10:00:00+01:00"]


def test_slots_overlapping_an_active_appointment_are_dropped_but_touching_ones_stay():
    busy = [Busy(hour(TUESDAY, 9, 30), hour(TUESDAY, 10))]
    assert clock(search([schedule(busy=busy)])) == ["10:00", "11:00"]


def test_the_new_sessions_buffers_keep_it_away_from_booked_sessions():
    busy = [Busy(hour(TUESDAY, 10), hour(TUESDAY, 11))]
    found = search([schedule([Hours(1, dt.time(8), dt.time(13))], busy=busy)],
                   how=rules(60, step=15, before=15, after=15))
    assert clock(found) == ["08:00", "08:15", "08:30", "08:45", "11:15", "11:30", "11:45", "12:00"]


def test_the_larger_buffer_of_two_neighbours_decides_the_gap():
    booked_with_30_after = [Busy(hour(TUESDAY, 9), hour(TUESDAY, 10), before=0, after=30)]
    how = rules(60, step=15, before=10)
    assert clashes(hour(TUESDAY, 10, 15), hour(TUESDAY, 11, 15), how, booked_with_30_after)
    assert not clashes(hour(TUESDAY, 10, 30), hour(TUESDAY, 11, 30), how, booked_with_30_after)
    found = search([schedule(busy=booked_with_30_after)], how=how)
    assert clock(found) == ["10:30", "10:45", "11:00"]


def test_time_off_and_closures_remove_the_slots_they_cover():
    off = [(hour(TUESDAY, 10), hour(TUESDAY, 11))]
    assert clock(search([schedule(off=off)])) == ["09:00", "11:00"]
    whole_day = [day_span(TUESDAY, TUESDAY, PARIS)]
    assert search([schedule(off=whole_day)]) == []


def test_a_service_needing_a_room_is_offered_only_while_a_room_of_its_type_is_free():
    gym_a = Timeline([(hour(TUESDAY, 9), hour(TUESDAY, 10))])
    gym_b = Timeline([(hour(TUESDAY, 9), hour(TUESDAY, 11))])
    assert clock(search([schedule()], rooms=(gym_a, gym_b))) == ["10:00", "11:00"]
    assert search([schedule()], rooms=()) == []  # no room of the type at all


def test_client_windows_keep_only_slots_the_client_can_come_to():
    windows = (Hours(1, dt.time(10), dt.time(12)),)
    client = ClientFilter(windows, Timeline([(hour(TUESDAY, 11), hour(TUESDAY, 12))]))
    assert clock(search([schedule()], client=client)) == ["10:00"]
    anywhere = ClientFilter((), Timeline([]))
    assert clock(search([schedule()], client=anywhere)) == ["09:00", "10:00", "11:00"]


def test_slots_are_sorted_by_start_then_therapist_name():
    zoe = schedule([Hours(1, dt.time(9), dt.time(10))], name="Zoe", tid="t-zoe")
    ana = schedule([Hours(1, dt.time(8), dt.time(10))], name="Ana", tid="t-ana")
    found = search([zoe, ana])
    assert [(s.start.hour, s.therapist_name) for s in found] == [(8, "Ana"), (9, "Ana"), (9, "Zoe")]


def test_timeline_merges_spans_and_answers_free_and_overlap():
    line = Timeline([(hour(TUESDAY, 9), hour(TUESDAY, 10)), (hour(TUESDAY, 9, 30), hour(TUESDAY, 11))])
    assert not line.is_free(hour(TUESDAY, 10, 30), hour(TUESDAY, 10, 45))
    assert line.is_free(hour(TUESDAY, 11), hour(TUESDAY, 12)) and line.is_free(hour(TUESDAY, 8), hour(TUESDAY, 9))
    assert line.overlap(hour(TUESDAY, 8), hour(TUESDAY, 12)) == dt.timedelta(hours=2)


# --- DST: Europe/Paris springs forward on 29 March 2026 (02:00 -> 03:00) and falls back on 25 October (03:00 -> 02:00)

def test_nine_oclock_stays_nine_oclock_across_the_autumn_dst_change():
    every_day = [Hours(d, dt.time(9), dt.time(10)) for d in range(7)]
    found = search([schedule(every_day)], dt.date(2026, 10, 22), dt.date(2026, 10, 28))
    assert starts(found) == [
        "2026-10-22T09:00:00+02:00", "2026-10-23T09:00:00+02:00", "2026-10-24T09:00:00+02:00",
        "2026-10-25T09:00:00+01:00", "2026-10-26T09:00:00+01:00", "2026-10-27T09:00:00+01:00",
        "2026-10-28T09:00:00+01:00"]
    assert [s.start.astimezone(UTC).hour for s in found] == [7, 7, 7, 8, 8, 8, 8]


def test_nine_oclock_stays_nine_oclock_across_the_spring_dst_change():
    every_day = [Hours(d, dt.time(9), dt.time(10)) for d in range(7)]
    found = search([schedule(every_day)], dt.date(2026, 3, 27), dt.date(2026, 3, 31))
    assert starts(found) == [
        "2026-03-27T09:00:00+01:00", "2026-03-28T09:00:00+01:00", "2026-03-29T09:00:00+02:00",
        "2026-03-30T09:00:00+02:00", "2026-03-31T09:00:00+02:00"]
    assert all(s.end.astimezone(PARIS).hour == 10 for s in found)


def test_no_slot_starts_in_the_skipped_spring_hour():
    night = [Hours(6, dt.time(1), dt.time(5))]  # Sunday 2026-03-29: 02:00-03:00 never happens
    found = search([schedule(night)], dt.date(2026, 3, 29), how=rules(30))
    assert clock(found) == ["01:00", "01:30", "03:00", "03:30", "04:00", "04:30"]
    assert not any(s.start.astimezone(PARIS).hour == 2 for s in found)
    assert found[1].end.isoformat() == "2026-03-29T03:00:00+02:00"  # 01:30 + 30 real minutes


def test_an_hour_session_before_the_gap_ends_one_real_hour_later():
    found = search([schedule([Hours(6, dt.time(1), dt.time(4))])], dt.date(2026, 3, 29))
    assert starts(found) == ["2026-03-29T01:00:00+01:00", "2026-03-29T03:00:00+02:00"]
    assert found[0].end.isoformat() == "2026-03-29T03:00:00+02:00"


def test_the_repeated_autumn_hour_is_offered_exactly_once():
    night = [Hours(6, dt.time(1), dt.time(4))]  # Sunday 2026-10-25: 02:00-03:00 happens twice
    found = search([schedule(night)], dt.date(2026, 10, 25), how=rules(30))
    at_two = [s for s in found if s.start.astimezone(PARIS).strftime("%H:%M") == "02:00"]
    assert len(at_two) == 1 and at_two[0].start.isoformat() == "2026-10-25T02:00:00+02:00"
    assert len({s.start.astimezone(UTC) for s in found}) == len(found)  # no duplicate instants
    assert clock(found) == ["01:00", "01:30", "02:00", "02:30", "03:00", "03:30"]


def test_an_ambiguous_local_time_in_autumn_takes_its_first_occurrence():
    found = search([schedule([Hours(6, dt.time(2), dt.time(3))])], dt.date(2026, 10, 25))
    assert starts(found) == ["2026-10-25T02:00:00+02:00"]
    assert found[0].start.astimezone(UTC) == dt.datetime(2026, 10, 25, 0, 0, tzinfo=UTC)


def test_day_span_covers_local_midnight_to_midnight_including_a_25_hour_day():
    start, end = day_span(dt.date(2026, 10, 25), dt.date(2026, 10, 25), PARIS)
    assert start == dt.datetime(2026, 10, 24, 22, 0, tzinfo=UTC)
    assert end - start == dt.timedelta(hours=25)


def test_working_time_counts_real_hours_across_dst_and_subtracts_time_off():
    night = [Hours(6, dt.time(1), dt.time(4))]
    assert working_time(night, dt.date(2026, 3, 29), dt.date(2026, 3, 29), PARIS) == dt.timedelta(hours=2)
    assert working_time(night, dt.date(2026, 10, 25), dt.date(2026, 10, 25), PARIS) == dt.timedelta(hours=4)
    week = [Hours(d, dt.time(9), dt.time(12)) for d in range(5)]
    off = [(hour(TUESDAY, 10), hour(TUESDAY, 11, 30))]
    assert working_time(week, dt.date(2026, 11, 30), dt.date(2026, 12, 6), PARIS, off) == dt.timedelta(hours=13.5)


def test_start_problem_tells_a_slot_start_from_a_misaligned_or_outside_time():
    hours = [Hours(1, dt.time(9), dt.time(12))]
    assert start_problem(hours, rules(), hour(TUESDAY, 10), PARIS) is None
    assert start_problem(hours, rules(), dt.datetime(2026, 12, 1, 9, 0, tzinfo=UTC), PARIS) is None  # 10:00 Paris
    assert start_problem(hours, rules(), hour(TUESDAY, 10, 15), PARIS) == NOT_ALIGNED
    assert start_problem(hours, rules(60, step=15), hour(TUESDAY, 10, 15), PARIS) is None
    assert start_problem(hours, rules(), hour(TUESDAY, 11, 30), PARIS) == OUTSIDE_HOURS
    assert start_problem(hours, rules(), hour(TUESDAY, 8), PARIS) == OUTSIDE_HOURS
    assert start_problem(hours, rules(), hour(dt.date(2026, 11, 30), 10), PARIS) == OUTSIDE_HOURS
