"""python -m crm.entrypoints.migrate"""
from servicekit.runner import migrate

from crm.service import SPEC

if __name__ == "__main__":
    migrate(SPEC)
