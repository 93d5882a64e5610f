from django.apps import AppConfig


class CasusregieConfig(AppConfig):
    name = "casusregie"
    verbose_name = "Casusregie"
