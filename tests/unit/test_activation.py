"""Activation: nothing is sent unless the wearer asked (edge/activation.py)."""

import pytest

from core.frames import AudioChunk, Stamp
from edge.activation import Activation, Decision, Reason
from edge.asr import WakeHeard
from edge.config import ActivationConfig

QUESTION = "what is this made of?"


def decide(text: str, activation: Activation | None = None, at: float = 10.0) -> Decision:
    return (activation or Activation()).decide(text, at, at + 2.0)


def decide_heard(
    text: str, log_prob: float, activation: Activation | None = None, at: float = 10.0
) -> Decision:
    """As the runtime decides: with Whisper's second opinion where it is wanted."""
    activation = activation or Activation()
    first = activation.decide(text, at, at + 2.0)
    if not activation.wants_second_opinion(first):
        return first
    return activation.decide(text, at, at + 2.0, opinion(log_prob, "what Whisper decoded"))


@pytest.mark.parametrize(
    "heard",
    [
        "Hey glasses, what is this made of?",
        "hey glasses what is this made of?",
        "HEY GLASSES! What is this made of?",
        "Hey, glasses. What is this made of?",
        "Hey glass, what is this made of?",
        "Hay glasses, what is this made of?",
        "He glasses, what is this made of?",
        "Hey classes, what is this made of?",
        "Hey glass is what is this made of?",
        "Heyglasses, what is this made of?",
        "Hey-glasses, what is this made of?",
        "Um, hey glasses, what is this made of?",
        "Oh, okay, hey glasses, what is this made of?",
        "Hey glasses what is this made of",
    ],
)
def test_asr_variants_of_the_wake_phrase_send_the_question_without_it(heard):
    decision = decide_heard(heard, -2.0)  # the audio says it
    assert decision.send and decision.reason is Reason.WAKE_PHRASE
    assert decision.question.lower().rstrip("?") == QUESTION.rstrip("?")  # as transcribed


@pytest.mark.parametrize(
    "heard",
    ["Hey glass, open your books.", "Hay glasses, what is this?", "Hey glass is on the table."],
)
def test_a_variant_is_sent_only_once_the_second_opinion_confirms_it(heard):
    # Whisper writes "Hey, glass" for a teacher's "Hey, class" too: only the audio can tell
    activation = Activation()
    first = activation.decide(heard, 10.0, 12.0)
    assert not first.send and first.reason is Reason.UNCONFIRMED
    assert activation.wants_second_opinion(first)
    unlikely = decide_heard(heard, -9.0, activation)
    assert not unlikely.send and unlikely.reason is Reason.NOT_ACTIVATED
    assert decide_heard(heard, -3.0, activation).send


def test_the_wake_phrase_as_written_needs_no_second_opinion():
    activation = Activation()
    for heard in ("Hey glasses, what?", "Um, hey, glasses! What?", "Heyglasses, what?"):
        decision = activation.decide(heard, 10.0, 12.0)
        assert decision.send and not activation.wants_second_opinion(decision)


@pytest.mark.parametrize(
    "heard",
    [
        "I lost my glasses yesterday.",
        "His glasses are on the table.",
        "He's glassing my rubber table.",
        "My glasses need cleaning, hey.",
        "Hey guys, what's up?",
        "Hey class, open your books.",
        "Hi glasses, what is this?",  # not our phrase: 'hi' is a different word
        "A glass of water, please.",
        "Here glasses are cheaper.",
        "Where are my glasses? Hey glasses, what is this?",  # not at the start
        "So then I said, hey glasses, what is this?",  # more than two fillers before it
        "Thank you.",
        "Glasses off, please, for the photo.",  # the name alone is not the phrase
        "Okay, glasses are on display.",
        "Glassy water this morning.",
        "Hey you, glasses are not allowed in the pool.",
        "Hey you glasses are not allowed in the pool.",  # a word before the name is no split
    ],
)
def test_ordinary_speech_is_not_sent(heard):
    decision = decide(heard)
    assert not decision.send and decision.reason is Reason.NOT_ACTIVATED
    assert decision.question == ""


@pytest.mark.parametrize("heard", ["", "   ", "...", " - ! "])
def test_no_words_is_empty_and_not_sent(heard):
    assert decide(heard) == Decision(False, Reason.EMPTY)


def test_the_decision_never_prints_the_text():
    decision = decide("Hey glasses, is this card number 4111 1111 1111 1111 mine?")
    assert decision.send
    for shown in (str(decision), repr(decision), f"{decision}"):
        assert "4111" not in shown and "card" not in shown


def test_a_configured_wake_phrase_replaces_the_default():
    activation = Activation(ActivationConfig(wake_phrase="Hello Jarvis"))
    assert (
        decide_heard("Hello, Jervis. What is this?", -2.0, activation).question == "What is this?"
    )
    assert not decide("Hey glasses, what is this?", activation).send


def test_tolerance_zero_takes_only_the_phrase_itself():
    activation = Activation(ActivationConfig(tolerance=0))
    assert decide("Hey, glasses! what is this?", activation).send
    assert not decide("Hey glass, what is this?", activation).send


def test_with_the_wake_phrase_off_only_push_to_talk_activates():
    activation = Activation(ActivationConfig(wake=False))
    assert decide("Hey glasses, what is this?", activation).reason is Reason.NOT_ACTIVATED
    activation.press(9.0)
    decision = decide("Hey glasses, what is this?", activation)
    assert decision.reason is Reason.PUSH_TO_TALK
    assert decision.question == "Hey glasses, what is this?"  # not ours to strip when off


# -- the wake phrase said alone ---------------------------------------------------


def test_the_wake_phrase_alone_sends_nothing_and_the_next_utterance_is_the_question():
    activation = Activation(ActivationConfig(question_window_s=5.0))
    assert activation.decide("Hey glasses.", 10.0, 11.0) == Decision(False, Reason.WAKE_ONLY)
    assert activation.decide("", 11.5, 12.0).reason is Reason.EMPTY  # a cough does not use it
    asked = activation.decide("What is this made of?", 13.0, 15.0)
    assert asked == Decision(True, Reason.WAKE_PHRASE, "What is this made of?")
    # one question per wake phrase
    assert activation.decide("And the legs?", 16.0, 17.0).reason is Reason.NOT_ACTIVATED


def test_the_question_after_a_bare_wake_phrase_must_come_within_the_window():
    activation = Activation(ActivationConfig(question_window_s=5.0))
    activation.decide("Hey glasses.", 10.0, 11.0)
    assert activation.decide("What is this made of?", 16.5, 18.0).reason is Reason.NOT_ACTIVATED


# -- push-to-talk -------------------------------------------------------------------


def test_speech_overlapping_a_press_is_sent_and_speech_after_the_release_is_not():
    activation = Activation()
    activation.press(10.0)
    assert activation.decide("What is this made of?", 10.2, 12.0).reason is Reason.PUSH_TO_TALK
    activation.release(11.5)
    assert activation.decide("Who's next?", 12.5, 13.5).reason is Reason.NOT_ACTIVATED


def test_a_press_while_already_speaking_counts_and_one_before_it_does_not():
    activation = Activation()
    activation.press(11.0)
    activation.release(11.8)
    assert activation.decide("What is this?", 10.0, 12.0).reason is Reason.PUSH_TO_TALK
    assert activation.decide("Never mind.", 12.5, 13.0).reason is Reason.NOT_ACTIVATED


def test_a_held_press_sends_every_utterance_until_released():
    activation = Activation()
    activation.press(10.0)
    assert activation.decide("What is this?", 10.5, 11.5).send
    assert activation.decide("And that one?", 12.5, 13.5).send
    activation.release(14.0)
    assert not activation.decide("Thanks.", 15.0, 15.5).send


def test_push_to_talk_strips_a_wake_phrase_said_anyway():
    activation = Activation()
    activation.press(10.0)
    decision = activation.decide("Hey glasses, what is this?", 10.2, 12.0)
    assert decision == Decision(True, Reason.PUSH_TO_TALK, "what is this?")


def test_a_tap_sends_the_next_utterance_only():
    activation = Activation(ActivationConfig(question_window_s=5.0))
    activation.tap(10.0)
    assert activation.decide("What is this?", 11.0, 12.0) == Decision(
        True, Reason.PUSH_TO_TALK, "What is this?"
    )
    assert not activation.decide("Thanks.", 12.5, 13.0).send
    activation.tap(20.0)
    assert not activation.decide("What is this?", 25.5, 26.0).send  # too late


# -- the follow-up window -------------------------------------------------------------


def test_an_utterance_soon_after_an_answer_is_a_follow_up():
    activation = Activation(ActivationConfig(follow_up_s=5.0))
    assert decide("Hey glasses, what is this made of?", activation, at=10.0).send
    activation.answered(14.0)
    follow = activation.decide("And the legs?", 16.0, 17.0)
    assert follow == Decision(True, Reason.FOLLOW_UP, "And the legs?")
    # one follow-up per answer; the next answer opens the next window
    assert activation.decide("Cool.", 17.5, 18.0).reason is Reason.NOT_ACTIVATED
    activation.answered(20.0)
    assert activation.decide("Where was it made?", 21.0, 22.0).reason is Reason.FOLLOW_UP


def test_the_follow_up_window_closes():
    activation = Activation(ActivationConfig(follow_up_s=5.0))
    activation.answered(14.0)
    assert activation.decide("And the legs?", 19.5, 20.5).reason is Reason.NOT_ACTIVATED


def test_speech_during_the_answer_is_not_a_follow_up():
    # the glasses' own spoken answer, heard by the microphone, must not send itself
    activation = Activation(ActivationConfig(follow_up_s=5.0))
    activation.answered(14.0)
    assert activation.decide("It is made of oak.", 12.0, 14.2).reason is Reason.NOT_ACTIVATED


def test_follow_up_zero_turns_it_off():
    activation = Activation(ActivationConfig(follow_up_s=0))
    activation.answered(14.0)
    assert activation.decide("And the legs?", 14.0, 15.5).reason is Reason.NOT_ACTIVATED
    assert decide("Hey glasses, and the legs?", activation, at=16.0).send


def test_whisper_is_primed_with_the_wake_phrase_only_when_asked_and_listened_for():
    assert ActivationConfig().hotwords() is None  # priming sent 'hey Gladys' (bench)
    primed = ActivationConfig(prime_asr=True, wake_phrase="hello jarvis")
    assert primed.hotwords() == "hello jarvis"
    assert primed.model_copy(update={"wake": False}).hotwords() is None


def test_primed_whisper_hears_the_demo_question_and_it_is_sent(models_config):
    from edge.components import build_segmenter, build_transcriber
    from edge.config import AsrConfig, VadConfig
    from edge.sources import read_wav
    from glasses.assets import DEMO_AUDIO

    samples, _ = read_wav(DEMO_AUDIO)
    segmenter = build_segmenter(models_config, VadConfig())
    chunk = AudioChunk(0, samples, 16000, Stamp.media(0.0))
    (segment,) = [*segmenter.feed(chunk), *segmenter.flush()]
    config = ActivationConfig(prime_asr=True)
    transcriber = build_transcriber(models_config, AsrConfig(), config.hotwords())
    transcript = transcriber.transcribe(segment)
    decision = Activation(config).decide(
        transcript.text, segment.started_at.seconds, segment.ended_at.seconds
    )
    assert decision.send and decision.reason is Reason.WAKE_PHRASE
    assert "table" in decision.question and "glasses" not in decision.question.lower()


# -- Whisper's second opinion (edge/asr.py Heard.wake) ---------------------------


def opinion(log_prob: float, question: str = QUESTION) -> WakeHeard:
    """What Whisper's forced decoding would say about an utterance."""
    return WakeHeard(log_prob, question)


def test_a_wake_phrase_the_transcript_missed_is_sent_on_whispers_second_opinion():
    activation, heard = Activation(), "Taking last in what is this made of?"
    first = activation.decide(heard, 10.0, 12.0)
    assert not first.send and activation.wants_second_opinion(first)
    decision = activation.decide(heard, 10.0, 12.0, opinion(-2.0, ", what is this made of?"))
    assert decision.send and decision.reason is Reason.WAKE_HEARD
    assert decision.question == QUESTION  # what Whisper heard after the phrase


def test_an_unlikely_wake_phrase_is_still_dropped():
    decision = Activation().decide("His glasses are on the table.", 10.0, 12.0, opinion(-15.0))
    assert not decision.send and decision.reason is Reason.NOT_ACTIVATED


def test_the_second_opinion_is_not_wanted_when_the_transcript_decides():
    activation = Activation()
    assert not activation.wants_second_opinion(activation.decide("Hey glasses, what?", 10, 12))
    assert not activation.wants_second_opinion(activation.decide("", 20, 22))
    for config in (ActivationConfig(heard_min_log_prob=None), ActivationConfig(wake=False)):
        off = Activation(config)
        dropped = off.decide("Taking last in what is this?", 10, 12)
        assert not off.wants_second_opinion(dropped)
        assert not off.decide("Taking last in what is this?", 10, 12, opinion(-1.0)).send


def test_a_wake_phrase_heard_alone_opens_the_question_window():
    activation = Activation()
    first = activation.decide("Hang loss.", 10.0, 11.0, opinion(-1.0, "."))
    assert not first.send and first.reason is Reason.WAKE_ONLY
    second = activation.decide(QUESTION, 12.0, 14.0)
    assert second.send and second.reason is Reason.WAKE_HEARD
