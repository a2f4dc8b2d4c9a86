"""The debrief of one attempt as a single self-contained HTML page.

The page is rendered by Jinja2 from ``templates/scorecard.html`` with autoescaping on, so
whatever a learner typed is shown as text and never run as markup. It carries its own CSS
and nothing else (no fonts, images, scripts or links to fetch), so that it opens the same
offline or from an assessor's archive years later, and it prints legibly: status is
written in words and marks as well as colour, and print rules drop colour altogether.

The content is worded once by :func:`roleplay.render.markdown.scorecard_view`, so the HTML
and the Markdown debriefs say the same things.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import jinja2

from roleplay.render.markdown import human, scorecard_view

if TYPE_CHECKING:
    from roleplay.core.review import Review


@functools.cache
def environment() -> jinja2.Environment:
    """Return the Jinja2 environment of the bundled templates, built once.

    Autoescaping is on for every template whatever its name, and undefined names raise,
    so that a typing mistake in a template fails the tests instead of printing nothing.
    """
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("roleplay.render", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["human"] = human
    return env


def render(template: str, **context: Any) -> str:
    """Render one bundled template with ``context``."""
    return environment().get_template(template).render(**context)


def scorecard_html(review: Review) -> str:
    """Return the debrief of one attempt (a :class:`~roleplay.core.review.Review`) as a
    self-contained HTML page.

    The page holds the same sections as the Markdown debrief: the
    result, the conversation, causes, model steps, marking points, red flags, escalation,
    policy and law, advice, and the working of the score.
    """
    return render("scorecard.html", v=scorecard_view(review))
