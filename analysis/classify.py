"""Classify an email: is it about a job application, and if so what happened?

``classify`` uses the configured engine: an OpenAI-compatible LLM when ``ANALYSIS_LLM_URL``
is set, else (and on any failure of the LLM) the deterministic rules engine. It never raises:
odd input gets an analysis, not an exception.
"""

from __future__ import annotations

import logging

from django.conf import settings

from analysis.engines import llm, rules
from analysis.engines.base import Analysis, EmailInput
from analysis.status import Status

# Status is re-exported for other apps' callers; this app imports it from analysis.status.
__all__ = ["Analysis", "EmailInput", "Status", "classifier_version", "classify"]

logger = logging.getLogger(__name__)


def classify(email: EmailInput) -> Analysis:
    """Return the analysis of ``email`` by the configured engine; never raises on odd input."""
    config = llm_config()
    if config is not None:
        try:
            return llm.analyse(email, config)
        except llm.LLMError as error:
            # The reason only: never the email's content or the key.
            logger.warning("LLM classification failed (%s); the rules engine stands in", error)
        except Exception as error:  # noqa: BLE001 -- any failure of the LLM falls back
            logger.warning(
                "LLM classification raised %s; the rules engine stands in", type(error).__name__
            )
    return _by_rules(email)


def classifier_version() -> str:
    """Return the version of the configured engine; it changes whenever results could."""
    config = llm_config()
    return config.version if config is not None else rules.VERSION


def llm_config() -> llm.LLMConfig | None:
    """Return the LLM engine's settings, or None when it is not configured."""
    url = getattr(settings, "ANALYSIS_LLM_URL", "")
    model = getattr(settings, "ANALYSIS_LLM_MODEL", "")
    if not url or not model:
        return None
    return llm.LLMConfig(
        url=url,
        model=model,
        api_key=getattr(settings, "ANALYSIS_LLM_API_KEY", ""),
        timeout=float(getattr(settings, "ANALYSIS_LLM_TIMEOUT", 20.0)),
    )


def _by_rules(email: EmailInput) -> Analysis:
    try:
        return rules.analyse(email)
    except Exception:
        logger.exception("The rules engine failed on message %s", email.message_id)
        return Analysis(
            Status.NOT_JOB_RELATED,
            "",
            "",
            "Could not be analysed.",
            0.0,
            engine_version=rules.VERSION,
        )
