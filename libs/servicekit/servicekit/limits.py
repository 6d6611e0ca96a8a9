"""Lengths that are one contract from the API schema down to every column holding a copy of the value.

A value typed in one service travels in events to others; a copy kept in a shorter column than the schema
allowed dead-letters the event on PostgreSQL (security review, finding 3). Schemas validate with these
numbers and every column holding a copy is at least this long (tests/test_field_contract.py checks it).
"""
from __future__ import annotations

NAME_PART = 100  # a first name or a last name
FULL_NAME = 2 * NAME_PART + 1  # "first last", as copies of a client's or guardian's name are kept
PERSON_NAME = FULL_NAME  # any name standing for a person: a staff account, a signer, whoever acted
EMAIL = 254  # RFC 5321's longest usable address
PHONE = 40  # as typed; E.164 copies are at most 16
