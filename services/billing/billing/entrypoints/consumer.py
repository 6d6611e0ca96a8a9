"""python -m billing.entrypoints.consumer"""
from servicekit.runner import run_consumer

from billing.service import SPEC

if __name__ == "__main__":
    run_consumer(SPEC)
