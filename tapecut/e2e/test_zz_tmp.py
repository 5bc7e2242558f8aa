import pytest
from django.db import connection
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a(browsing):
    print("in e2e serialized?", len(getattr(connection, "_test_serialized_contents", "") or ""))
