from django.apps import AppConfig


class AuthConfig(AppConfig):
    name = "bzt.auth"
    label = "bzt_auth"  # "auth" is django.contrib.auth
    verbose_name = "Authenticatie"

    def ready(self):
        from . import signals  # noqa: F401 (connects the login handlers)
