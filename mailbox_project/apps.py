"""App configs that give Django's contrib apps (and social_django, axes) ObjectId primary keys.

MongoDB has no integer sequences, so every model's primary key is an ``ObjectIdAutoField``;
the migrations of these apps are generated into ``mailbox_project/mongo_migrations``.
"""

from __future__ import annotations

from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth.apps import AuthConfig
from django.contrib.contenttypes.apps import ContentTypesConfig
from social_django.apps import PythonSocialAuthConfig

OBJECT_ID = "django_mongodb_backend.fields.ObjectIdAutoField"


class MongoAdminConfig(AdminConfig):
    default_auto_field = OBJECT_ID


class MongoAuthConfig(AuthConfig):
    default_auto_field = OBJECT_ID


class MongoContentTypesConfig(ContentTypesConfig):
    default_auto_field = OBJECT_ID


class MongoSocialAuthConfig(PythonSocialAuthConfig):
    default_auto_field = OBJECT_ID


class MongoAxesConfig(AppConfig):
    """django-axes (admin login throttling); axes ships no type hints, so not a subclass."""

    name = "axes"
    default_auto_field = OBJECT_ID

    def ready(self) -> None:
        from axes.apps import AppConfig as AxesConfig

        AxesConfig.initialize()  # what axes' own AppConfig.ready does: checks and signals


class MailboxProjectConfig(AppConfig):
    """The project package itself: system checks and the management commands it owns."""

    name = "mailbox_project"
    label = "mailbox_project"
    verbose_name = "Mailbox"

    def ready(self) -> None:
        from mailbox_project import checks  # noqa: F401  (registers the system checks)
