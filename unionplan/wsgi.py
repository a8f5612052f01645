"""WSGI entry point (gunicorn unionplan.wsgi:application)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionplan.settings")

application = get_wsgi_application()
