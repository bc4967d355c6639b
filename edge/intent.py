"""Is a spoken question a request to imagine a picture?

"Hey glasses, imagine a lighthouse in a storm" goes to ``Imagine.Generate``
with the prompt "a lighthouse in a storm", and no frame: the view is not
needed, so it is not sent. "Imagine this as a watercolour" (or "turn this
into…", "make this look like…") goes to ``Imagine.Riff`` with the view,
redacted like every frame. Everything else is a question about the view.

Only a request said as one counts: the utterance must *start* with the verb
(after "please", "can you"…). "Can you imagine how old this is?" and "what
would you imagine this costs" stay questions, as does a bare "imagine".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# politeness said before the request ("please", "could you", "can you please")
_COURTESY = re.compile(r"^(?:(?:please|now|okay|ok|so|and)\s+|(?:can|could|would|will)\s+you\s+)+")
# the view, named as what to riff on
_VIEW = (
    r"(?:this|that|it|the view|this (?:scene|view|place|room|picture)"
    r"|what i(?: a|')m looking at|what i see)"
)
_RIFF = (
    # "imagine this as a watercolour", "imagine the view at night"
    re.compile(rf"^(?:re-?)?imagine\s+{_VIEW}\s+(?:(?P<link>as|like|but)\s+)?(?P<prompt>.+)$"),
    re.compile(
        rf"^(?:turn|change|transform|redraw|repaint)\s+{_VIEW}\s+(?:in)?to\s+(?P<prompt>.+)$"
    ),
    re.compile(rf"^(?:redraw|repaint|draw|paint)\s+{_VIEW}\s+(?:as|like)\s+(?P<prompt>.+)$"),
    re.compile(rf"^make\s+{_VIEW}\s+(?:look\s+)?(?:like|into)\s+(?P<prompt>.+)$"),
)
# after "imagine this" without "as"/"like": how the view should change, not a clause
# ("imagine this at night", but not "imagine this is a castle": a question)
_CHANGE = re.compile(
    r"^(?:an?|in|with|at|during|under|on|without|after|before|covered|made|painted|drawn"
    r"|turned|underwater|flooded|frozen|burning|abandoned|overgrown|100|\d+)\b"
)
_MEDIUM = r"(?:an?\s+)?(?:image|picture|drawing|painting|photo|sketch|illustration)s?\s+of\s+"
_GENERATE = (
    re.compile(rf"^imagine\s+(?:me\s+)?(?:{_MEDIUM})?(?P<prompt>.+)$"),
    re.compile(
        rf"^(?:draw|paint|sketch|create|make|generate|show)\s+(?:me\s+)?{_MEDIUM}(?P<prompt>.+)$"
    ),
    re.compile(r"^(?:draw|paint|sketch)\s+me\s+(?P<prompt>.+)$"),
)
# a question, not a picture: "imagine how…", "imagine what…", "imagine if…"
_QUESTION = re.compile(r"^(?:how|what|why|where|when|who|whom|which|whether|if|that)\b")


@dataclass(frozen=True)
class ImagineRequest:
    """A spoken request to imagine: the prompt, and whether it riffs on the view."""

    prompt: str
    riff: bool

    def __str__(self) -> str:  # the prompt is what the wearer said: not in logs
        return f"ImagineRequest({'riff' if self.riff else 'generate'}, {len(self.prompt)} chars)"


def imagine_request(question: str) -> ImagineRequest | None:
    """The request ``question`` makes, or None when it asks about the view. The
    prompt keeps the words' case as heard (the server's filter reads names by it)."""
    said = " ".join(question.replace("’", "'").split()).strip(" .!?,")
    lowered = said.lower()
    if len(lowered) != len(said):  # a letter whose lower case is longer: match as lowered
        said = lowered
    courtesy = _COURTESY.match(lowered)
    start = courtesy.end() if courtesy else 0
    text = lowered[start:]

    def prompt_of(m: re.Match) -> str:
        return said[start + m.start("prompt") : start + m.end("prompt")].strip(" ,")

    for i, pattern in enumerate(_RIFF):
        if m := pattern.match(text):
            prompt = prompt_of(m)
            # "imagine this …" without "as" must name a change ("at night"), not a clause
            named = i > 0 or m["link"] or _CHANGE.match(prompt.lower())
            if _usable(prompt) and named:
                return ImagineRequest(prompt, True)
            break
    for pattern in _GENERATE:
        if m := pattern.match(text):
            prompt = prompt_of(m)
            return ImagineRequest(prompt, False) if _usable(prompt) else None
    return None


def _usable(prompt: str) -> bool:
    return bool(prompt) and not _QUESTION.match(prompt.lower())
