"""Stored position keys folded as new ones are (``tracker.keys.fold_position``).

Position keys now leave out a gender tag, a work mode at either end and a legal entity before
the title. Grouping compares the keys stored on timeline entries, applications and aliases
with those of new mail, so the stored ones are folded here the same way (the fold reads a
key's words alone: a stored key folds to exactly what its title gives now). An alias whose
folded key another alias of the user already holds gives way to it, unless it is the person's
own (a rename or merge) and the other is not.
"""

from django.db import migrations
from pymongo.errors import DuplicateKeyError

from tracker.keys import fold_position

KEYED = ("job_application_emails", "job_applications")
ALIASES = "job_application_aliases"


def fold_keys(apps, schema_editor):
    # .database, not get_database(): under DEBUG the latter is a query-logging wrapper.
    database = schema_editor.connection.database
    for name in KEYED:
        collection = database[name]
        for key in collection.distinct("position_key"):
            folded = fold_position(key) if isinstance(key, str) else key
            if folded != key:
                collection.update_many({"position_key": key}, {"$set": {"position_key": folded}})
    _fold_aliases(database[ALIASES])


def _fold_aliases(aliases):
    for alias in list(
        aliases.find({}, {"user_id": 1, "company_key": 1, "position_key": 1, "manual": 1})
    ):
        key = alias.get("position_key")
        folded = fold_position(key) if isinstance(key, str) else key
        if folded == key:
            continue
        try:
            aliases.update_one({"_id": alias["_id"]}, {"$set": {"position_key": folded}})
        except DuplicateKeyError:
            holder = {"user_id": alias["user_id"], "company_key": alias["company_key"]}
            other = aliases.find_one({**holder, "position_key": folded})
            if alias.get("manual") and other is not None and not other.get("manual"):
                aliases.delete_one({"_id": other["_id"]})
                aliases.update_one({"_id": alias["_id"]}, {"$set": {"position_key": folded}})
            else:
                aliases.delete_one({"_id": alias["_id"]})


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0005_rescan_interview_text"),
    ]

    operations = [migrations.RunPython(fold_keys, migrations.RunPython.noop)]
