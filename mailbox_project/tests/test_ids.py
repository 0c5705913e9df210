"""``user_id`` converts every form a user id arrives in, once, and refuses anything else."""

from __future__ import annotations

import pytest
from bson import ObjectId

from mailbox_project.ids import user_id


class _HasPk:
    def __init__(self, pk: object) -> None:
        self.pk = pk


def test_every_form_of_a_user_id_converts_to_the_same_object_id() -> None:
    oid = ObjectId()
    assert user_id(oid) == oid
    assert user_id(str(oid)) == oid
    assert user_id(_HasPk(oid)) == oid
    assert isinstance(user_id(str(oid)), ObjectId)


@pytest.mark.parametrize("bad", ["", "42", "not-an-id", None, 12, "g" * 24, _HasPk(None)])
def test_anything_else_is_a_value_error(bad: object) -> None:
    with pytest.raises(ValueError, match="not a user id"):
        user_id(bad)
