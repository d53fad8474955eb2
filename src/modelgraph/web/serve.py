"""`run(settings)`: serve the app with uvicorn, logging one JSON object per line.

uvicorn's own access log is replaced by modelgraph.web.middleware.AccessLog, whose
records carry the request as structured fields (method, path, status, bytes, duration).
"""

from __future__ import annotations

import errno
import json
import logging
import socket
import sys
import time

from ..errors import InputError, ModelgraphError
from ..settings import Settings, load_settings


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


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to `host`:`port` for the server to listen on (as uvicorn binds one);
    a port in use or a host that is not this machine's is an InputError saying so."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise InputError(
                f"cannot listen on {host}:{port}: the port is in use (another server is "
                "listening there); choose another port (--port, MODELGRAPH_PORT) or stop "
                "that server", field="port",
            ) from None
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                         field="host" if isinstance(exc, socket.gaierror) else "port") from None
    return sock


def run(settings: Settings | None = None, sock: socket.socket | None = None) -> None:
    """Start the HTTP server in the foreground until interrupted (Ctrl-C stops it cleanly).

    `sock`: a socket from `listen` to serve on (default: one bound to the settings' host
    and port)."""
    import uvicorn

    from .app import create_app

    settings = settings or load_settings()
    log_config = configure_logging(settings)
    own_socket = sock is None
    sock = sock or listen(settings.host, settings.port)
    try:
        app = create_app(settings)
        # a store URL is shown as the store keeps it: without credentials
        where = app.state.service.executor.store.url if settings.store_url else settings.data_dir
        host, port = sock.getsockname()[:2]
        logging.getLogger("modelgraph.web").info(
            "serving %s on http://%s:%s/sparql", where, _url_host(host), port
        )
        config = uvicorn.Config(app, host=host, port=port, log_config=log_config,
                                access_log=False, proxy_headers=False)
        server = uvicorn.Server(config)
        try:
            server.run(sockets=[sock])
        except KeyboardInterrupt:  # uvicorn has shut down cleanly, then re-raised the signal
            pass
        except SystemExit:  # uvicorn's way to say the application did not start
            raise ModelgraphError("the server did not start; the log above says why") from None
    finally:
        if own_socket:
            sock.close()


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def main() -> int:
    try:
        run()
    except ModelgraphError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
