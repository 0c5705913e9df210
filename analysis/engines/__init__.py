"""The classifier's engines. The rules' hot modules run compiled when a matching build
exists (see ``analysis.engines.native``): its folder is searched before this one."""

from analysis.engines.native import usable_build

_compiled = usable_build()
if _compiled is not None:
    __path__.insert(0, str(_compiled))
