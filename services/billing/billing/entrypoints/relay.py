"""python -m billing.entrypoints.relay"""
from servicekit.runner import run_relay

from billing.service import SPEC

if __name__ == "__main__":
    run_relay(SPEC)
