"""WSGI entry point for gunicorn: `gunicorn lotse.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lotse.settings.production")

application = get_wsgi_application()
