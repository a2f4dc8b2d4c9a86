"""A yes-or-no question in front of the screen, for steps that cannot be taken back.

The dialog returns its answer through ``dismiss`` (True for yes), so the caller's callback
or ``push_screen_wait`` receives a plain ``bool``. "No" has the focus at first, so a stray
Enter never ends anything.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static


class ConfirmationModal(ModalScreen[bool]):
    """Ask ``question``; dismiss with True for yes and False for no."""

    # CSS rather than DEFAULT_CSS: the app's own ``Screen`` background rule would otherwise
    # win over the translucent backdrop that keeps the conversation visible behind the dialog.
    CSS: ClassVar[str] = """
    ConfirmationModal {
        align: center middle;
        background: $background 60%;
    }
    ConfirmationModal > #dialog {
        width: 60;
        height: auto;
        padding: 1 2;
        border: thick $warning;
        background: $surface;
    }
    ConfirmationModal #question {
        width: 1fr;
        height: auto;
        margin-bottom: 1;
    }
    ConfirmationModal #buttons {
        height: auto;
        align-horizontal: right;
    }
    ConfirmationModal #buttons Button {
        margin-left: 2;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", tooltip="Answer yes"),
        Binding("n,escape", "answer(False)", "No", tooltip="Answer no and go back"),
        Binding("left", "app.focus_previous", "Previous button", show=False),
        Binding("right", "app.focus_next", "Next button", show=False),
    ]

    def __init__(
        self,
        question: str,
        *,
        title: str = "Are you sure?",
        yes: str = "Yes",
        no: str = "No",
    ) -> None:
        """Ask ``question`` under ``title``, with buttons labelled ``yes`` and ``no``."""
        super().__init__()
        self.question = question
        self.dialog_title = title
        self.yes_label = yes
        self.no_label = no

    def compose(self) -> ComposeResult:
        """The question, with the two buttons below it."""
        with Vertical(id="dialog") as dialog:
            dialog.border_title = self.dialog_title
            yield Static(self.question, id="question", markup=False)
            with Horizontal(id="buttons"):
                yield Button(self.yes_label, id="yes", variant="warning")
                yield Button(self.no_label, id="no", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        """Start on "No", the answer that changes nothing."""
        self.query_one("#no", Button).focus()

    @on(Button.Pressed, "#yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def _no(self) -> None:
        self.dismiss(False)

    def action_answer(self, answer: bool) -> None:
        """Close the dialog with ``answer``."""
        self.dismiss(answer)


__all__ = ["ConfirmationModal"]
