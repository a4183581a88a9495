"""WSGI entry point for any WSGI server (``tendril run`` uses waitress)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tendril.settings")
application = get_wsgi_application()
