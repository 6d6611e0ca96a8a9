"""Shared plumbing for the therapy-center services. No business code lives here."""
