"""Run GYB's (Got Your Back's) backup against the Google emulator, for bench/sync_quota.py.

    python bench/gyb_emulated.py EMULATOR_URL EMAIL ACCESS_TOKEN   (cwd: a GYB checkout)

GYB is not on PyPI and is not part of this repository: bring its source (github.com/GAM-team/
got-your-back) and run this with that folder as the working directory (GYB reads its CA file
from there). Only GYB's ways out to Google are replaced: the API discovery document is the
google-api-python-client's own static copy pointed at the emulator, the token is one the
emulator issued, and the update check and the browser sign-in are skipped. Its quota bucket,
batching and retries run as they are. Prints one JSON line: the backup's seconds.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import types
from typing import Any

import google.oauth2.credentials
from googleapiclient import discovery


def stub_interactive_sign_in() -> None:
    """GYB imports google_auth_oauthlib for a browser sign-in this run never does."""
    flow = types.ModuleType("google_auth_oauthlib.flow")
    flow.InstalledAppFlow = type("InstalledAppFlow", (), {})  # type: ignore[attr-defined]
    package = types.ModuleType("google_auth_oauthlib")
    package.flow = flow  # type: ignore[attr-defined]
    sys.modules.setdefault("google_auth_oauthlib", package)
    sys.modules.setdefault("google_auth_oauthlib.flow", flow)


def main() -> None:
    url, email, token = sys.argv[1:4]
    sys.path.insert(0, os.getcwd())
    stub_interactive_sign_in()
    import gyb  # type: ignore[import-not-found]  # from the working directory

    def build(api: str, version: str, http: Any = None, **_: Any) -> Any:
        service = discovery.build(
            api, version, http=http, static_discovery=True, cache_discovery=False,
            client_options={"api_endpoint": url}, num_retries=0,
        )  # fmt: skip
        # Batches go to rootUrl + batchPath, which the endpoint option leaves at Google's.
        service._rootDesc["rootUrl"] = f"{url}/"
        service._add_basic_methods(service._resourceDesc, service._rootDesc, service._schema)
        return service

    credentials = google.oauth2.credentials.Credentials(token=token)
    gyb.build = build
    gyb.doGYBCheckForUpdates = lambda *args, **kwargs: None
    gyb.doesTokenMatchEmail = lambda: True
    gyb.getValidOauth2TxtCredentials = lambda force_refresh=False: credentials
    folder = tempfile.mkdtemp(prefix="gyb-bench-")
    began = time.perf_counter()
    # --search "": GYB's default "-is:chat" is a Gmail operator the emulator does not know.
    gyb.main(["--email", email, "--action", "backup", "--local-folder", folder,
              "--config-folder", folder, "--search", ""])  # fmt: skip
    print(json.dumps({"seconds": time.perf_counter() - began, "folder": folder}))


if __name__ == "__main__":
    main()
