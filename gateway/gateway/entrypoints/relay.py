"""python -m gateway.entrypoints.relay"""
from servicekit.runner import run_relay

from gateway.service import SPEC

if __name__ == "__main__":
    run_relay(SPEC)
