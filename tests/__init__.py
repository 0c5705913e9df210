"""Cross-app tests that do not belong to one Django app (for example the browser tests)."""
