"""Test support: throwaway databases and broker namespaces, tokens, and small helpers."""
