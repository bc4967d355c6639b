from core.frames import Stamp, Transcript
from edge.redaction.transcripts import redact_string, redact_transcript


def test_spoken_card_number_is_removed():
    said = "my card is four one one one one one one one one one one one one one one one thanks"
    text, count = redact_string(said)
    assert count == 1
    assert "one one one" not in text and "[card number]" in text and text.endswith("thanks")


def test_written_and_mixed_card_numbers_are_removed():
    for said in ("pay with 4111-1111-1111-1111 please", "it's 4111 1111 one one one one 1111"):
        text, count = redact_string(said)
        assert count == 1 and "1111" not in text


def test_emails_are_removed():
    text, count = redact_string("send it to jane.doe+x@example.co.uk now")
    assert (text, count) == ("send it to [email] now", 1)


def test_ordinary_speech_is_untouched():
    for said in (
        "I want two tickets for 5 pm",
        "what is this table made of?",
        "call one two three",
        "room 101 at 10 to 4",
    ):
        assert redact_string(said) == (said, 0)


def test_transcript_becomes_an_uploadable_utterance_only_through_redaction():
    t = Transcript("card 4111 1111 1111 1111", Stamp.media(0), Stamp.media(1), "en", 0.9)
    utterance = redact_transcript(t, seq=3)
    assert utterance.seq == 3 and utterance.redactions == 1 and "4111" not in utterance.text
    assert "4111" not in str(utterance)
