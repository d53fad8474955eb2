"""`run(settings)`: serve the app with uvicorn, logging one JSON object per line.

uvicorn's own access log is replaced by modelgraph.web.middleware.AccessLog, whose
records carry the request as structured fields (method, path, status, bytes, duration).
"""

from __future__ import annotations

import json
import logging
import sys
import time

from ..settings import Settings


class JsonFormatter(logging.Formatter):
    """One JSON object per record; `extra={"http": {...}}` fields are kept structured."""

    _second: tuple[int, str] = (-1, "")  # the formatted second, reused within it

    def format(self, record: logging.LogRecord) -> str:
        second = int(record.created)
        if second != self._second[0]:
            self._second = (second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second)))
        data = {
            "ts": f"{self._second[1]}.{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        http = getattr(record, "http", None)
        if http is not None:
            data["http"] = http
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def configure_logging(settings: Settings) -> dict:
    """Configure the root logger and return a uvicorn `log_config` that defers to it."""
    handler = logging.StreamHandler(sys.stderr)
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    # A record per request: skip what no formatter here shows (the logging docs'
    # "Optimization" flags): the caller's file and line, thread, process names.
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level.upper())
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "loggers": {
            "uvicorn": {"handlers": [], "propagate": True},
            "uvicorn.error": {"handlers": [], "propagate": True},
            "uvicorn.access": {"handlers": [], "propagate": False, "level": "WARNING"},
        },
    }


def run(settings: Settings | None = None) -> None:
    """Start the HTTP server in the foreground until interrupted."""
    import uvicorn

    from .app import create_app

    settings = settings or Settings()
    log_config = configure_logging(settings)
    app = create_app(settings)
    # a store URL is shown as the store keeps it: without credentials
    where = app.state.service.executor.store.url if settings.store_url else settings.data_dir
    logging.getLogger("modelgraph.web").info(
        "serving %s on http://%s:%s/sparql", where, settings.host, settings.port
    )
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_config=log_config,
        access_log=False,
        proxy_headers=False,
    )


if __name__ == "__main__":
    run()
