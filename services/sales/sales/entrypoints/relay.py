"""python -m sales.entrypoints.relay"""
from servicekit.runner import run_relay

from sales.service import SPEC

if __name__ == "__main__":
    run_relay(SPEC)
