"""One error hierarchy for the library; the API maps it to HTTP in one place."""

from __future__ import annotations

from typing import Any


class LccError(Exception):
    """Base of every error the library raises on purpose."""

    code = "error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class StoreError(LccError):
    """The store cannot be opened, read or written."""

    code = "store_error"


class StoreLocked(StoreError):
    """Another process (usually a running server) holds the store."""

    code = "store_locked"


class ParseError(LccError):
    """Input data (RDF, a query header, a parameter) does not parse."""

    code = "parse_error"


class UnsupportedFormat(ParseError):
    """A media type or file extension we do not read."""

    code = "unsupported_media_type"


class UnsafeInput(ParseError):
    """Input that would make the service call out or expand without bound."""

    code = "unsafe_input"


class QueryError(LccError):
    """A SPARQL query is malformed, not allowed, or a parameter is wrong."""

    code = "query_error"


class QueryTimeout(LccError):
    """A query passed its deadline and was stopped."""

    code = "query_timeout"


class NotFound(LccError):
    """A community, criterion, query or graph that does not exist."""

    code = "not_found"


class OwnershipError(LccError):
    """An upload names subjects that its community does not own."""

    code = "ownership"


class ValidationRejected(LccError):
    """An upload has structure violations; carries the validation report."""

    code = "validation_rejected"

    def __init__(self, message: str, report: Any) -> None:
        super().__init__(message)
        self.report = report


class PayloadTooLarge(ParseError):
    """A request body over the configured limit."""

    code = "payload_too_large"


class Busy(LccError):
    """The service's share of long-running reads is taken: try again shortly (HTTP 429)."""

    code = "busy"


class NetworkTooLarge(LccError):
    """A partner network with more ties than the service computes metrics or drawings for (two
    partners are tied when they share a partnership, so one partnership of n members makes
    n(n-1)/2 ties): refused at upload, nothing stored (HTTP 422)."""

    code = "network_too_large"


class InputTooComplex(ParseError):
    """Untrusted input nested too deeply, or too slow or too large to parse, check or canonicalise
    within the sandbox's deadline and memory (HTTP 400: nothing was stored)."""

    code = "input_too_complex"


class InputCrashedParser(ParseError):
    """Untrusted input made a sandbox worker die (a parser crash); the worker was replaced and
    nothing was stored (HTTP 400)."""

    code = "input_crashed_parser"


class SandboxError(LccError):
    """The sandbox itself failed (a worker could not start, or raised an unexpected exception):
    a bug, never the input's fault (HTTP 500)."""

    code = "sandbox_error"


class FrameworkVersionRefused(LccError):
    """A framework version that cannot be published (HTTP 422); ``problems`` gives every reason,
    one line each, and nothing was changed."""

    code = "framework_version_refused"

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message, problems=problems)
        self.problems = problems
