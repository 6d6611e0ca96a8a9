"""web: the pages people use (staff console, therapist's day, family portal, public site)."""
