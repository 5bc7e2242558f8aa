"""The REST API at /api/v1/ (django-ninja): one router module per resource, wired in ``api.py``."""
