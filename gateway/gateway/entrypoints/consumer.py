"""python -m gateway.entrypoints.consumer"""
from servicekit.runner import run_consumer

from gateway.service import SPEC

if __name__ == "__main__":
    run_consumer(SPEC)
