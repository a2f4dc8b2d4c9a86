"""roleplay: a complaint-handling role-play simulator with a scorer that quotes its evidence.

The public API is small on purpose: analyse a reply, look up a complaint-handling model,
measure a conversation against it. Names are imported on first use, so that the command
line starts without loading the scorer until a command needs it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from roleplay.core.analyse import analyse
    from roleplay.core.analysis import Analysis, Evidence
    from roleplay.core.errors import RoleplayError
    from roleplay.core.frameworks import Framework, coverage, get_framework

__all__ = [
    "Analysis",
    "Evidence",
    "Framework",
    "RoleplayError",
    "analyse",
    "coverage",
    "get_framework",
]
__version__ = "0.1.0"

_HOMES = {
    "Analysis": "roleplay.core.analysis",
    "Evidence": "roleplay.core.analysis",
    "Framework": "roleplay.core.frameworks",
    "RoleplayError": "roleplay.core.errors",
    "analyse": "roleplay.core.analyse",
    "coverage": "roleplay.core.frameworks",
    "get_framework": "roleplay.core.frameworks",
}


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is asked for."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'roleplay' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
