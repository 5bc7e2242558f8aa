"""Test-wide set-up lives in tapecut/pytest_env.py, loaded as a plugin before Django starts."""
