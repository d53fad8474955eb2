"""Safe SPARQL execution: how a query from the internet is kept from hurting the server.

pyoxigraph has no query timeout, makes HTTP requests itself for SERVICE and LOAD, and its
evaluation cannot be interrupted from Python. The defences, in the order a request meets
them:

1. **Refuse what fetches URLs** (policy.py). SERVICE (and LOAD / updates on the query
   endpoint) are found on *tokens* of a SPARQL tokenizer that skips strings, IRIs and
   comments (lexer.py), and refused with 400 unless `allow_service_calls` is set. Where
   the tokenizer could read the text differently from oxigraph's parser, the check errs
   towards refusing; policy.py lists those cases.
2. **Run the query in another process** (pool.py, worker.py). Queries run in a small pool
   of worker processes, each holding the live store open read-only. A generation directory
   is never written after it becomes current (see store/embedded.py), so read-only opens
   are safe; before each job a worker stats CURRENT (a few microseconds) and reopens when
   a build has switched generations. In-memory stores (tests, `create_app(store=...)`) are
   first written to a temporary data directory, so there is one code path.
3. **A time limit that really stops the work.** The server waits at most `timeout_s` for
   the answer; then it SIGKILLs the worker and starts a fresh one (a Python thread cannot
   be stopped; a process can). A runaway cartesian product therefore stops using a core
   the moment the client is told 503 "query exceeded the N s time limit". Workers are
   also killed by Linux if the server dies (parent-death signal), so none are orphaned.
4. **A size limit that stops serialisation.** Workers serialise results with pyoxigraph's
   own serialisers into a writer that raises once `max_response_bytes` is passed; since
   evaluation is lazy this also stops the evaluation. Only bytes cross back to the server.

Cost: a job is one pickle over a Unix socket each way (channel.py); the web layer awaits the
answer on its event loop (`QueryExecutor.run_async`), so no thread is involved.
`python -m modelgraph.execution.overhead` measures it against an in-process call.

The one exception to 2 and 3 is the fast lane (inline.py): a query that a worker has already
answered within `inline_query_max_ms` on the live generation, asked again by a lone client
while no job is with a worker, is evaluated in the server on its own read-only store. Its
cost on that data is then known, so there is nothing for the time limit to stop.
"""

from .jobs import (
    DATASET,
    GRAPH,
    RESULTS,
    DatasetJob,
    ForbiddenOperation,
    GraphJob,
    InfoJob,
    NotAcceptable,
    Output,
    QueryJob,
    QueryTimeout,
    ResultTooLarge,
    UpdateJob,
    WorkerFailed,
    WorkersBusy,
)
from .policy import Shape, check_query, check_update, scan
from .pool import QueryExecutor

__all__ = [
    "DATASET",
    "GRAPH",
    "RESULTS",
    "DatasetJob",
    "ForbiddenOperation",
    "GraphJob",
    "InfoJob",
    "NotAcceptable",
    "Output",
    "QueryExecutor",
    "QueryJob",
    "QueryTimeout",
    "ResultTooLarge",
    "Shape",
    "UpdateJob",
    "WorkerFailed",
    "WorkersBusy",
    "check_query",
    "check_update",
    "scan",
]
