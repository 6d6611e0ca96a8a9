"""python -m crm.entrypoints.relay"""
from servicekit.runner import run_relay

from crm.service import SPEC

if __name__ == "__main__":
    run_relay(SPEC)
