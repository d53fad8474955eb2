"""One exception tree. Every error says what went wrong and where: source, line, field.

The HTTP layer maps `status` to the response code; the CLI maps `exit_code` to its exit status.
"""

from __future__ import annotations


class ModelgraphError(Exception):
    """Base of every error modelgraph raises on purpose."""

    status = 500
    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.line = line
        self.column = column
        self.field = field

    def where(self) -> str:
        parts = []
        if self.source:
            parts.append(self.source)
        if self.line is not None:
            parts.append(f"line {self.line}" + (f", column {self.column}" if self.column else ""))
        if self.field:
            parts.append(f"field {self.field!r}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message

    def to_dict(self) -> dict:
        data = {"error": type(self).__name__, "message": self.message}
        for key in ("source", "line", "column", "field"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


class InputError(ModelgraphError):
    """The user gave something we cannot use (bad file, bad option)."""

    status = 400
    exit_code = 2


class UnknownFormatError(InputError):
    """No extractor recognises the page."""


class ExtractionError(InputError):
    """A page was recognised but a value in it cannot be read (truncated, unparsable)."""


class RdfSyntaxError(InputError):
    """RDF text that does not parse."""


class QuerySyntaxError(InputError):
    """SPARQL text that does not parse."""


class QueryEvaluationError(InputError):
    """The query parsed but cannot be evaluated (e.g. it calls an unknown function)."""


class ValidationFailed(ModelgraphError):
    """Data does not conform to the shapes (violations); carries the report."""

    status = 422
    exit_code = 3

    def __init__(self, message: str, report=None, **kw) -> None:
        super().__init__(message, **kw)
        self.report = report

    def to_dict(self) -> dict:
        """As every error, with the report (validation.ValidationReport.to_json) in
        ``report``: the shape of an HTTP 422 and of the CLI's ``--format json`` refusal."""
        data = super().to_dict()
        if self.report is not None:
            data["report"] = self.report.to_json()
        return data


class NotFound(ModelgraphError):
    status = 404
    exit_code = 4


class StoreError(ModelgraphError):
    """The store cannot be read or written (missing, locked, remote down)."""

    status = 503
    exit_code = 5


class StoreChanged(StoreError):
    """Another writer changed the store while a write was being prepared from it: nothing
    was written; running the write again reads the new state."""

    status = 409
