from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tendril.accounts"
    label = "accounts"
    verbose_name = "Accounts"
