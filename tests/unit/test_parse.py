"""The parse layer: spaCy over the normaliser's words, actors, scope, and the parse rules.

The pipeline is loaded once per test session (``parse.pipeline`` is cached per process).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from roleplay.core.analyse import analyse, fired_rules
from roleplay.core.lexicon import bundled_lexicon_dir, compile_lexicon, load_lexicon
from roleplay.core.normalise import normalise
from roleplay.core.parse import (
    MAX_CHUNK_WORDS,
    MODEL_NAME,
    Parsed,
    actor,
    is_question,
    model_tag,
    parse,
    voice_problem,
    words_of,
)
from roleplay.core.validate import validate_paths


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROLEPLAY_CACHE_DIR", str(tmp_path / "cache"))


def _parsed(reply: str) -> Parsed:
    lex = load_lexicon()
    return parse(reply, normalise(lex.normaliser, reply), lex.parse.roles)


def _token(parsed: Parsed, text: str):  # type: ignore[no-untyped-def]
    return next(t for doc in parsed.docs for t in doc if t.text.lower() == text)


# --- the analysis under the rules -------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "subject"),
    [
        ("She’ll ring you back this afternoon.", "She"),
        ("He'll call you back tomorrow morning.", "He"),
    ],
)
def test_a_clitic_the_table_does_not_expand_is_split_for_the_parser(
    reply: str, subject: str
) -> None:
    parsed = _parsed(reply)
    words = [t.text for t in parsed.docs[0]]
    assert words[:2] == [subject, "'ll"]
    assert _token(parsed, subject.lower()).dep_ == "nsubj"
    analysis = analyse(reply)
    assert "follow_up" in analysis.moves
    quoted = next(e for e in analysis.evidence if e.move == "follow_up")
    assert reply[quoted.start : quoted.end].startswith(reply.split()[0])


@pytest.mark.parametrize(
    ("reply", "move", "counts"),
    [
        ("If I were you, I'd take it to the Rail Ombudsman.", "escalate", True),
        ("If I were in your shoes I would ask our complaints team to review it.", "escalate", True),
        ("If I were able to refund you, I would.", "resolve", False),
    ],
)
def test_advice_put_as_if_i_were_you_is_said_not_imagined(
    reply: str, move: str, counts: bool
) -> None:
    assert analyse(reply).has(move) is counts


def test_a_possessive_is_not_read_as_a_verb() -> None:
    parsed = _parsed("The courier's van broke down on the way.")
    assert [t.text for t in parsed.docs[0]][:3] == ["The", "courier", "'s"]
    assert _token(parsed, "'s").dep_ == "case"


def test_text_speak_is_normalised_before_parsing_and_quotes_the_learners_characters() -> None:
    reply = "im realy sory, ill rebook u for thursday"
    parsed = _parsed(reply)
    words = [t.text for t in parsed.docs[0]]
    assert words[:4] == ["I", "am", "really", "sorry"]
    will = _token(parsed, "will")
    assert will.pos_ == "AUX"  # raw "ill" would be an adjective
    assert actor(_token(parsed, "rebook")) == "agent"
    analysis = analyse(reply)
    assert analysis.has("resolve")
    for e in analysis.evidence:
        assert e.quote == reply[e.start : e.end]
    assert "ill rebook u" in analysis.first_evidence("resolve").quote  # type: ignore[union-attr]


def test_an_expanded_word_maps_every_part_to_its_span() -> None:
    reply = "Im sorry"
    lex = load_lexicon()
    norm = normalise(lex.normaliser, reply)
    words = words_of(reply, norm)
    assert [(w, k) for w, _space, k in words] == [("I", 0), ("am", 0), ("sorry", 1)]
    assert reply[norm.tokens[0].start : norm.tokens[0].end] == "Im"


@pytest.mark.parametrize(
    ("reply", "verb"),
    [("Will look into it.", "look"), ("Looking into this now.", "looking")],
)
def test_a_fragment_with_no_subject_is_the_speakers(reply: str, verb: str) -> None:
    assert actor(_token(_parsed(reply), verb)) == "agent"
    assert analyse(reply).has("investigate")


def test_an_imperative_is_the_customers() -> None:
    assert actor(_token(_parsed("Check your spam folder."), "check")) == "customer"
    assert not analyse("Check your spam folder.").has("investigate")


def test_coordinated_verbs_share_their_subject() -> None:
    reply = "I'll check the tracking and ring you back"
    assert actor(_token(_parsed(reply), "ring")) == "agent"
    analysis = analyse(reply)
    assert analysis.has("follow_up")
    assert analysis.has("investigate")


def test_get_someone_to_act_makes_them_the_actor() -> None:
    reply = "I'll get the engineer to call you"
    assert actor(_token(_parsed(reply), "call")) == "staff"
    assert analyse(reply).has("follow_up")


def test_a_relative_clause_acts_for_the_noun_it_describes() -> None:
    reply = "my supervisor, who'll be in touch today, has your notes"
    assert "follow_up.agent-in-touch" in fired_rules(reply)


@pytest.mark.parametrize(
    "reply",
    ["A replacement has been ordered.", "We've frozen the charge.", "I can get that moved"],
)
def test_a_remedy_in_any_tense_voice_or_aspect_is_resolve(reply: str) -> None:
    assert analyse(reply).has("resolve")


def test_a_text_longer_than_one_chunk_is_parsed_in_pieces_with_true_offsets() -> None:
    sentence = "I will rebook the engineer for you today. "
    reply = sentence * (MAX_CHUNK_WORDS // 8 + 10)
    parsed = _parsed(reply)
    assert len(parsed.docs) >= 2
    assert all(len(doc) <= MAX_CHUNK_WORDS for doc in parsed.docs)
    last_doc, owners = parsed.docs[-1], parsed.owners[-1]
    tok = parsed.norm.tokens[owners[-2]]
    assert reply[tok.start : tok.end] == "today" == last_doc[-2].text


def test_a_long_run_of_long_words_is_cut_below_the_character_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No sentence end and few words: each piece still stays under the character bound,
    far below what spaCy accepts as one text, and every word keeps its own characters."""
    import roleplay.core.parse as parse_module

    monkeypatch.setattr(parse_module, "MAX_CHUNK_CHARS", 2_000)
    word = "thankyouverymuchforwaitingwithus"
    reply = " ".join(f"{word}{i}" for i in range(300))  # about 10,000 characters
    parsed = _parsed(reply)
    nlp = parse_module.pipeline()
    assert len(parsed.docs) >= 5
    for doc, owners in zip(parsed.docs, parsed.owners, strict=True):
        assert len(doc.text) <= 2_000 < nlp.max_length
        for tok, owner in zip(doc, owners, strict=True):
            span = parsed.norm.tokens[owner]
            assert reply[span.start : span.end] == tok.text
    assert sum(len(doc) for doc in parsed.docs) == 300


# --- scope ------------------------------------------------------------------------------


def _voice(reply: str, word: str) -> str:
    lex = load_lexicon()
    return voice_problem(_token(_parsed(reply), word), lex.parse.roles)


def test_a_negation_cancels_only_its_own_clause() -> None:
    assert _voice("I won't apologise for our policy.", "apologise") == "negated"
    reply = "I won't apologise for our policy, but I'm sorry it went wrong."
    assert _voice(reply, "sorry") == ""
    assert _voice("Oh no, sorry about that!", "sorry") == ""


def test_a_condition_makes_only_its_own_clause_hypothetical() -> None:
    offer = "if you send the photo I'll raise the claim today"
    assert _voice(offer, "raise") == ""
    assert analyse(offer).has("resolve")
    assert _voice("If I were to refund you, it would set a precedent.", "refund") == (
        "hypothetical"
    )


@pytest.mark.parametrize(
    "reply",
    [
        "I can book the crew for tomorrow first thing - would that be alright?",
        "We'll swap the pads free of charge this afternoon, is that ok?",
        "Ive put the £30 on ur account, does that help?",
    ],
)
def test_a_remedy_said_and_then_put_to_them_is_still_said(reply: str) -> None:
    assert analyse(reply).has("resolve")


@pytest.mark.parametrize(
    "reply",
    [
        "Can I book the crew for tomorrow, or would you rather wait?",
        "And does it come back on its own once it dries up, or do you have to reset it?",
    ],
)
def test_a_question_with_a_comma_in_it_is_still_a_question(reply: str) -> None:
    (doc,) = _parsed(reply).docs
    assert all(is_question(tok) for tok in doc)


def test_reported_words_are_not_the_agents() -> None:
    assert _voice("You said sorry last time.", "sorry") == "reported"
    assert _voice("I said I would call you back.", "call") == ""


def test_set_aside_parse_matches_say_why() -> None:
    analysis = analyse("I won't refund that.")
    assert not analysis.has("resolve")
    assert [(e.rule, e.note) for e in analysis.suppressed] == [
        ("resolve.agent-remedy-verb", "negated")
    ]
    quoted = analyse('The note says "we will refund you" but that is all.')
    assert [e.note for e in quoted.suppressed if e.move == "resolve"] == ["quoted"]


# --- engines and versions ---------------------------------------------------------------


def test_a_match_says_which_lemmas_and_relations_it_read() -> None:
    """``--explain`` shows what a rule matched: lemma, part of speech, relation, actor."""
    analysis = analyse("Under our 30-day returns policy, Im rebooking u onto thursday.")
    assert analysis.has("policy_reference") and analysis.has("resolve")
    remedy = next(e for e in analysis.evidence if e.rule.startswith("resolve.agent-remedy"))
    assert "VERB" in remedy.detail and "(agent)" in remedy.detail


def test_the_rule_set_version_names_the_model() -> None:
    assert f"+{MODEL_NAME}-3.8.0+spacy-3.8." in load_lexicon().version


def test_importing_the_scorer_does_not_load_spacy() -> None:
    code = (
        "import sys, roleplay.core.analyse, roleplay.core.lexicon, roleplay.core.parse;"
        "print('spacy' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


# --- the rule files ---------------------------------------------------------------------


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    """A copy of the bundled rule files that a test may edit."""
    folder = tmp_path / "lexicon"
    shutil.copytree(bundled_lexicon_dir(), folder)
    return folder


def _write_rule(rules: Path, body: str) -> Path:
    path = rules / "extra.yaml"
    path.write_text("move: resolve\ndescription: test rules\nrules:\n" + body, encoding="utf-8")
    return path


def test_bad_yaml_in_a_parse_file_is_a_positioned_problem(rules: Path) -> None:
    path = rules / "extra.yaml"
    path.write_text("move: resolve\nrules: [\n", encoding="utf-8")
    lexicon, problems = compile_lexicon(rules)
    assert lexicon is None
    assert problems and problems[0].file == str(path) and problems[0].line >= 2


def test_an_unknown_word_class_is_reported_where_it_is_named(rules: Path) -> None:
    path = _write_rule(
        rules,
        "  - id: resolve.extra\n"
        "    summary: a test\n"
        "    patterns:\n"
        '      - [{LEMMA: "$remedy_verbz"}]\n'
        "    examples: {match: [x]}\n",
    )
    lexicon, problems = compile_lexicon(rules)
    assert lexicon is None
    [problem] = problems
    assert (problem.file, problem.line, problem.code) == (str(path), 7, "unknown-class")
    assert "remedy_verbz" in problem.message


REFUSED_RULE = (
    "  - id: resolve.extra\n"
    "    summary: a test\n"
    "    patterns:\n"
    "      - [{LEMMA: {BOGUS: 1}}]\n"
    "    examples: {match: [x]}\n"
)
"""A rule whose pattern spaCy refuses (``BOGUS`` is no operator), on line 7 of its file."""


def test_a_pattern_spacy_refuses_is_reported_at_the_pattern(rules: Path) -> None:
    _write_rule(rules, REFUSED_RULE)
    lexicon, problems = compile_lexicon(rules)
    assert lexicon is None
    [problem] = problems
    assert (problem.line, problem.code) == (7, "bad-pattern")


def test_a_pattern_with_too_many_optional_tokens_is_refused_at_its_line(rules: Path) -> None:
    _write_rule(
        rules,
        "  - id: resolve.extra\n"
        "    summary: a test\n"
        "    patterns:\n"
        '      - [{LEMMA: refund}, {IS_PUNCT: false, OP: "{0,16}"}, {LOWER: today}]\n'
        '      - [{LEMMA: refund}, {IS_PUNCT: false, OP: "*"}, {LOWER: today}]\n'
        "    examples: {match: [I will refund it today.]}\n",
    )
    lexicon, problems = compile_lexicon(rules)
    assert lexicon is None
    [problem] = problems
    assert (problem.line, problem.code) == (7, "bad-pattern")
    assert "16 of its tokens are optional" in problem.message and "'*'" in problem.message


def test_patterns_remembered_as_accepted_never_hide_a_refused_one(
    rules: Path, tmp_path: Path
) -> None:
    # The first load remembers every bundled pattern spaCy accepts, in the cache folder.
    assert compile_lexicon(rules)[0] is not None
    [remembered] = (tmp_path / "cache").glob("patterns-accepted-*.json")
    assert len(json.loads(remembered.read_text(encoding="utf-8"))) > 500
    _write_rule(rules, REFUSED_RULE)
    lexicon, problems = compile_lexicon(rules)
    assert lexicon is None
    assert [(p.line, p.code) for p in problems] == [(7, "bad-pattern")]


def test_a_damaged_record_of_accepted_patterns_costs_only_time(rules: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    tag = "".join(c if c.isalnum() or c in "._-" else "_" for c in model_tag())
    (folder / f"patterns-accepted-{tag}.json").write_bytes(b"\xff{not json")
    lexicon, problems = compile_lexicon(rules)
    assert problems == [] and lexicon is not None
    assert analyse("I will refund you today.", lexicon=lexicon).has("resolve")


def test_validate_reports_a_parse_rules_failing_example_at_its_line(rules: Path) -> None:
    path = _write_rule(
        rules,
        "  - id: resolve.extra\n"
        "    summary: a test\n"
        "    patterns:\n"
        '      - [{LEMMA: "$remedy_verbs", ACTOR: agent}]\n'
        "    examples:\n"
        "      match:\n"
        "        - I will refund you today.\n"
        "        - The weather is lovely.\n",
    )
    problems, _checked = validate_paths([path])
    found = [(p.file, p.line, p.code) for p in problems]
    assert found == [(str(path), 11, "example-missed")]


def test_the_object_of_a_joined_causative_acts_not_its_subject() -> None:
    reply = "I won't refund it but ill get the engineer to ring u back tmrw"
    assert actor(_token(_parsed(reply), "ring")) == "staff"


@pytest.mark.parametrize(
    "reply",
    ["sorry \ud800 I will refund you", "\udcff", "I will refund\x00 you", "   ", "", "\u200b"],
)
def test_bad_input_never_breaks_the_parse_engine(reply: str) -> None:
    analysis = analyse(reply)
    assert all(e.quote == reply[e.start : e.end] for e in analysis.evidence)
    assert analysis.has("resolve") == ("refund" in reply)


def test_an_unquoted_yes_no_word_is_reported_at_the_word(rules: Path) -> None:
    path = _write_rule(
        rules,
        "  - id: resolve.extra\n"
        "    summary: a test\n"
        "    patterns:\n"
        "      - [{LEMMA: knock}, {LOWER: {IN: [back, off]}}]\n"
        "    examples: {match: [x]}\n",
    )
    lexicon, problems = compile_lexicon(rules)
    assert lexicon is None
    [problem] = problems
    assert (problem.file, problem.line, problem.col) == (str(path), 7, 46)  # at "off"
    assert problem.code == "yes-no-word" and "quotes" in problem.message


def test_generic_willingness_is_not_a_remedy() -> None:
    assert not analyse("We may be able to help resolve your issue.").has("resolve")
    assert analyse("I'll reimburse the taxi fare today.").has("resolve")


CLASSES_CANCELLED = "My spin classes have been cancelled three weeks running."


def test_a_restatement_in_the_customers_words_is_acknowledge() -> None:
    """The customer's own words, restated, acknowledge the problem; with no customer message
    the same reply is not credited, and its evidence says why."""
    reply = "Really sorry about your spin classes this month."
    with_customer = analyse(reply, CLASSES_CANCELLED)
    assert with_customer.has("acknowledge")
    alone = analyse(reply)
    assert not alone.has("acknowledge")
    notes = {e.note for e in alone.suppressed if e.move == "acknowledge"}
    assert "no customer message to echo" in notes


def test_a_misspelt_echo_of_the_customers_words_still_counts() -> None:
    reply = "Really sorry to hear your yoga clases were cancelled at short notice."
    assert analyse(reply, "My yoga classes have been cancelled at short notice.").has("acknowledge")


def test_words_the_customer_did_not_use_do_not_echo() -> None:
    analysis = analyse("Really sorry about your yoga sessions this month.", CLASSES_CANCELLED)
    assert not analysis.has("acknowledge")
    notes = {e.note for e in analysis.suppressed if e.move == "acknowledge"}
    assert "does not echo the customer's message" in notes


def test_a_question_about_what_the_customer_raised_is_listen_without_a_question_word() -> None:
    customer = "My broadband keeps dropping out in the evenings."
    assert analyse("so ur broadband keeps dropping out every evening?", customer).has("listen")
    assert not analyse("And the weather has been lovely?", customer).has("listen")


def test_a_reply_that_ignores_the_complaint_is_dismiss_only_when_there_is_one() -> None:
    reply = "Have you seen our new savings account?"
    customer = "My card was declined twice at the till."
    assert analyse(reply, customer).has("dismiss")
    assert not analyse(reply).has("dismiss")
    engaged = "Have you seen our new savings account? I'm sorry your card was declined twice."
    assert not analyse(engaged, customer).has("dismiss")


@pytest.mark.parametrize(
    ("reply", "question"),
    [
        ("When did you first notice the fault.", True),
        ("Does the lock screen issue remain if you restart", True),
        ("What colour are the lights on the router? ^JAY", True),
        ("When our restaurant closes tonight.", False),
        ("What a relaxing view, Susan!", False),
    ],
)
def test_a_question_is_told_by_its_word_order_when_it_has_no_question_mark(
    reply: str, question: bool
) -> None:
    assert analyse(reply, "My router keeps dropping the connection.").has("listen") is question


@pytest.mark.parametrize(
    ("reply", "is_explained"),
    [
        ("When the battery is dead, the beeping stops.", True),
        ("Where a parcel is signed for, the tracking updates overnight.", True),
        ("When will the tracking update?", False),
        ("When you get a chance, could you send us the order number?", False),
    ],
)
def test_a_wh_word_opening_a_subordinate_clause_asks_nothing(
    reply: str, is_explained: bool
) -> None:
    assert analyse(reply).has("explain") is is_explained


@pytest.mark.parametrize(
    ("reply", "move"),
    [
        ("Would you like me to ask our workshop manager to call you about a refund?", "escalate"),
        ("Do you want us to send a replacement out today?", "resolve"),
    ],
)
def test_the_one_wished_to_act_is_the_one_who_acts(reply: str, move: str) -> None:
    assert move in analyse(reply).ids


def test_a_thing_needed_to_act_does_not_take_the_act_from_the_speaker() -> None:
    assert "ownership" in analyse("I will need more details to work on getting it unlocked.").ids


@pytest.mark.parametrize(
    "reply",
    [
        "Would it help if I put you through to our specialist support team?",
        "Would it help if I booked the engineer for Thursday?",
    ],
)
def test_an_if_clause_that_is_the_thing_offered_is_an_offer_not_a_condition(reply: str) -> None:
    assert set(analyse(reply).ids) & {"escalate", "resolve"}


def test_an_if_clause_that_sets_a_condition_stays_hypothetical() -> None:
    assert "resolve" not in analyse("Let us know if we can refund anything else.").ids


def test_a_limit_the_speaker_states_is_not_the_act_it_would_take() -> None:
    assert "escalate" not in analyse("For more than that I'd need to ask my team leader.").ids
    assert "escalate" in analyse("I'll ask my team leader to approve the rest today.").ids
    # what the customer would need to do is still said to them
    assert "escalate" in analyse("You would need to take it to the baggage office.").ids


@pytest.mark.parametrize(
    "reply",
    [
        "I'll see what the team says and get back to you.",
        "We'll find out what the depot can do and phone you tomorrow.",
        "I'll ask the kitchen what they put in it and come straight back to you.",
    ],
)
def test_a_promise_after_a_question_inside_the_sentence_is_the_speakers(reply: str) -> None:
    # "what the team says" has its own subject; the verb joined after it is the learner's
    assert "follow_up" in analyse(reply).ids


def test_a_promise_after_if_or_whether_stays_part_of_what_is_in_doubt() -> None:
    assert "resolve" not in analyse("I'll check if they can do it and refund you.").ids


def test_a_sorry_hung_loosely_on_the_next_clause_is_not_negated_by_it() -> None:
    # the parser hangs "omg sry bout that" on the clause after the comma as a modifier
    reply = "omg sry bout that rebecca, nobody calling u back is well bad"
    assert "apologise" in analyse(reply).ids
    assert "apologise" not in analyse("Nobody is sorry about that.").ids


@pytest.mark.parametrize(
    "reply",
    [
        "Honestly, if I were you I'd stop paying the card until he's home.",
        "I would cancel the direct debit if I was you.",
    ],
)
def test_what_the_speaker_would_do_in_the_customer_s_place_is_not_their_own_act(
    reply: str,
) -> None:

    assert "resolve" not in analyse(reply).ids
    assert "resolve" in analyse("I'll cancel the direct debit for you today.").ids
