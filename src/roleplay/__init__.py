"""roleplay: a complaint-handling role-play simulator with a scorer that quotes its evidence.

The public API is small on purpose: analyse a reply, look up a complaint-handling model,
measure a conversation against it.
"""

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
