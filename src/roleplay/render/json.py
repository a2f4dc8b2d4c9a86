"""The debrief of one attempt as JSON: one more renderer of a :class:`~roleplay.core.review.Review`.

The keys are those of ``design.md``'s contract for ``run`` and ``debrief`` (extended, never
renamed): the scorecard of :func:`roleplay.core.debrief.scorecard_to_dict`, then, for a
saved attempt, what checking it proved and which attempt it was:

* ``integrity``: the verdict in words (:attr:`~roleplay.core.integrity.Integrity.text`);
* ``integrity_status``: the verdict itself (``signed``, ``unsigned``, ``edited``, …);
* ``integrity_problems``: what is wrong, one sentence each (empty when nothing is);
* ``transcript``: the attempt's ``id``, ``started`` and ``finished``;
* ``warnings``: only when there is something to warn of (the scenario has changed).

``run`` writes the transcript itself with the scorecard's keys added
(:func:`run_json`), so that its output is a transcript ``debrief`` and ``report`` accept.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from roleplay.core.debrief import scorecard_to_dict
from roleplay.core.review import Review


def review_json(review: Review) -> dict[str, Any]:
    """Return the review as the JSON-ready data of ``roleplay debrief --format json``."""
    data = scorecard_to_dict(review.card, review.learner)
    if review.integrity is not None:
        data["integrity"] = review.integrity.text
        data["integrity_status"] = review.integrity.proof.value
        data["integrity_problems"] = list(review.integrity.problems)
    if review.attempt is not None:
        data["transcript"] = {
            "id": review.attempt.id,
            "started": review.attempt.started,
            "finished": review.attempt.finished,
        }
    if review.warnings:
        data["warnings"] = list(review.warnings)
    return data


def run_json(review: Review, transcript: Mapping[str, Any]) -> dict[str, Any]:
    """Return what ``roleplay run --format json`` writes: the transcript, as saved, with the
    scorecard's keys it lacks added, and ``integrity_text``, the check's verdict in words."""
    summary = scorecard_to_dict(review.card, review.learner)
    result = {**transcript, **{k: v for k, v in summary.items() if k not in transcript}}
    if review.integrity is not None:
        result["integrity_text"] = review.integrity.text
    return result


def dumps(data: Mapping[str, Any]) -> str:
    """Return JSON-ready data as the indented text every command writes, ending in a newline."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


__all__ = ["dumps", "review_json", "run_json"]
