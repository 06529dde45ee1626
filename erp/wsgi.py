import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

from erp.startup import settle

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "erp.settings")
application = get_wsgi_application()

# Checked here rather than in settings so that commands which sign nothing (makemigrations,
# check) run without a key; a server must refuse to start instead of failing per request.
try:
    _key = settings.SECRET_KEY
except ImproperlyConfigured as error:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off") from error

settle()
