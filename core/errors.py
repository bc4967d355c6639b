"""The project's error hierarchy, shared by edge and server.

Each error says what is wrong and what to do about it. The server maps these
to gRPC status codes in one table (``server/status.py``).
"""


class GlassesError(Exception):
    """Base class for every error this project raises on purpose."""


class ConfigError(GlassesError):
    """A configuration value is missing or invalid."""


class ModelMissingError(ConfigError):
    """A model's weights are not where the registry says they should be."""


class LinkError(GlassesError):
    """The edge could not reach the server, or the two disagree on TLS."""


class AuthError(GlassesError):
    """The call carries no device token, or one this server did not issue."""


class ConsentError(GlassesError):
    """The request is not covered by the user's consent."""


class RedactionError(GlassesError):
    """Redaction failed; the frame is withheld (fail closed)."""


class StoreError(GlassesError):
    """The sample store could not complete an operation."""


class BackendError(GlassesError):
    """A model backend failed while serving a request."""


class BusyError(GlassesError):
    """The request collides with one still in progress: send it again shortly."""


class InvalidInputError(GlassesError):
    """The caller sent something malformed (bad image, empty prompt, ...)."""


class ContentBlockedError(InvalidInputError):
    """A safety filter refused the request (an Imagine prompt); nothing was made."""


class NotFoundError(GlassesError):
    """What the request names is not there for this caller (missing, or another's)."""
