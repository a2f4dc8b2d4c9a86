"""When safety is at stake, who was brought in and when: judged as a strict examiner does."""

from __future__ import annotations

from roleplay.core.dialogue import play
from roleplay.core.escalation import Escalation, judge_escalation
from roleplay.core.library import ScenarioLibrary
from roleplay.core.scenario import Scenario


def bundled(name: str) -> Scenario:
    """One of the bundled scenarios."""
    found = ScenarioLibrary.load().get(name)
    assert found is not None
    return found.scenario


def garage() -> Scenario:
    return bundled("garage-repair")


MANAGER_TOLD_NEXT = (
    "Nobody pays. It's our work, so it's on us. I'm really sorry. Our truck collects it from "
    "your drive this afternoon at no cost, and I'm letting Dave, our workshop manager, know "
    "now so he inspects it first."
)


def test_the_manager_told_in_the_reply_after_making_the_customer_safe_is_in_time() -> None:
    """Told not to drive it first, then the workshop manager told in the next reply of the
    same call: the danger was dealt with at once, and the hand-up is still at once."""
    session = play(
        garage(),
        [
            "Right, Mr Mehta, first thing: please don't drive it, not even slowly. Where's "
            "the car now, and is everyone OK?",
            MANAGER_TOLD_NEXT,
        ],
    )
    assert judge_escalation(session) is Escalation.NEEDED_DONE


def test_the_same_hand_up_after_a_reply_that_left_the_danger_open_is_too_late() -> None:
    session = play(
        garage(),
        [
            "Oh dear, I'm sorry to hear that. Can you tell me when you had the car in?",
            MANAGER_TOLD_NEXT,
        ],
    )
    assert judge_escalation(session) is Escalation.NEEDED_MISSED


def test_asking_where_the_danger_stands_first_still_leaves_the_next_reply_in_time() -> None:
    """Finding out where the unsafe car is before acting is not putting the danger off: the
    workshop manager told in the very next reply is at once (a strict examiner's call)."""
    session = play(
        garage(),
        [
            "Oh no, Mr Mehta, with the kids in the car as well, that's really worrying. I'm "
            "sorry. Where is the car now?",
            "Right, leave it exactly where it is, please don't drive it. I'll have our "
            "recovery truck pick it up today and I'll let Dave, the workshop manager, know "
            "straight away so he looks at it first thing.",
        ],
    )
    assert judge_escalation(session) is Escalation.NEEDED_DONE


def test_a_promise_beyond_authority_is_not_put_right_by_pointing_to_the_ombudsman() -> None:
    """Wiping £486 on one's own and then naming the Energy Ombudsman: nobody who may approve
    the write-off was asked, so escalation was needed and missed, and the attempt ends
    settled on promises beyond the learner's authority."""
    from roleplay.core.ending import Ending, judge_ending

    session = play(
        bundled("catch-up-bill"),
        [
            "Mr Hughes, I'm so sorry. Don't worry about a thing: I'm wiping the whole £486 off "
            "your account right now, and I'll put £200 compensation on for the missed calls.",
            "A fault in our app stopped them reaching your account, but the £486 is completely "
            "cancelled. You won't pay a penny.",
            "Yes, I'm completely sure, I have the authority.",
            "That's your right, your complaint is over eight weeks old so you can go to the "
            "Energy Ombudsman now. But the £200 is for exactly that, the call-backs.",
        ],
    )
    verdict = judge_escalation(session)
    assert verdict is Escalation.NEEDED_MISSED
    breaches = [f.kind for turn in session.turns for f in turn.facts.findings]
    assert judge_ending("escalated_correctly", verdict, breaches) is Ending.RESOLVED_ON_PROMISES
