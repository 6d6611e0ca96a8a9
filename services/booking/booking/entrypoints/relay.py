"""python -m booking.entrypoints.relay"""
from servicekit.runner import run_relay

from booking.service import SPEC

if __name__ == "__main__":
    run_relay(SPEC)
