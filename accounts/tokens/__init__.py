"""The token store: one contract (``base.TokenStore``), two backends, two wrappers."""
