"""The classifier's engines. The rules' hot modules run compiled when a matching build
exists (``analysis.engines.native``): its folder is searched before this one."""

from analysis.engines.native import RULES

RULES.extend_path(__name__, __path__)
