"""Writes (SPARQL Update, Graph Store PUT/POST/DELETE) for holders of the admin token.

A write never touches the live graph: a worker applies the update to a *copy* of the live
generation (under the usual time limit) and returns it; the copy is validated against the
SHACL shapes and only a conforming copy becomes the next generation (atomically, as a
build does). A nonconforming one is refused with 422 and the validation report.
"""

from __future__ import annotations

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool

from ..errors import ValidationFailed
from ..execution import Output, UpdateJob, check_update
from ..store.embedded import current_generation, write_generation
from .context import Service
from .errors import Conflict


async def apply_update(service: Service, sparql: str) -> dict:
    """Apply `sparql` (already authorised) and return a summary of the new generation."""
    check_update(sparql, allow_service_calls=service.settings.allow_service_calls)
    output = await run_in_threadpool(service.executor.run, UpdateJob(sparql))
    return await run_in_threadpool(_validate_and_write, service, output)


def _validate_and_write(service: Service, output: Output) -> dict:
    from ..validation import validate_quads  # pyshacl is heavy; only writers pay for it

    quads = list(ox.parse(output.body, format=ox.RdfFormat.N_QUADS))
    report = validate_quads(quads)
    if not report.conforms:
        raise ValidationFailed(
            "the change would make the graph violate its shapes; nothing was written",
            report=report,
        )
    data_dir = service.executor.data_dir
    with service.write_lock:
        if current_generation(data_dir) != output.generation:
            raise Conflict("the graph changed while the update ran; nothing was written, retry")
        generation = write_generation(data_dir, quads)
    return {
        "generation": generation,
        "triples": len(quads),
        "warnings": report.counts().get("Warning", 0),
    }


def graph_update(graph: str, triples: list[ox.Triple], *, replace: bool) -> str:
    """The SPARQL Update equivalent of a Graph Store PUT (`replace`) or POST (add)."""
    parts = [f"DROP SILENT GRAPH <{graph}>"] if replace else []
    if triples:
        body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
        parts.append(f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}")
    return " ;\n".join(parts) or f"CREATE SILENT GRAPH <{graph}>"
