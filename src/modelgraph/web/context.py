"""What every request handler shares: settings, the query executor, the write lock, hooks."""

from __future__ import annotations

import hmac
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import Request, Response

from ..execution import QueryExecutor
from ..materialized import MaterializedViews
from ..settings import Settings
from ..store.base import Store
from .errors import Forbidden, Unauthorized

QueryUI = Callable[[Request], Response]


@dataclass
class Service:
    settings: Settings
    executor: QueryExecutor  # or a RemoteExecutor: the same interface on a triplestore server
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    # A human query page for browsers at the endpoint URL (GET /sparql, Accept: text/html).
    # Whoever builds the UI sets it with `modelgraph.web.app.set_query_ui(app, handler)`.
    query_ui: QueryUI | None = None
    # Per-model view documents of the live generation (embedded store only), else None.
    materialized: MaterializedViews | None = None

    def store_for_writes(self) -> Store:
        """Where writes go: the embedded store's live generation (opened now) or the
        remote store. Take `write_lock` around a read-validate-write sequence."""
        return self.executor.open_store()

    @property
    def writes_enabled(self) -> bool:
        return self.settings.admin_token is not None

    def require_admin(self, request: Request) -> None:
        """Writes need the server's admin token as `Authorization: Bearer <token>`: without
        credentials 401 (with a Bearer challenge), with wrong ones 403 (RFC 6750 §3.1)."""
        token = self.settings.admin_token
        if token is None:  # no credentials would help: 403, not a challenge
            raise Forbidden(
                "this server is read-only: writes are disabled (no admin token is configured)",
                field="Authorization",
            )
        header = request.headers.get("authorization", "").strip()
        if not header:
            raise Unauthorized(
                "writes need the admin token as `Authorization: Bearer <token>`; none was sent",
                field="Authorization",
            )
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            given.strip().encode(), token.get_secret_value().encode()
        ):
            raise Forbidden(
                "writes need the admin token as `Authorization: Bearer <token>`; the "
                "credentials sent are not it",
                field="Authorization",
            )


def service(request: Request) -> Service:
    return request.app.state.service


def own_context_urls(request: Request) -> tuple[str, ...]:
    """Where this service publishes its JSON-LD context, as the documents it serves to this
    client name it: a document sent back in is read with the context inline."""
    return (str(request.url_for("jsonld_context")),)
