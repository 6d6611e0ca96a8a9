"""Booking: service types, therapists and their working hours, slots and appointments."""
