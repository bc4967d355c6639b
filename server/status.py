"""The one table that maps domain errors to gRPC status codes."""

from __future__ import annotations

import grpc

from core.errors import (
    AuthError,
    BackendError,
    BusyError,
    ConfigError,
    ConsentError,
    ContentBlockedError,
    GlassesError,
    InvalidInputError,
    NotFoundError,
    RedactionError,
    StoreError,
)

# Most specific first.
_TABLE: list[tuple[type[Exception], grpc.StatusCode, str]] = [
    (AuthError, grpc.StatusCode.UNAUTHENTICATED, "UNAUTHENTICATED"),
    (ConsentError, grpc.StatusCode.PERMISSION_DENIED, "CONSENT_REQUIRED"),
    (ContentBlockedError, grpc.StatusCode.INVALID_ARGUMENT, "CONTENT_BLOCKED"),
    (InvalidInputError, grpc.StatusCode.INVALID_ARGUMENT, "INVALID_INPUT"),
    (NotFoundError, grpc.StatusCode.NOT_FOUND, "NOT_FOUND"),
    (RedactionError, grpc.StatusCode.FAILED_PRECONDITION, "REDACTION_FAILED"),
    (StoreError, grpc.StatusCode.UNAVAILABLE, "STORE_UNAVAILABLE"),
    (BackendError, grpc.StatusCode.UNAVAILABLE, "BACKEND_UNAVAILABLE"),
    (BusyError, grpc.StatusCode.UNAVAILABLE, "BUSY"),
    (ConfigError, grpc.StatusCode.FAILED_PRECONDITION, "MISCONFIGURED"),
    (GlassesError, grpc.StatusCode.INTERNAL, "INTERNAL"),
]


def status_for(exc: BaseException) -> tuple[grpc.StatusCode, str]:
    """(gRPC status code, stable error code string) for a domain error."""
    for kind, status, code in _TABLE:
        if isinstance(exc, kind):
            return status, code
    return grpc.StatusCode.INTERNAL, "INTERNAL"
