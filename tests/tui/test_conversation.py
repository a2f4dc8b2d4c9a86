"""The conversation screen, as a learner uses it: typing, sending, hints, ending, resuming."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from roleplay.core import transcript
from roleplay.core.scenario import LoadedScenario
from roleplay.core.transcript import Attempt
from roleplay.tui.app import RoleplayApp
from roleplay.tui.screens.confirm import ConfirmationModal
from roleplay.tui.screens.conversation import ConversationScreen
from roleplay.tui.screens.help import HelpScreen
from roleplay.tui.widgets.mood_meter import MoodMeter
from roleplay.tui.widgets.steps_panel import StepsPanel

SIZE = (120, 40)
MakeApp = Callable[..., RoleplayApp]
WaitUntil = Callable[..., Awaitable[None]]

GOOD_FIRST = (
    "I'm really sorry your order hasn't arrived, Mrs Shah. Could you confirm the delivery "
    "address for me so I can check with the courier?"
)
GOOD_SECOND = (
    "Thank you. I'll open a trace with the courier under our lost parcel procedure, and as "
    "the refund is above what I can authorise I'm passing it to my team leader now, who will "
    "call you within the hour."
)
DISMISSIVE = "Calm down, it's the courier's fault, not ours."


def conversation(app: RoleplayApp) -> ConversationScreen:
    """The conversation screen, which must be the one in front."""
    screen = app.screen
    assert isinstance(screen, ConversationScreen)
    return screen


def record_notifications(app: RoleplayApp) -> list[dict[str, Any]]:
    """Record every notification the app shows, still showing it."""
    seen: list[dict[str, Any]] = []
    show = app.notify

    def notify(message: str, **options: Any) -> None:
        seen.append({"message": message, **options})
        show(message, **options)

    app.notify = notify  # type: ignore[method-assign]
    return seen


def turns_on_disk(screen: ConversationScreen) -> list[dict[str, Any]]:
    """The turns the transcript file holds now."""
    return json.loads(screen.attempt.path.read_text(encoding="utf-8"))["turns"]


async def send(pilot: Pilot[object], wait_until: WaitUntil, text: str) -> None:
    """Put ``text`` in the reply box, press Enter and wait for the customer's answer."""
    screen = conversation(pilot.app)  # type: ignore[arg-type]
    before = len(screen.attempt.turns)
    screen.reply_box.text = text
    await pilot.press("enter")
    await wait_until(pilot, lambda: not screen.sending and len(screen.attempt.turns) > before)


@pytest.mark.asyncio
async def test_a_typed_reply_and_the_customers_answer_appear_after_it_is_saved(
    make_conversation_app: MakeApp, wait_until: WaitUntil
) -> None:
    app = make_conversation_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = conversation(app)
        assert screen.reply_box.has_focus
        first = screen.chat_log.lines
        assert [line.speaker for line in first] == ["customer"]
        assert first[0].said == screen.attempt.prompt

        await pilot.press(*"Sorry, Mrs Shah.")
        assert screen.reply_box.text == "Sorry, Mrs Shah."
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(screen.chat_log.lines) == 3)

        learner, customer = screen.chat_log.lines[1:]
        assert (learner.speaker, learner.said) == ("learner", "Sorry, Mrs Shah.")
        assert learner.border_title == "You"
        assert customer.speaker == "customer"
        assert customer.border_title == "Mrs Priya Shah"
        assert customer.said == screen.attempt.turns[0].response
        assert [t["reply"] for t in turns_on_disk(screen)] == ["Sorry, Mrs Shah."]
        assert screen.reply_box.text == ""
        assert not screen.reply_box.read_only


@pytest.mark.asyncio
async def test_the_send_button_sends_with_the_mouse(
    make_conversation_app: MakeApp, wait_until: WaitUntil
) -> None:
    app = make_conversation_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = conversation(app)
        screen.reply_box.text = GOOD_FIRST
        await pilot.click("#send")
        await wait_until(pilot, lambda: len(screen.attempt.turns) == 1)
        assert screen.chat_log.lines[1].said == GOOD_FIRST


@pytest.mark.asyncio
async def test_an_empty_reply_is_not_sent_and_the_learner_is_told(
    make_conversation_app: MakeApp,
) -> None:
    app = make_conversation_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = conversation(app)
        seen = record_notifications(app)
        await pilot.press("enter")
        await pilot.press("space", "space", "ctrl+j", "enter")
        await pilot.pause()

        assert screen.attempt.turns == ()
        assert turns_on_disk(screen) == []
        assert len(screen.chat_log.lines) == 1
        assert len(seen) == 2
        assert all("empty reply is not sent" in n["message"] for n in seen)


@pytest.mark.asyncio
async def test_ctrl_j_starts_a_new_line_instead_of_sending(make_conversation_app: MakeApp) -> None:
    app = make_conversation_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = conversation(app)
        await pilot.press("h", "i", "ctrl+j", "t", "h", "e", "r", "e")
        await pilot.pause()
        assert screen.reply_box.text == "hi\nthere"
        assert screen.attempt.turns == ()
        footer_keys = {b.binding.description for b in screen.active_bindings.values()}
        assert {"Send", "New line"} <= footer_keys


@pytest.mark.asyncio
async def test_a_good_path_reaches_the_end_and_offers_the_debrief(
    make_conversation_app: MakeApp, wait_until: WaitUntil
) -> None:
    app = make_conversation_app()
    calls: list[tuple[Path, str | None]] = []
    app.show_debrief = lambda path, framework=None: calls.append((path, framework))  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        screen = conversation(app)
        await send(pilot, wait_until, GOOD_FIRST)
        assert not screen.attempt.finished
        await send(pilot, wait_until, GOOD_SECOND)

        assert screen.attempt.finished
        assert screen.attempt.outcome == "escalated_correctly"
        assert screen.chat_log.lines[-1].said == "OK, thank you. I'll wait to hear back, then."
        notices = [str(n.content) for n in screen.chat_log.query(".chat-notice")]
        assert notices == ["The conversation has ended (escalated correctly)."]
        assert not screen.query_one("#reply-row").display
        assert screen.query_one("#debrief").display
        keys = {b.binding.action for b in screen.active_bindings.values()}
        assert "debrief" in keys
        assert not {"end_conversation", "hint"} & keys
        assert calls == []

        await pilot.press("ctrl+d")
        await pilot.click("#debrief")
        assert calls == [(screen.attempt.path, "LATER")] * 2


@pytest.mark.asyncio
async def test_a_dismissive_reply_moves_the_mood_meter_down(
    make_conversation_app: MakeApp, wait_until: WaitUntil
) -> None:
    app = make_conversation_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = conversation(app)
        meter = screen.query_one(MoodMeter)
        assert (meter.mood, meter.band.value) == (3, "angry")
        before = str(meter.render())

        await send(pilot, wait_until, DISMISSIVE)

        turn = screen.attempt.turns[0]
        assert turn.mood_after < 3
        assert meter.mood == turn.mood_after
        assert meter.band.value == "furious"
        assert meter.has_class("-furious") and not meter.has_class("-angry")
        after = str(meter.render())
        assert after != before
        assert f"{turn.mood_after}/10 furious" in after and "▼" in after
        assert screen.chat_log.lines[-1].has_class("-worse")

        meter.mood = turn.mood_after  # a reply that leaves the customer where they were
        assert "▼" not in str(meter.render())


@pytest.mark.asyncio
async def test_practice_mode_ticks_steps_with_quotes_and_hints_the_next_step(
    make_conversation_app: MakeApp, wait_until: WaitUntil
) -> None:
    app = make_conversation_app("practice")
    async with app.run_test(size=SIZE) as pilot:
        screen = conversation(app)
        steps = screen.query_one(StepsPanel)
        assert steps.next_missing() is not None
        assert steps.next_missing().id == "listen"  # type: ignore[union-attr]
        seen = record_notifications(app)

        await send(pilot, wait_until, GOOD_FIRST)

        assert steps.is_met("listen") and steps.is_met("apologise")
        assert not steps.is_met("thank")
        detail = str(steps.query_one("#step-detail").render())
        assert "turn 1" in detail and "“I'm really sorry your order hasn't arrived”" in detail

        steps.steps_list.focus()
        await pilot.press("down")
        detail = str(steps.query_one("#step-detail").render())
        assert detail.startswith("Apologise")

        await pilot.press("f2")
        assert len(seen) == 1
        assert seen[0]["title"] == "Hint: Thank"
        assert (
            "Try something like: “Thank you for letting us know about this.”"
            in (seen[0]["message"])
        )


@pytest.mark.asyncio
async def test_assessment_mode_shows_no_steps_and_the_hint_key_does_nothing(
    make_conversation_app: MakeApp, wait_until: WaitUntil
) -> None:
    app = make_conversation_app("assessment")
    async with app.run_test(size=SIZE) as pilot:
        screen = conversation(app)
        seen = record_notifications(app)
        await send(pilot, wait_until, GOOD_FIRST)
        await pilot.press("f2")
        await pilot.pause()

        assert not screen.query(StepsPanel)
        assert seen == []
        assert "f2" not in screen.active_bindings
        assert screen.sub_title.startswith("Assessment mode")


@pytest.mark.asyncio
async def test_ending_early_asks_first_and_no_keeps_the_conversation_going(
    make_conversation_app: MakeApp, wait_until: WaitUntil
) -> None:
    app = make_conversation_app()
    calls: list[tuple[Path, str | None]] = []
    app.show_debrief = lambda path, framework=None: calls.append((path, framework))  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        screen = conversation(app)
        await send(pilot, wait_until, GOOD_FIRST)

        await pilot.press("ctrl+e")
        assert isinstance(app.screen, ConfirmationModal)
        await pilot.press("n")
        assert app.screen is screen
        assert not screen.attempt.finished
        assert screen.reply_box.has_focus
        assert calls == []

        await pilot.press("ctrl+e")
        assert isinstance(app.screen, ConfirmationModal)
        await pilot.press("y")
        await wait_until(pilot, lambda: bool(calls))

        assert calls == [(screen.attempt.path, "LATER")]
        saved = json.loads(screen.attempt.path.read_text(encoding="utf-8"))
        assert saved["finished"] is not None
        assert len(saved["turns"]) == 1
        assert screen.has_class("-ended")


@pytest.mark.asyncio
async def test_a_100_kb_reply_is_accepted_and_saved_in_full(
    make_conversation_app: MakeApp, wait_until: WaitUntil
) -> None:
    """Saved whole, scored on its first 10,000 characters, and the learner is told so."""
    app = make_conversation_app()
    big = ("I'm sorry about the parcel and I will trace it with the courier today. " * 1500)[
        :100_000
    ]
    async with app.run_test(size=SIZE) as pilot:
        screen = conversation(app)
        seen = record_notifications(app)
        await send(pilot, wait_until, big)

        assert turns_on_disk(screen)[0]["reply"] == big
        assert turns_on_disk(screen)[0]["scored_chars"] <= 10_000
        shown = screen.chat_log.lines[1]
        assert shown.said == big
        assert "more characters, saved in full" in str(shown.render())
        (told,) = [n for n in seen if n.get("title") == "A very long reply"]
        assert told["message"].startswith("The reply is 100,000 characters long; only the first")


@pytest.mark.asyncio
async def test_a_failed_save_keeps_the_reply_and_enter_saves_it_again(
    make_conversation_app: MakeApp, wait_until: WaitUntil, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_conversation_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = conversation(app)
        seen = record_notifications(app)
        real_write = transcript.write_atomic

        def full_disk(path: Path, content: bytes) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(transcript, "write_atomic", full_disk)
        screen.reply_box.text = GOOD_FIRST
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(seen))

        assert seen[0]["severity"] == "error"
        assert "No space left on device" in seen[0]["message"]
        assert screen.reply_box.text == GOOD_FIRST
        assert not screen.reply_box.read_only
        assert len(screen.chat_log.lines) == 1
        assert turns_on_disk(screen) == []

        monkeypatch.setattr(transcript, "write_atomic", real_write)
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(screen.chat_log.lines) == 3)
        assert [t["reply"] for t in turns_on_disk(screen)] == [GOOD_FIRST]
        assert len(screen.attempt.turns) == 1
        assert screen.reply_box.text == ""


@pytest.mark.asyncio
async def test_resuming_shows_the_earlier_turns(
    make_conversation_app: MakeApp,
    late_parcel: LoadedScenario,
    attempts_folder: Path,
) -> None:
    earlier = Attempt.start(late_parcel, "Test", folder=attempts_folder)
    earlier.step(GOOD_FIRST)
    earlier.close()
    app = make_conversation_app()
    async with app.run_test(size=SIZE) as pilot:
        app.resume_attempt(earlier.path)
        await pilot.pause()
        screen = conversation(app)
        assert screen.attempt.path == earlier.path
        lines = [(line.speaker, line.said) for line in screen.chat_log.lines]
        assert lines == [
            ("customer", earlier.turns[0].customer),
            ("learner", GOOD_FIRST),
            ("customer", earlier.turns[0].response),
        ]
        assert screen.query_one(MoodMeter).mood == earlier.turns[0].mood_after
        assert screen.query_one(StepsPanel).is_met("apologise")


@pytest.mark.asyncio
async def test_an_attempt_open_in_another_window_is_not_resumed_here(
    make_conversation_app: MakeApp,
    late_parcel: LoadedScenario,
    attempts_folder: Path,
) -> None:
    """The second window says the attempt is open elsewhere, and the first loses nothing."""
    elsewhere = Attempt.start(late_parcel, "Test", folder=attempts_folder)
    elsewhere.step(GOOD_FIRST)
    app = make_conversation_app()
    async with app.run_test(size=SIZE) as pilot:
        first_screen = app.screen
        seen = record_notifications(app)
        app.resume_attempt(elsewhere.path)
        await pilot.pause()

        assert app.screen is first_screen
        assert any("open in another window" in n["message"] for n in seen)
    elsewhere.step(GOOD_SECOND)
    assert [t.reply for t in transcript.load_transcript(elsewhere.path).turns] == [
        GOOD_FIRST,
        GOOD_SECOND,
    ]
    elsewhere.close()


@pytest.mark.asyncio
async def test_help_lists_the_keys_of_the_conversation(make_conversation_app: MakeApp) -> None:
    app = make_conversation_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = conversation(app)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        keys = [str(label.render()) for label in app.screen.query("#help-keys Label")]
        assert {"Send your reply", "^j / shift+⏎"} <= set(keys)
        assert any("End the conversation" in k for k in keys)
        await pilot.press("escape")
        assert app.screen is screen


# --------------------------------------------------------------------------- snapshots


def _after_one_reply(reply: str = GOOD_FIRST) -> Callable[[Pilot[object]], Awaitable[None]]:
    """Send one reply and wait for the answer, with the cursor steady for a stable picture."""

    async def run_before(pilot: Pilot[object]) -> None:
        screen = conversation(pilot.app)  # type: ignore[arg-type]
        screen.reply_box.cursor_blink = False
        screen.reply_box.text = reply
        await pilot.press("enter")
        for _ in range(500):
            if screen.attempt.turns and not screen.sending:
                break
            await pilot.pause(0.01)
        await pilot.pause()

    return run_before


def test_snapshot_practice_after_one_reply(
    make_conversation_app: MakeApp, snap_compare: Any
) -> None:
    app = make_conversation_app("practice")
    assert snap_compare(app, terminal_size=SIZE, run_before=_after_one_reply())


def test_snapshot_assessment_after_one_reply(
    make_conversation_app: MakeApp, snap_compare: Any
) -> None:
    app = make_conversation_app("assessment")
    assert snap_compare(app, terminal_size=SIZE, run_before=_after_one_reply())


def test_snapshot_end_confirmation(make_conversation_app: MakeApp, snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[object]) -> None:
        conversation(pilot.app).reply_box.cursor_blink = False  # type: ignore[arg-type]
        await pilot.press("ctrl+e")
        await pilot.pause()

    app = make_conversation_app()
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_help(make_conversation_app: MakeApp, snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[object]) -> None:
        conversation(pilot.app).reply_box.cursor_blink = False  # type: ignore[arg-type]
        await pilot.press("f1")
        await pilot.pause()

    app = make_conversation_app()
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@pytest.mark.asyncio
async def test_what_is_typed_while_the_customer_answers_is_kept_for_the_next_reply(
    make_conversation_app: MakeApp, wait_until: WaitUntil, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    app = make_conversation_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = conversation(app)
        answer_now = threading.Event()
        real_step = screen.attempt.step

        def slow_step(reply: str) -> Any:
            answer_now.wait(5)
            return real_step(reply)

        monkeypatch.setattr(screen.attempt, "step", slow_step)
        screen.reply_box.text = GOOD_FIRST
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.sending)
        await pilot.press(*"And the refund")
        answer_now.set()
        await wait_until(pilot, lambda: not screen.sending and len(screen.attempt.turns) == 1)
        assert screen.attempt.turns[0].reply == GOOD_FIRST
        assert screen.reply_box.text == "And the refund"


@pytest.mark.asyncio
async def test_a_one_word_line_still_shows_who_said_it_and_the_mood_change_in_full() -> None:
    from textual.app import App, ComposeResult

    from roleplay.tui.widgets.chat_log import ChatLog

    class LogOnly(App[None]):
        def compose(self) -> ComposeResult:
            yield ChatLog("Mrs Priya Shah")

    app = LogOnly()
    async with app.run_test(size=SIZE) as pilot:
        log = app.query_one(ChatLog)
        log.say_learner("Ok.")
        log.say_customer("Thanks.", change=1)
        await pilot.pause()
        # the frame's corners and a space either side of each title, at least
        for line in log.lines:
            for title in (line.border_title, line.border_subtitle):
                if title:
                    assert line.outer_size.width >= len(str(title)) + 4, (title, line.outer_size)


@pytest.mark.asyncio
async def test_what_is_typed_before_the_reply_box_takes_keys_is_put_in_it(
    make_conversation_app: MakeApp, wait_until: WaitUntil
) -> None:
    """In the first second of ``roleplay play`` nothing takes keys yet; a learner who
    starts typing at once keeps their words."""
    app = make_conversation_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = conversation(app)
        app.set_focus(None)
        await pilot.press(*"Hi Mrs")
        await wait_until(pilot, lambda: screen.reply_box.text == "Hi Mrs")


@pytest.mark.asyncio
async def test_keys_typed_as_the_app_closes_do_not_end_in_a_traceback(
    make_conversation_app: MakeApp,
) -> None:
    """A learner who types and quits at once: the early keys' hand-over can come after the
    last screen has gone, and must then do nothing rather than crash the closing app."""
    app = make_conversation_app()
    async with app.run_test(size=SIZE) as pilot:
        app.set_focus(None)
        await pilot.press(*"Hi")
    assert not app.screen_stack
    app._hand_over_typed_early()
