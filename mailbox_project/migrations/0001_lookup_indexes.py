"""Plain lookup indexes for contrib tables whose unique indexes are partial on MongoDB.

django-mongodb-backend creates unique constraints as partial indexes, which MongoDB's planner does
not use for equality lookups; sessions (by key) and social-auth identities (by provider and uid)
are looked up on every sign-in and request, so they get ordinary indexes too.
"""

from django.db import migrations

INDEXES = {
    "django_session": ([("session_key", 1)], "session_key_lookup"),
    "social_auth_usersocialauth": ([("provider", 1), ("uid", 1)], "provider_uid_lookup"),
}


def create(apps, schema_editor):
    database = schema_editor.connection.database
    for collection, (keys, name) in INDEXES.items():
        database[collection].create_index(keys, name=name)


def drop(apps, schema_editor):
    database = schema_editor.connection.database
    for collection, (_, name) in INDEXES.items():
        database[collection].drop_index(name)


class Migration(migrations.Migration):
    dependencies = [
        ("sessions", "0001_initial"),
        ("social_django", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop)]
