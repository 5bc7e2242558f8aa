"""Harness shared by the tooling (bench, faults, evals) and by tests: never imported by the product.

Throwaway installations and databases, a private PostgreSQL, a test IMAP server (Dovecot) and the
SMTP helpers the benchmarks and fault tests start. The import-flow test
(``tapecut/core/test_flow.py``) fails if a production app imports this package.
"""
