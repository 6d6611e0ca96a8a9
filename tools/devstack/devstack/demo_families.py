"""Who the living demo centre serves: a dozen families, each at a stage of the workflow, and a wait list.

Every guardian's e-mail is on DEMO_DOMAIN: that is how the demo recognises its own families on a second run
(and how anyone can tell them from real ones). Dates are not here: they are counted from the day it runs.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

DEMO_DOMAIN = "demo.sunnysteps.example"

# How far along the workflow a family is; each stage includes every one before it.
NEW, QUOTED, SIGNED, IN_THERAPY, DONE = "new", "quoted", "signed", "in_therapy", "done"
STAGES = (NEW, QUOTED, SIGNED, IN_THERAPY, DONE)


def demo_email(name: str) -> str:
    """'Élodie Bernard' -> 'elodie.bernard@demo.sunnysteps.example'."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return ".".join("".join(c for c in part if c.isalnum()) for part in plain.split()) + f"@{DEMO_DOMAIN}"


@dataclass(frozen=True)
class Family:
    """One child, their guardian, their weekly session and how far they have come."""

    child: str
    last_name: str
    birth_date: str
    guardian: str
    phone: str
    service: str                      # OT, ST or PT: which of the three therapists sees them
    weekday: int                      # their weekly session: Monday = 0
    hour: int
    stage: str = NEW
    lines: tuple[tuple[str, int], ...] = (("single", 1),)  # what the quotation sells: (kind, quantity)
    sessions_logged: int = 0          # past weekly sessions the therapist has recorded
    invoice_days_ago: int | None = None  # invoiced, dated this many days before today
    paid: str = ""                    # "full" or "part" of that invoice paid
    online: bool = False              # booked by the family on the public page (no client record yet)
    weeks: int | None = None          # weekly sessions booked (default: until the end of next month)

    @property
    def email(self) -> str:
        return demo_email(self.guardian)

    def reached(self, stage: str) -> bool:
        return STAGES.index(self.stage) >= STAGES.index(stage)


FAMILIES = (
    # A first inquiry from the public booking page, and a family the front desk just registered.
    Family("Léo", "Martin", "2020-03-14", "Camille Martin", "+33 6 12 34 56 01", "OT", 1, 10, online=True),
    Family("Oliver", "Bennett", "2018-09-02", "James Bennett", "+44 7700 900101", "PT", 3, 15),
    # Quoted, waiting for the family's signature: a speech package, and a block of OT sessions.
    Family("Chloé", "Lefèvre", "2019-06-21", "Sophie Lefèvre", "+33 6 12 34 56 03", "ST", 0, 9, QUOTED,
           lines=(("package", 1),)),
    Family("Emily", "Clarke", "2017-11-08", "Sarah Clarke", "+44 7700 900104", "OT", 2, 14, QUOTED,
           lines=(("single", 6),)),
    # Signed this week: the therapy task waits for the front desk to assign a therapist.
    Family("Hugo", "Moreau", "2016-01-30", "Nicolas Moreau", "+33 6 12 34 56 05", "PT", 0, 11, SIGNED,
           lines=(("single", 8),)),
    # In therapy: a 10-session package being used up (6 done, paid up front), and a block of speech sessions.
    Family("Jade", "Bernard", "2018-04-17", "Élodie Bernard", "+33 6 12 34 56 06", "OT", 3, 9, IN_THERAPY,
           lines=(("package", 1),), sessions_logged=6, invoice_days_ago=42, paid="full", weeks=4),
    Family("Noah", "Thompson", "2019-12-03", "Rachel Thompson", "+44 7700 900107", "ST", 1, 13, IN_THERAPY,
           lines=(("single", 12),), sessions_logged=4),
    # Work done and invoiced today: one unpaid, one paid in part.
    Family("Arthur", "Petit", "2017-07-25", "Julien Petit", "+33 6 12 34 56 08", "ST", 3, 10, DONE,
           lines=(("single", 4),), sessions_logged=4, invoice_days_ago=0),
    Family("Grace", "Walker", "2016-05-12", "Hannah Walker", "+44 7700 900109", "PT", 2, 10, DONE,
           lines=(("single", 5),), sessions_logged=5, invoice_days_ago=0, paid="part"),
    # Paid: today at the desk, and by transfer three weeks ago.
    Family("Manon", "Girard", "2018-10-09", "Claire Girard", "+33 6 12 34 56 10", "OT", 4, 11, DONE,
           lines=(("single", 3),), sessions_logged=3, invoice_days_ago=0, paid="full"),
    Family("Harry", "Evans", "2017-02-19", "Thomas Evans", "+44 7700 900111", "ST", 4, 14, DONE,
           lines=(("single", 4),), sessions_logged=4, invoice_days_ago=20, paid="full"),
    # Overdue: invoiced six weeks ago, nothing paid, past the payment terms.
    Family("Lucas", "Roux", "2015-08-27", "Aurélie Roux", "+33 6 12 34 56 12", "PT", 1, 16, DONE,
           lines=(("single", 6),), sessions_logged=6, invoice_days_ago=45),
)


@dataclass(frozen=True)
class Waiting:
    """A family on the wait list for an earlier or better slot."""

    child: str
    last_name: str
    birth_date: str
    guardian: str
    service: str
    windows: tuple[tuple[int, str, str], ...]  # (weekday, start, end) they can come
    with_therapist: bool = False

    @property
    def email(self) -> str:
        return demo_email(self.guardian)


WAIT_LIST = (
    Waiting("Inès", "Fontaine", "2019-02-11", "Laura Fontaine", "OT", ((2, "13:00", "17:00"),)),
    Waiting("George", "Harris", "2018-12-30", "Emma Harris", "ST", ((0, "09:00", "12:00"), (1, "09:00", "12:00"))),
    Waiting("Rose", "Lambert", "2020-07-04", "Mathieu Lambert", "PT", ((4, "09:00", "17:00"),), with_therapist=True),
)

# What the therapists write after a session (progress notes: only they and the admins read them).
NOTES = {
    "OT": ["Fine motor: bead threading and scissor control; good focus for 20 minutes.",
           "Sensory circuit before table work; handwriting posture improving.",
           "Bilateral coordination games; tolerated the swing well today.",
           "Dressing skills: buttons managed alone; zips still need a start."],
    "ST": ["Articulation of /s/ and /ch/ in words; about 70 % accurate with a model.",
           "Narrative retell with picture cards; longer sentences than last week.",
           "Vocabulary themes (food, shopping); parent joined the last ten minutes.",
           "Fluency: easy onsets practised in short conversations."],
    "PT": ["Balance on one foot: 8 seconds each side; hopping introduced.",
           "Core strengthening circuit; home exercise sheet updated.",
           "Gait on stairs: alternating feet going up with the rail.",
           "Ball skills: catching a medium ball from 2 metres."],
}
