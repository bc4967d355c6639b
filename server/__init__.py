"""The GPU server: Assistant (vision-language answers), Imagine (diffusion),
Consent, and the consent-tagged sample store. Imports the edge's redaction
engine for its re-check of every upload."""
