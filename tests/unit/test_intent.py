"""Which spoken questions are requests to imagine (``edge/intent.py``): a
request must start with its verb; a question about the view stays one."""

from __future__ import annotations

import pytest

from edge.intent import imagine_request


@pytest.mark.parametrize(
    ("said", "prompt"),
    [
        ("Imagine a lighthouse in a storm.", "a lighthouse in a storm"),
        ("please imagine a picture of a red fox", "a red fox"),
        ("Could you draw me a cat wearing a hat?", "a cat wearing a hat"),
        ("Draw a picture of Marie Curie in her lab", "Marie Curie in her lab"),
        ("show me an image of the moon over Paris", "the moon over Paris"),
        ("imagine me a dragon", "a dragon"),
    ],
)
def test_requests_from_words_alone_keep_the_prompt_as_said(said, prompt):
    request = imagine_request(said)
    assert request is not None and not request.riff
    assert request.prompt == prompt  # case kept: the server's filter reads names by it


@pytest.mark.parametrize(
    ("said", "prompt"),
    [
        ("Imagine this as a watercolour painting", "a watercolour painting"),
        ("imagine the view at night", "at night"),
        ("imagine what I'm looking at covered in snow", "covered in snow"),
        ("Turn this into a Lego set", "a Lego set"),
        ("make this look like a Van Gogh", "a Van Gogh"),
        ("can you redraw that as a comic strip", "a comic strip"),
    ],
)
def test_requests_on_the_view_are_riffs(said, prompt):
    request = imagine_request(said)
    assert request is not None and request.riff and request.prompt == prompt


@pytest.mark.parametrize(
    "said",
    [
        "what is this table made of?",
        "imagine",
        "Can you imagine how old this building is?",
        "imagine what this would cost new",
        "imagine that the cat is red",
        "picture this",
        "How would you draw this?",
        "is this a picture of my grandmother?",
        "make a note of this",
    ],
)
def test_questions_stay_questions(said):
    assert imagine_request(said) is None


def test_a_request_prints_without_its_words():
    request = imagine_request("imagine my neighbour's house on fire")
    assert "neighbour" not in str(request) and "generate" in str(request)
