"""The Grafana dashboard in deploy/ asks only for metrics the app exports."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.conf import settings

from mailbox_project import metrics  # noqa: F401  (registers the counters and histograms)
from ops import exposition

DASHBOARD = Path(settings.BASE_DIR) / "deploy" / "grafana-dashboard.json"
# Families the scrape-time collector builds (a CounterMetricFamily is exposed with "_total").
_SOURCE = Path(exposition.__file__).read_text()
STATE = {
    name + suffix
    for name in re.findall(r'"(mailbox_[a-z_]+)"', _SOURCE)
    for suffix in ("", "_total")
}


def _exported() -> set[str]:
    from prometheus_client import REGISTRY

    names = set(STATE)
    for family in REGISTRY.collect():
        for sample in family.samples:
            names.add(sample.name)
        if family.type == "counter":
            names.add(f"{family.name}_total")
        if family.type == "histogram":
            names.update(f"{family.name}_{s}" for s in ("bucket", "count", "sum"))
    return names


def test_every_panel_queries_an_exported_metric() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    used = {
        name
        for panel in dashboard["panels"]
        for target in panel["targets"]
        for name in re.findall(r"\bmailbox_[a-z_]+", target["expr"])
    }
    assert used
    assert used <= _exported(), used - _exported()
