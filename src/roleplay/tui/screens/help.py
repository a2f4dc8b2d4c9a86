"""The help screen: the keys of the screen underneath, and what each screen is for.

The keys are read from the screen underneath as it stands (its active bindings, from the
focused widget up to the app), so the list never goes stale when a screen gains a key or
hides one (the hint key in assessment mode, say). A screen may say what it is for in its
``HELP`` text, which is shown first.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import Grid, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Label, Static

SCREENS: tuple[tuple[str, str], ...] = (
    (
        "Scenario picker",
        "Choose a scenario, the complaint-handling model to be measured against, and "
        "practice (hints and ticks) or assessment (neither). Unfinished attempts can be "
        "carried on from here.",
    ),
    (
        "Conversation",
        "Talk the customer round. Every reply is saved before the customer answers, so "
        "closing the terminal loses nothing.",
    ),
    (
        "Debrief",
        "Which steps of the model you showed, in your own words, the policies and laws you "
        "cited, what cost the customer's trust, and what to try next time.",
    ),
    (
        "History",
        "Your past attempts and your progress on each step of a model over time.",
    ),
)
"""Each screen of the app and what it is for, in a sentence or two."""

GENERAL_KEYS: tuple[tuple[str, str], ...] = (
    ("tab / shift+tab", "Move between the parts of the screen"),
    ("mouse", "Click any button, list item or key in the footer"),
)
"""Keys that work everywhere but are not bindings of their own."""


def _paragraphs(text: str) -> str:
    """Join the lines of each paragraph of ``text``, so that it wraps to the dialog's width."""
    return "\n\n".join(" ".join(p.split()) for p in text.strip().split("\n\n"))


class HelpScreen(ModalScreen[None]):
    """The keys of the screen underneath and a few words on every screen of the app."""

    # CSS rather than DEFAULT_CSS: the app's own ``Screen`` background rule would otherwise
    # win over the translucent backdrop that keeps the screen underneath visible.
    CSS: ClassVar[str] = """
    HelpScreen {
        align: center middle;
        background: $background 60%;
    }
    HelpScreen > #help {
        width: 84;
        max-width: 95%;
        height: 85%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    HelpScreen #help-body {
        height: 1fr;
    }
    HelpScreen .help-heading {
        margin-top: 1;
        text-style: bold;
        color: $primary;
    }
    HelpScreen .help-text {
        width: 1fr;
        height: auto;
    }
    HelpScreen .keys {
        grid-size: 2;
        grid-columns: 20 1fr;
        grid-gutter: 0 1;
        height: auto;
    }
    HelpScreen .keys .key {
        text-style: bold;
        color: $accent;
    }
    HelpScreen .keys .-disabled {
        color: $text-muted;
    }
    HelpScreen .keys Label {
        width: 1fr;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "close", "Close", tooltip="Close the help"),
    ]

    def compose(self) -> ComposeResult:
        """The screen's purpose, its keys, then every screen of the app."""
        below = self._screen_below()
        with Vertical(id="help") as frame:
            frame.border_title = "Help: keys and screens"
            with VerticalScroll(id="help-body"):
                purpose = getattr(below, "HELP", None) if below is not None else None
                if purpose:
                    yield Label("This screen", classes="help-heading")
                    yield Static(_paragraphs(purpose), classes="help-text", markup=False)
                yield Label("Keys", classes="help-heading")
                with Grid(classes="keys", id="help-keys"):
                    for keys, what, enabled in self._key_rows(below):
                        extra = "" if enabled else " -disabled"
                        yield Label(keys, classes=f"key{extra}", markup=False)
                        yield Label(what, classes=f"what{extra}", markup=False)
                yield Label("The screens", classes="help-heading")
                with Grid(classes="keys", id="help-screens"):
                    for name, purpose_text in SCREENS:
                        yield Label(name, classes="key", markup=False)
                        yield Label(purpose_text, markup=False)
        yield Footer()

    def action_close(self) -> None:
        """Go back to the screen underneath."""
        self.dismiss(None)

    def _screen_below(self) -> Screen[object] | None:
        stack = self.app.screen_stack
        index = stack.index(self) if self in stack else len(stack)
        return stack[index - 1] if index > 0 else None

    def _key_rows(self, below: Screen[object] | None) -> list[tuple[str, str, bool]]:
        """One row for each shown binding (keys of one binding together), then general keys."""
        rows: list[tuple[str, str, bool]] = []
        if below is not None:
            grouped: dict[tuple[int, str], list[ActiveBinding]] = {}
            for active in below.active_bindings.values():
                if active.binding.show:
                    grouped.setdefault((id(active.node), active.binding.action), []).append(active)
            for group in grouped.values():
                first = group[0].binding
                keys = " / ".join(self.app.get_key_display(a.binding) for a in group)
                what = first.tooltip or first.description
                rows.append((keys, what, all(a.enabled for a in group)))
        rows.extend((keys, what, True) for keys, what in GENERAL_KEYS)
        return rows


__all__ = ["GENERAL_KEYS", "SCREENS", "HelpScreen"]
