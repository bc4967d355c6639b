"""The redaction engine: one implementation used by the edge before upload,
by the server's re-check of every upload, and by the export re-scan."""

from edge.redaction.minimise import minimised
from edge.redaction.redactor import RedactionPolicy, Redactor
from edge.redaction.transcripts import redact_string, redact_transcript

__all__ = ["RedactionPolicy", "Redactor", "minimised", "redact_string", "redact_transcript"]
