"""sales service."""
