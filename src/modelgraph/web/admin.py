"""Curator writes over HTTP, for holders of the admin token (`Authorization: Bearer …`):

* ``POST /sources/{source_id}`` — the body (RDF by Content-Type, or a page as text/plain)
  replaces that source's graph (source ids: source_ids.py); RDF goes in the default graph
  or in that source's graph, never another's;
* ``POST /sources/models.dev`` — (re)import the models.dev catalogue (``?skip_invalid=true``
  to leave out and list bad records instead of refusing): the installed package's when the
  body is empty, else the body, a catalogue dump (JSON or gzipped JSON, as the CLI's
  ``--catalogue-file``);
* ``DELETE /sources/{source_id}`` — remove a source.

Each is the CLI's `ingest` / `remove-source`: validated first (422 with the SHACL report on
violations), written as one new store generation, never partially (on a remote store: one
update request, see docs/remote-stores.md; "generation" is then null).
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from ..errors import InputError
from ..ingest import (
    MODELS_DEV,
    ingest,
    models_dev_source,
    page_source,
    rdf_sources,
    remove_source,
    summarise,
)
from ..source_ids import check_source_id
from ..store.base import Store
from .context import own_context_urls, service
from .validation import INPUT_TYPES

router = APIRouter(tags=["admin"])
PAGE_TYPES = {"text/plain", "text/markdown", "text/html"}
CATALOGUE_TYPES = {"application/json", "application/gzip", "application/x-gzip"}


def _store(request: Request) -> Store:
    return service(request).store_for_writes()


def _write(request: Request, sources) -> dict:
    svc = service(request)
    with svc.write_lock:
        result = ingest(_store(request), sources)
    return {
        "sources": summarise(result),
        "generation": result.generation,
        "warnings": len(result.report.warnings()),
        "conflicts": result.conflicts,
    }


@router.post("/sources/models.dev", summary="(Re)import the models.dev catalogue (admin)")
async def import_models_dev(
    request: Request,
    skip_invalid: bool = Query(False, description="leave out and list bad records"),
) -> JSONResponse:
    service(request).require_admin(request)
    body = await request.body()
    if not body:  # the catalogue of the installed models-dev package
        source = await run_in_threadpool(models_dev_source, skip_invalid=skip_invalid)
    else:  # a catalogue dump, as `modelgraph ingest models.dev --catalogue-file FILE`
        media = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
        if media not in CATALOGUE_TYPES:
            from .errors import UnsupportedMediaType

            raise UnsupportedMediaType(
                f"the body of POST /sources/{MODELS_DEV} is a catalogue dump in the models.dev "
                f"JSON format ({', '.join(sorted(CATALOGUE_TYPES))}; JSON may be gzipped), "
                f"not {media or 'untyped data'}; send no body to import the catalogue of the "
                "installed models-dev package", field="Content-Type")
        source = await run_in_threadpool(
            models_dev_source, skip_invalid=skip_invalid, catalogue_data=body,
            origin=f"request body for source {MODELS_DEV}")
    return JSONResponse(await run_in_threadpool(_write, request, [source]))


# `:path` so that an id with a `/` in it (sent as %2F) is refused as an id, not unrouted
@router.post("/sources/{source_id:path}", summary="Replace one source's graph (admin)")
async def put_source(request: Request, source_id: str) -> JSONResponse:
    service(request).require_admin(request)
    check_source_id(source_id, field="source_id")
    body = await request.body()
    media = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    origin = f"request body for source {source_id}"
    if media in INPUT_TYPES:
        # the path names the one source replaced: a graph of another source is refused
        sources = await run_in_threadpool(rdf_sources, body, INPUT_TYPES[media], source_id,
                                          origin=origin, request=True,
                                          context_urls=own_context_urls(request))
    elif media in PAGE_TYPES:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError("the page is not UTF-8 text", source=origin) from None
        sources = [await run_in_threadpool(page_source, text, source_id, origin=origin)]
    else:
        from .errors import UnsupportedMediaType

        raise UnsupportedMediaType(
            f"send RDF ({', '.join(INPUT_TYPES)}) or a page (text/plain)", field="Content-Type")
    return JSONResponse(await run_in_threadpool(_write, request, sources))


@router.delete("/sources/{source_id:path}", summary="Remove one source (admin)")
async def delete_source(request: Request, source_id: str) -> JSONResponse:
    svc = service(request)
    svc.require_admin(request)
    check_source_id(source_id, field="source_id")

    def remove() -> str:
        with svc.write_lock:
            store = _store(request)
            remove_source(store, source_id)
            return store.generation

    return JSONResponse({"removed": source_id, "generation": await run_in_threadpool(remove)})
