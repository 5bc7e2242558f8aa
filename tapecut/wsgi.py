import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tapecut.settings")
application = get_wsgi_application()

# Django runs no system checks under WSGI: refuse public keys here (tapecut.E001, E013, E014).
from tapecut.core.checks import refuse_public_keys  # noqa: E402 - needs Django set up

refuse_public_keys()
