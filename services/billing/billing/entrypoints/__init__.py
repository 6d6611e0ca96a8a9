"""Process entry points: `consumer`, `relay`, `migrate`."""
