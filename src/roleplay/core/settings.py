"""The settings the app remembers between runs: the learner's name, model and mode.

Kept apart from the scoring code so the picker can show the remembered name as soon as it
appears. The file is a small JSON object in the user's configuration folder
(``ROLEPLAY_CONFIG_DIR`` moves it); a file that cannot be read or written is ignored, since
forgetting a name is better than failing to start.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Final

import platformdirs

from roleplay.core.jsontext import read_json
from roleplay.core.storage import clean_stale_temporaries, write_atomic

CONFIG_ENV = "ROLEPLAY_CONFIG_DIR"

LEARNER_ENV = "ROLEPLAY_LEARNER"
"""Set by ``roleplay serve`` to the signed-in learner's name: the app then uses no other."""


PLAYTHROUGH_SEED: Final = 2026
"""The seed ``roleplay validate`` plays scenarios at random with, unless told another."""
PLAYTHROUGHS: Final = 20
"""Random play-throughs of each scenario in ``roleplay validate``, unless told otherwise."""


def config_dir() -> Path:
    """Where the app keeps its settings: ``ROLEPLAY_CONFIG_DIR``, else the platform's own."""
    return Path(os.environ.get(CONFIG_ENV) or platformdirs.user_config_dir("roleplay"))


CACHE_ENV = "ROLEPLAY_CACHE_DIR"


def cache_folder() -> Path:
    """Where the scorer keeps what it can work out again (analyses, checked patterns):
    ``ROLEPLAY_CACHE_DIR``, else the platform's cache folder."""
    return Path(os.environ.get(CACHE_ENV) or platformdirs.user_cache_dir("roleplay"))


def signed_in_learner() -> str | None:
    """The name the app must use, when ``roleplay serve`` started it for a signed-in learner."""
    name = " ".join(os.environ.get(LEARNER_ENV, "").split())
    return name or None


def load_settings() -> dict[str, Any]:
    """Return the remembered settings (learner name, model, mode); {} when there are none."""
    target = config_dir() / "settings.json"
    try:
        text = target.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return {}
    data, problem = read_json(text, str(target))
    return data if problem is None and isinstance(data, dict) else {}


def save_settings(**changes: Any) -> None:
    """Remember settings between runs; a folder that cannot be written is simply skipped."""
    settings = load_settings()
    settings.update(changes)
    target = config_dir() / "settings.json"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        clean_stale_temporaries(target.parent)
        write_atomic(target, json.dumps(settings, indent=2).encode("utf-8"))
    except OSError:
        return
