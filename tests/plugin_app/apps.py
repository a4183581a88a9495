from django.apps import AppConfig


class PluginAppConfig(AppConfig):
    """A capability defined only in the tests: it plugs in by being installed, nothing more."""

    name = "tests.plugin_app"
    label = "plugin_app"
