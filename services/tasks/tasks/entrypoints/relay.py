"""python -m tasks.entrypoints.relay"""
from servicekit.runner import run_relay

from tasks.service import SPEC

if __name__ == "__main__":
    run_relay(SPEC)
