from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tapecut.accounts"
    label = "accounts"
