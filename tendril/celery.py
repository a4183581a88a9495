"""The Celery application, used when ``BROKER_URL`` names Redis or RabbitMQ."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tendril.settings")

app = Celery("tendril")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Every installed app's tasks.py, the same modules tendril.core.plugins imports.
app.autodiscover_tasks()
