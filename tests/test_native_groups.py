"""Every compiled group (``native.NativeGroup``) is used only when built from its sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.engines.native import RULES
from mails.native import SYNC
from native import NativeGroup


@pytest.mark.parametrize("group", [RULES, SYNC], ids=lambda g: g.label)
def test_a_build_is_used_only_when_made_from_the_current_sources(
    group: NativeGroup, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MAILBOX_PURE_PYTHON", raising=False)
    assert group.usable_build(tmp_path) is None  # nothing built

    stamp = tmp_path / "FINGERPRINT"
    stamp.write_text("a fingerprint of sources since edited\n")
    assert group.usable_build(tmp_path) is None

    stamp.write_text(group.fingerprint() + "\n")
    assert group.usable_build(tmp_path) == tmp_path

    monkeypatch.setenv("MAILBOX_PURE_PYTHON", "1")
    assert group.usable_build(tmp_path) is None
