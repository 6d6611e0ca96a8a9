"""API gateway: identity and routing."""
