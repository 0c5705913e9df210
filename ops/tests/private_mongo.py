"""A private single-node replica set for tests that need a server of their own (ports 27100-27199).

Started from the embedded mongod (``scripts/devservices.py``), as the MongoDB outage drill does.
"""

from __future__ import annotations

import importlib.util
import socket
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.conf import settings
from pymongo import MongoClient

PORTS = range(27100, 27200)


def _devservices() -> ModuleType:
    if "devservices" in sys.modules:
        return sys.modules["devservices"]
    path = Path(settings.BASE_DIR) / "scripts" / "devservices.py"
    spec = importlib.util.spec_from_file_location("devservices", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["devservices"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in 27100-27199")


@dataclass
class PrivateMongo:
    port: int

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/?replicaSet=rs0"

    def client(self) -> MongoClient[dict[str, Any]]:
        return MongoClient(self.uri, serverSelectionTimeoutMS=5000)


@pytest.fixture
def private_mongo(tmp_path: Path) -> Iterator[PrivateMongo]:
    """A fresh, empty mongod of this test's own, stopped afterwards."""
    services = _devservices()
    layout = services.Layout(tmp_path / "private-mongo")
    mongo = PrivateMongo(_free_port())
    services.start_mongo(layout, mongo.port)
    try:
        yield mongo
    finally:
        services.stop_pid(layout.mongo_pid, "private mongod")
