"""The conversation as a chat: the customer on the left, the learner on the right, and the box
the learner writes in.

Learners must never wonder who said what, so the two voices differ in three ways at once: a
label (the customer's name, or "You"), alignment, and theme colour. Text is shown as written,
never read as markup, because a learner's reply may hold square brackets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Static, TextArea

Speaker = Literal["customer", "learner"]
Tone = Literal["steady", "better", "worse"]

DISPLAY_LIMIT = 4000
"""The most characters of one line the log shows; the transcript keeps every character."""


def shorten(text: str, limit: int = DISPLAY_LIMIT) -> str:
    """Return ``text`` cut to ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    rest = len(text) - limit
    return f"{text[:limit]}… ({rest:,} more characters, saved in full)"


TITLE_ROOM = 6
"""Cells a frame's title needs beyond its letters: the two corners and the spaces and rules
either side of it."""


class ChatLine(Static):
    """One thing said in the conversation, framed and titled with who said it."""

    DEFAULT_CSS: ClassVar[str] = """
    ChatLine {
        width: auto;
        max-width: 85%;
        height: auto;
        padding: 0 1;
    }
    """

    def __init__(self, text: str, speaker: Speaker, label: str, *, tone: Tone = "steady") -> None:
        """Frame ``text`` as said by ``speaker``, titled ``label``."""
        super().__init__(shorten(text), markup=False, classes=f"-{speaker} -{tone}")
        self.speaker: Speaker = speaker
        self.said = text
        """Everything that was said, even when the log shows only the start of it."""
        self.border_title = label
        self.fit_titles()

    def fit_titles(self) -> None:
        """Keep the frame wide enough for who said it and the mood change, however short
        the line ("Thanks." would otherwise cut "Mrs Priya Shah" to "Mrs …")."""
        titles = [str(t) for t in (self.border_title, self.border_subtitle) if t]
        self.styles.min_width = max((len(t) for t in titles), default=0) + TITLE_ROOM


class ChatRow(Horizontal):
    """A full-width row holding one line, so that a learner's line can sit on the right."""

    DEFAULT_CSS: ClassVar[str] = """
    ChatRow {
        height: auto;
        margin-bottom: 1;
    }
    ChatRow.-learner {
        align-horizontal: right;
    }
    """


class ChatLog(VerticalScroll):
    """The conversation so far, newest at the bottom, kept scrolled to the newest line."""

    DEFAULT_CSS: ClassVar[str] = """
    ChatLog {
        padding: 0 1;
    }
    ChatLog ChatLine.-customer {
        border: round $secondary;
        background: $boost;
    }
    ChatLog ChatLine.-customer.-worse {
        border: round $error;
    }
    ChatLog ChatLine.-customer.-better {
        border: round $success;
    }
    ChatLog ChatLine.-learner {
        border: round $primary;
        background: $primary 10%;
    }
    ChatLog .chat-notice {
        width: 1fr;
        height: auto;
        margin-bottom: 1;
        content-align: center middle;
        text-align: center;
        color: $text-muted;
        text-style: italic;
    }
    """

    def __init__(
        self,
        customer_name: str,
        *,
        learner_label: str = "You",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """Make an empty log; ``customer_name`` titles every customer line."""
        super().__init__(id=id, classes=classes)
        self.customer_name = customer_name
        self.learner_label = learner_label

    def on_mount(self) -> None:
        """Stay at the newest line until the learner scrolls back."""
        self.anchor()

    def say_customer(self, text: str, *, change: int = 0) -> ChatLine:
        """Add what the customer said; ``change`` is how far it moved their mood."""
        line = self._customer_line(text, change)
        self.mount(ChatRow(line, classes="-customer"))
        return line

    def say_learner(self, text: str) -> ChatLine:
        """Add the learner's reply."""
        line = ChatLine(text, "learner", self.learner_label)
        self.mount(ChatRow(line, classes="-learner"))
        return line

    def exchange(self, reply: str, response: str, *, change: int = 0) -> None:
        """Add a reply and the customer's answer (if they said anything) in one go.

        One mount for both lines means one layout of the log rather than two, which keeps
        the time from Enter to the answer short.
        """
        rows = [ChatRow(ChatLine(reply, "learner", self.learner_label), classes="-learner")]
        if response:
            rows.append(ChatRow(self._customer_line(response, change), classes="-customer"))
        self.mount_all(rows)

    def announce(self, text: str) -> Static:
        """Add a line from the trainer itself, such as the end of the conversation."""
        notice = Static(text, markup=False, classes="chat-notice")
        self.mount(notice)
        return notice

    def _customer_line(self, text: str, change: int) -> ChatLine:
        tone: Tone = "better" if change > 0 else "worse" if change < 0 else "steady"
        line = ChatLine(text, "customer", self.customer_name, tone=tone)
        if change:
            sign = "+" if change > 0 else "−"
            line.border_subtitle = f"mood {sign}{abs(change)}"
            line.fit_titles()
        return line

    @property
    def lines(self) -> list[ChatLine]:
        """Every line in the log, oldest first."""
        return list(self.query(ChatLine))


class ReplyBox(TextArea):
    """Where the learner writes: Enter sends, Ctrl+J (or Shift+Enter) starts a new line.

    The keys are bindings with priority over the text area's own handling, so they show in
    the footer and the help screen and work wherever the cursor is.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "send", "Send", priority=True, tooltip="Send your reply"),
        Binding(
            "ctrl+j,shift+enter",
            "new_line",
            "New line",
            priority=True,
            tooltip="Start a new line in your reply without sending it",
        ),
    ]

    @dataclass
    class Sent(Message):
        """The learner asked to send what is in the box (it may be empty)."""

        reply_box: ReplyBox
        text: str

        @property
        def control(self) -> ReplyBox:
            """The reply box, for ``@on`` selectors."""
            return self.reply_box

    def action_send(self) -> None:
        """Ask for the reply to be sent; the screen decides whether it can be."""
        if not self.read_only:
            self.post_message(self.Sent(self, self.text))

    def action_new_line(self) -> None:
        """Start a new line at the cursor, replacing any selected text."""
        if not self.read_only:
            start, end = self.selection
            self.replace("\n", start, end)


__all__ = ["DISPLAY_LIMIT", "ChatLine", "ChatLog", "ChatRow", "ReplyBox", "shorten"]
