"""Local orchestration of the therapy-center system: `python -m devstack run`."""
