"""Tendril's settings plus one app defined in the tests (see test_plugins.py)."""

from tendril.settings import *  # noqa: F403
from tendril.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.plugin_app"]
ROOT_URLCONF = "tests.plugin_urls"
