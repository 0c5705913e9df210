"""Classify an email: is it about a job application, and if so what happened?

``classify`` uses the configured engine: an OpenAI-compatible LLM when ``ANALYSIS_LLM_URL``
is set, else (and on any failure of the LLM) the deterministic rules engine.
"""

from __future__ import annotations

from analysis.engines import rules
from analysis.engines.base import Analysis, EmailInput, Status

__all__ = ["Analysis", "EmailInput", "Status", "classifier_version", "classify"]


def classify(email: EmailInput) -> Analysis:
    """Return the analysis of ``email`` by the configured engine; never raises on odd input."""
    return rules.analyse(email)


def classifier_version() -> str:
    """Return the version of the configured engine; it changes whenever results could."""
    return rules.VERSION
