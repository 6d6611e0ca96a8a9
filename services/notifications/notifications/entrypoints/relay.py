"""python -m notifications.entrypoints.relay"""
from servicekit.runner import run_relay

from notifications.service import SPEC

if __name__ == "__main__":
    run_relay(SPEC)
