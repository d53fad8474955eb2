"""Materialised per-model views in JSON answered as plain ASGI, before FastAPI's router.

Reading a materialised document costs tens of microseconds; FastAPI's routing and parameter
solving cost ~0.3 ms. For GET /models/{id}[/offers|/lineage|/timeline] and
/models/{id}/migration?to=… asking for JSON, this layer reads the document itself
(`views.materialized_answer`, as the FastAPI route would) and answers. Anything else, a
document not materialised yet, or a request it does not fully understand goes on to the
FastAPI routes, which validate, document the API in OpenAPI and compute the view. The outer
layers (access log, CORS, body limit, response cache) still apply.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from starlette.responses import Response

from ..materialized import json_bytes
from .negotiation import negotiate
from .views import MATERIALIZED, VIEW_FORMATS, VIEW_JSON, materialized_answer, view

_PATH = re.compile(r"/models/([^/]+)(?:/(offers|lineage|timeline|migration))?")
_FUNCTIONS = {None: "model_view", "offers": "offers_view", "lineage": "lineage_view",
              "timeline": "timeline_view", "migration": "migration_view"}


class MaterializedRoute:
    def __init__(self, app, service) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope, receive, send) -> None:
        response = None
        if (scope["type"] == "http" and scope["method"] == "GET"
                and self.service.materialized is not None
                and scope["path"].startswith("/models/")):
            response = self._answer(scope)
        if response is None:
            await self.app(scope, receive, send)
        else:
            await response(scope, receive, send)

    def _answer(self, scope) -> Response | None:
        match = _PATH.fullmatch(scope["path"])
        if match is None:
            return None
        params = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
        names = [name for name, _ in params]
        allowed = {"format", "to"} if match[2] == "migration" else {"format"}
        if len(set(names)) != len(names) or not allowed.issuperset(names):
            return None  # repeated or other parameters: the route decides what they mean
        given = dict(params)
        if match[2] == "migration" and not given.get("to"):
            return None  # the candidate search runs queries
        accept = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"accept"), None)
        try:
            choice = negotiate(accept, VIEW_FORMATS, given.get("format"))
        except Exception:  # noqa: BLE001 - the route answers the 406 / 400 in its own words
            return None
        if choice.format is not VIEW_JSON:
            return None
        kwargs = {"model_id": match[1], **({"to": given["to"]} if "to" in given else {})}
        stored = materialized_answer(self.service, view(_FUNCTIONS[match[2]], **kwargs))
        if stored is None:
            return None
        body = stored if isinstance(stored, bytes) else json_bytes(stored.to_dict())
        return Response(body, media_type="application/json", headers=MATERIALIZED)
