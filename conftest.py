# Shared fixtures for every test in the repository (throwaway databases, broker namespaces, tokens).
pytest_plugins = ["servicekit.testing.pytest_plugin", "devstack.testing"]
