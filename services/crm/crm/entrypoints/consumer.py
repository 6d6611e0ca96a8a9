"""python -m crm.entrypoints.consumer"""
from servicekit.runner import run_consumer

from crm.service import SPEC

if __name__ == "__main__":
    run_consumer(SPEC)
