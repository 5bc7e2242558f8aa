"""Fault tests: real processes, a real database, and something breaking under load."""
