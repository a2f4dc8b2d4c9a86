"""The scenario library: the one way every command and screen finds a scenario.

A library is the bundled scenarios (shipped inside the wheel, or at the checkout's root)
plus, optionally, a tutor's own folder, whose scenarios win on a shared id. Every file is
loaded and checked once (:func:`roleplay.core.scenario.load_scenario`); a file with an error
is set aside and its problems kept, so one broken file never stops the others from being
offered, and whoever shows the library can say what was left out and why.

:meth:`ScenarioLibrary.find` takes what a user types: a scenario's id, or the path of a
scenario file (which is loaded on its own, and refused with its problems if it has any).

The folders (:func:`bundled_folder`, :meth:`ScenarioLibrary.folders`) are found without
importing the scenario models, so the app's quick first listing can read them cheaply.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from roleplay.core.problems import Problem

if TYPE_CHECKING:
    from roleplay.core.scenario import LoadedScenario


def bundled_folder() -> Path:
    """Return the folder of bundled scenarios (inside the wheel, or at the repository root)."""
    packaged = resources.files("roleplay").joinpath("scenarios")
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "scenarios"


class ScenarioLibrary:
    """The bundled scenarios and a tutor's folder's, by id, with the problems of files set aside.

    The folders are read the first time a scenario is looked up by id or listed, not when
    the library is made: naming a scenario by its path reads that file alone. The bundled
    files are read once a process; a tutor's folder is read afresh by each new library, so
    edits to it show at once.
    """

    __slots__ = ("_contents", "extra")

    def __init__(self, extra: Path | None = None) -> None:
        self.extra = extra
        """The tutor's folder searched as well as the bundled one (it wins on a shared id)."""
        self._contents: tuple[Mapping[str, LoadedScenario], tuple[Problem, ...]] | None = None

    @classmethod
    def load(cls, extra: Path | None = None) -> ScenarioLibrary:
        """Return the library of the bundled scenarios and ``extra``'s, read now."""
        library = cls(extra)
        library._read()
        return library

    @classmethod
    def of(
        cls, scenarios: Mapping[str, LoadedScenario], problems: tuple[Problem, ...] = ()
    ) -> ScenarioLibrary:
        """Return a library of exactly these scenarios (for a caller that loaded its own)."""
        library = cls()
        library._contents = (MappingProxyType(dict(scenarios)), tuple(problems))
        return library

    def _read(self) -> tuple[Mapping[str, LoadedScenario], tuple[Problem, ...]]:
        if self._contents is None:
            bundled, problems = _bundled()
            if self.extra is None:
                self._contents = (bundled, problems)
            else:
                from roleplay.core.scenario import load_scenario_dir

                more, found = load_scenario_dir(self.extra)
                self._contents = (MappingProxyType({**bundled, **more}), (*problems, *found))
        return self._contents

    @property
    def is_read(self) -> bool:
        """Whether the folders have been read (so :attr:`problems` says something)."""
        return self._contents is not None

    @property
    def scenarios(self) -> Mapping[str, LoadedScenario]:
        """The scenarios that loaded, by id."""
        return self._read()[0]

    @property
    def problems(self) -> tuple[Problem, ...]:
        """The problems of every file set aside (and any warnings of those kept)."""
        return self._read()[1]

    def folders(self) -> tuple[Path, ...]:
        """The folders this library reads, bundled first (a later one wins on a shared id)."""
        return (bundled_folder(),) if self.extra is None else (bundled_folder(), self.extra)

    def all(self) -> tuple[LoadedScenario, ...]:
        """Every scenario that loaded, ordered by id."""
        return tuple(self.scenarios[key] for key in sorted(self.scenarios))

    def __iter__(self) -> Iterator[LoadedScenario]:
        return iter(self.all())

    def __len__(self) -> int:
        return len(self.scenarios)

    def get(self, scenario_id: str) -> LoadedScenario | None:
        """Return the scenario with this id, or None."""
        return self.scenarios.get(scenario_id)

    def find(self, id_or_path: str) -> LoadedScenario:
        """Return a scenario by id, or by the path of its file.

        Raises :class:`~roleplay.core.errors.InvalidFileError` for a file named by path that
        has problems, and :class:`~roleplay.core.errors.UnknownIdError`, naming the known
        ids, for an id no loaded scenario has. A broken file elsewhere in the folders has
        been set aside (see :attr:`problems`) and does not stop the others.
        """
        from roleplay.core.errors import UnknownIdError
        from roleplay.core.files import is_file, is_yaml_name

        path = Path(id_or_path)
        if is_yaml_name(path) or is_file(path):
            return self.load_file(path)
        found = self.scenarios.get(id_or_path)
        if found is not None:
            return found
        raise UnknownIdError("scenario", id_or_path, sorted(self.scenarios))

    def load_file(self, path: Path) -> LoadedScenario:
        """Load the scenario file at ``path``; raise InvalidFileError with its problems."""
        from roleplay.core.errors import InvalidFileError
        from roleplay.core.problems import has_errors
        from roleplay.core.scenario import load_scenario

        loaded, problems = load_scenario(path)
        if loaded is None or has_errors(problems):
            raise InvalidFileError(problems)
        return loaded

    def set_aside(self) -> frozenset[str]:
        """The files left out of the library because of an error."""
        from roleplay.core.problems import Severity

        return frozenset(p.file for p in self.problems if p.severity is Severity.ERROR)


@functools.cache
def _bundled() -> tuple[Mapping[str, LoadedScenario], tuple[Problem, ...]]:
    from roleplay.core.scenario import load_scenario_dir

    found, problems = load_scenario_dir(bundled_folder())
    return MappingProxyType(found), tuple(problems)


def bundled_scenarios() -> dict[str, LoadedScenario]:
    """Return the bundled scenarios by id; raises InvalidFileError if one is broken.

    For checks of the release itself; the commands and the app use
    :meth:`ScenarioLibrary.load`, which sets a broken file aside instead.
    """
    from roleplay.core.errors import InvalidFileError
    from roleplay.core.problems import has_errors

    found, problems = _bundled()
    if has_errors(problems):
        raise InvalidFileError(problems)
    return dict(found)


__all__ = ["ScenarioLibrary", "bundled_folder", "bundled_scenarios"]
