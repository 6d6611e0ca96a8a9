"""python -m sales.entrypoints.migrate"""
from servicekit.runner import migrate

from sales.service import SPEC

if __name__ == "__main__":
    migrate(SPEC)
