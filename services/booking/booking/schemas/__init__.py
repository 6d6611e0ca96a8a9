"""marshmallow schemas: what the booking API accepts and returns."""
from booking.schemas.appointments import (AppointmentIn, AppointmentOut, AppointmentQuery, CancelIn, CancelledOut,
                                          FollowingCancelIn, FollowingRescheduleIn, HistoryOut, ReasonIn,
                                          RescheduledOut, RescheduleIn, SeriesDetailOut, SeriesIn, SeriesOut)
from booking.schemas.catalog import (CalendarTokenOut, ClosureIn, ClosureOut, RoomIn, RoomOut, RoomQuery, ServiceTypeIn,
                                     ServiceTypeOut, ServiceTypePatch, SinceQuery, TherapistDetailOut, TherapistIn,
                                     TherapistOut, TimeOffIn, TimeOffOut, WeekIn)
from booking.schemas.common import TokenArgs, WeeklyIn, WeeklyOut
from booking.schemas.scheduling import (CalendarOut, CalendarQuery, PlanningQuery, PlanningRowOut, SlotOut, SlotQuery,
                                        WaitlistIn, WaitlistOut, WaitlistQuery)

__all__ = [
    "AppointmentIn", "AppointmentOut", "AppointmentQuery", "CancelIn", "CancelledOut", "FollowingCancelIn",
    "FollowingRescheduleIn", "HistoryOut", "ReasonIn", "RescheduledOut", "RescheduleIn", "SeriesDetailOut",
    "SeriesIn", "SeriesOut", "CalendarTokenOut", "ClosureIn", "ClosureOut", "RoomIn", "RoomOut", "RoomQuery",
    "ServiceTypeIn", "ServiceTypeOut", "ServiceTypePatch", "SinceQuery", "TherapistDetailOut", "TherapistIn",
    "TherapistOut", "TimeOffIn", "TimeOffOut", "WeekIn", "TokenArgs", "WeeklyIn", "WeeklyOut", "CalendarOut",
    "CalendarQuery", "PlanningQuery", "PlanningRowOut", "SlotOut", "SlotQuery", "WaitlistIn",
    "WaitlistOut", "WaitlistQuery",
]
