"""Every threshold of the text cascade, stage by stage, as one value.

Each stage declares its own frozen dataclass where it is used, with what each
field does and the benchmark figure that set it; :class:`TextTuning` gathers
them for the scanner, and its digest names the tuning in the detector's
version, so a sample's redaction report says which engine redacted it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from edge.redaction.text.bands import BANDS, BandTuning
from edge.redaction.text.candidates import CANDIDATES, CandidateTuning
from edge.redaction.text.chaining import CHAINING, ChainTuning
from edge.redaction.text.chips import CHIPS, ChipTuning
from edge.redaction.text.cues import CUES, CueTuning
from edge.redaction.text.extent import EXTENT, ExtentTuning
from edge.redaction.text.fills import FILLS, FillTuning
from edge.redaction.text.fine import FINE, FineTuning
from edge.redaction.text.mosaic import MOSAIC, MosaicTuning
from edge.redaction.text.reading import READING, ReadTuning
from edge.redaction.text.reread import REREAD, RereadTuning
from edge.redaction.text.slant import SLANT, SlantTuning


@dataclass(frozen=True)
class TextTuning:
    """The cascade's own values, and each stage's tuning."""

    # the coarse pass sees the whole frame at this longer side: text from about
    # 9 px high (cae0297; ``edge.redaction.coarse_side`` in the config)
    coarse_side: int = 640
    # a chain of fragments with room for fewer than ``min_glyphs`` characters of
    # ``glyph_width`` line heights (a lone word, "12/29") is not read: most
    # recognition time would go there (cae0297; the shortest text any rule
    # looks for is longer)
    min_glyphs: int = 7
    glyph_width: float = 0.5
    # a partial check's fine pass looks this far round the strip that came into
    # view; a longer line is one the coarse pass finds (a04a2f4: partial checks
    # 90-125 ms against 400-600 ms for a full one; video mean 29.6 -> 24-26 ms)
    margin: int = 256
    # each chip band is cut level and zoomed so the chip is each of these px
    # across: small blurred digits are found at one zoom and not the other,
    # card by card (36 alone, b5bb3ca: benchmark leaks 4 -> 1 of 516; 54 too,
    # fb1f149: fresh seeds 2500-2999 leaks 6 -> 2 of 755)
    chip_zooms: tuple[float, ...] = (36.0, 54.0)
    candidates: CandidateTuning = CANDIDATES
    slant: SlantTuning = SLANT
    fine: FineTuning = FINE
    cues: CueTuning = CUES
    mosaic: MosaicTuning = MOSAIC
    bands: BandTuning = BANDS
    chaining: ChainTuning = CHAINING
    reading: ReadTuning = READING
    reread: RereadTuning = REREAD
    chips: ChipTuning = CHIPS
    fills: FillTuning = FILLS
    extent: ExtentTuning = EXTENT


TEXT = TextTuning()


def digest(*tunings: object) -> str:
    """Eight hex digits that change whenever any value of ``tunings`` does."""
    text = json.dumps([asdict(t) for t in tunings], sort_keys=True, default=sorted)
    return hashlib.sha256(text.encode()).hexdigest()[:8]
