"""python -m sales.entrypoints.consumer"""
from servicekit.runner import run_consumer

from sales.service import SPEC

if __name__ == "__main__":
    run_consumer(SPEC)
