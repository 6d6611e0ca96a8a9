"""Process entry points: `consumer`, `relay`, `migrate`, and `dispatcher` (fires reminders, sends e-mail and SMS)."""
