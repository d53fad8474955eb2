"""Materialised helper views: every model's view documents, computed once per generation.

The embedded store changes only when a build or an ingest writes a new generation, so a
per-model view (model, offers, lineage, timeline, and the profile and candidates a
migration compares) is
a function of the generation, of the code that computes it and of which sources count as
stale today. After a generation goes live, one background process per generation (however
many servers share the data directory; niced) computes those documents for every model,
with the same view functions a request would run, into an SQLite file beside the store. A
request then reads its document in tens of microseconds instead of running the view's
queries; a document not there yet, or any doubt, means the view is computed as before.

Layout::

    DATA_DIR/views/GENERATION/sources.json   each source's newest stated date (what
                                             staleness is decided from), written first
    DATA_DIR/views/GENERATION/KEY.sqlite     the documents; KEY digests the code of the
                                             views, stale_after_days and the stale sources
    DATA_DIR/views/GENERATION/KEY.lock       held by the process filling KEY.sqlite

A document is only ever read from the file of the live generation whose KEY matches
today's stale sources and this code, so it is exactly what computing the view would give.

Run as ``python -m modelgraph.materialized DATA_DIR GENERATION STALE_AFTER_DAYS``.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import zlib
from collections import OrderedDict
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from .errors import NotFound

log = logging.getLogger(__name__)

VIEWS_DIR = "views"
SOURCES_FILE = "sources.json"
# The per-model views kept, by the name of their function in modelgraph.views.
DOCUMENTS = ("model_view", "offers_view", "lineage_view", "timeline_view", "migration_profile",
             "migration_candidates")
CANNOT_WRITE = 3  # the fill's exit status when it cannot write beside the store
_BATCH = 50  # models per transaction: progress is visible and a restart loses little
_RESPAWN_AFTER_S = 30.0  # a fill that died is not restarted more often than this
# Inflated documents kept in memory, most recently read first: inflating a 40 KB document
# costs ~40 µs, a third of what the server spends answering it, and a file's documents
# never change (they are dropped with the file, at a new generation or day).
_KEEP_BYTES = 32 * 1024 * 1024
_UNUSED_FOR_S = 2 * 86400  # another KEY's file of the same generation, untouched this long, goes


def candidate_lines(candidates: dict[str, Any]) -> bytes:
    """The migration_candidates document: a line per candidate, `IRI TAB reasons-as-JSON`,
    so that `candidate_reasons` finds one candidate without parsing the others."""
    return b"".join(b"\n" + iri.encode() + b"\t" + json_bytes(reasons)
                    for iri, reasons in sorted(candidates.items())) + b"\n"


def candidate_reasons(document: bytes, iri: str) -> Any | None:
    """What `candidate_lines` holds for the candidate `iri`, or None if it is none."""
    start = document.find(b"\n" + iri.encode() + b"\t")
    if start < 0:
        return None
    start = document.index(b"\t", start) + 1
    return json_value(document[start:document.index(b"\n", start)])


def json_bytes(payload: Any) -> bytes:
    """JSON as the service writes it: compact UTF-8, as fastapi's JSONResponse writes it.
    orjson writes a 13 KB migration answer in 4 µs against the json module's 65 µs (a
    quarter of what the server spends on the request); the json module writes what orjson
    refuses: nesting deeper than 254 levels (a long lineage tree), integers beyond 64 bits."""
    try:
        return orjson.dumps(payload)
    except orjson.JSONEncodeError:
        return json.dumps(payload, ensure_ascii=False, allow_nan=False, indent=None,
                          separators=(",", ":")).encode("utf-8")


def json_value(document: bytes) -> Any:
    """What `json_bytes` wrote, read back (orjson, 2–3× faster; else the json module)."""
    try:
        return orjson.loads(document)
    except orjson.JSONDecodeError:
        return json.loads(document)


@cache
def code_digest() -> str:
    """What the documents depend on besides the data: the view code and its queries."""
    package = Path(__file__).resolve().parent
    digest = hashlib.blake2b(digest_size=16)
    files = [package / name for name in ("views.py", "conflicts.py", "vocab.py", "derive.py",
                                         "materialized.py")]
    files += sorted((package / "queries").glob("*.rq"))
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@cache
def _dictionary() -> bytes:
    """A zlib preset dictionary: what documents repeat from one to the next, the canned
    queries each lists (as JSON, as they appear there). Files 40 % smaller than without."""
    from . import queries

    names = sorted(path.stem for path in (Path(__file__).resolve().parent / "queries")
                   .glob("*.rq"))
    texts = []
    for name in names:
        canned = queries.get(name)
        texts.append(json_bytes({"name": name, "title": canned.title,
                                 "description": canned.description, "sparql": canned.text}))
    return b"".join(texts)[-32768:]  # zlib uses the last 32 KB; later bytes cost fewer bits


def _compress(document: bytes) -> bytes:
    packer = zlib.compressobj(6, zdict=_dictionary())
    return packer.compress(document) + packer.flush()


def _decompress(stored: bytes) -> bytes:
    unpacker = zlib.decompressobj(zdict=_dictionary())
    return unpacker.decompress(stored) + unpacker.flush()


def document_key(newest_dates: dict[str, str | None], today: dt.date,
                 stale_after_days: int) -> str:
    """KEY of the documents valid today: CODE-STALE, digests of the code and of which
    sources are stale (the code first, so that an upgrade can remove older files)."""
    from .views import is_stale

    stale = sorted(sid for sid, newest in newest_dates.items()
                   if is_stale(newest, today, stale_after_days))
    digest = hashlib.blake2b(digest_size=8)
    digest.update(json_bytes([stale_after_days, stale]))
    return f"{code_digest()[:16]}-{digest.hexdigest()}"


# -- filling -------------------------------------------------------------------------------


def fill(data_dir: Path, generation: str, stale_after_days: int, *,
         today: dt.date | None = None, parent: int | None = None) -> Path | None:
    """Compute every model's documents for `generation` (resuming a fill that stopped);
    the file written, or None when another process is filling it or the generation is
    gone. Stops early if `parent` (a process id) is no longer this process's parent."""
    import pyoxigraph as ox

    from . import views
    from .store.embedded import GENERATIONS, EmbeddedStore
    from .vocab import ID

    today = today or dt.date.today()
    store_path = data_dir / GENERATIONS / generation
    if not store_path.is_dir():
        return None
    store = EmbeddedStore(ox.Store.read_only(str(store_path)), data_dir, generation)
    shared = views.GenerationCache()

    def context(memo: dict) -> views.ViewContext:
        return views.ViewContext(store, stale_after_days=stale_after_days, today=today,
                                 generation=generation, shared=shared, memo=memo)

    folder = data_dir / VIEWS_DIR / generation
    folder.mkdir(parents=True, exist_ok=True)
    _remove_dead_generations(data_dir)
    newest = views.source_newest_dates(context({}))
    _write_atomically(folder / SOURCES_FILE, json_bytes(newest))
    key = document_key(newest, today, stale_after_days)
    with open(folder / f"{key}.lock", "a+b") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None  # another process fills it
        _remove_unused_keys(folder, key)
        path = folder / f"{key}.sqlite"
        db = sqlite3.connect(path)
        try:
            _fill_into(db, store, context, parent, ID + "model/")
        finally:
            db.close()
        return path


def _fill_into(db: sqlite3.Connection, store, context, parent: int | None,
               model_prefix: str) -> None:
    from . import views
    from .vocab import MG

    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE IF NOT EXISTS documents (view TEXT NOT NULL, id TEXT NOT NULL, "
               "body BLOB NOT NULL, PRIMARY KEY (view, id)) WITHOUT ROWID")
    db.execute("CREATE TABLE IF NOT EXISTS done (id TEXT PRIMARY KEY) WITHOUT ROWID")
    db.execute("CREATE TABLE IF NOT EXISTS progress (name TEXT PRIMARY KEY, value)")
    done = {row[0] for row in db.execute("SELECT id FROM done")}
    models = sorted({
        row["model"].value[len(model_prefix):]
        for row in store.query(f"SELECT DISTINCT ?model WHERE {{ GRAPH ?g {{ ?model a "
                               f"<{MG.Model.value}> }} }}")
        if row["model"].value.startswith(model_prefix)
    })
    todo = [m for m in models if m not in done]
    started = time.monotonic()
    with db:
        db.executemany("INSERT OR REPLACE INTO progress VALUES (?, ?)",
                       [("models", len(models)), ("complete", 0)])
    for first in range(0, len(todo), _BATCH):
        if parent is not None and os.getppid() != parent:
            return  # the server that asked for it has gone
        rows = []
        for model_id in todo[first:first + _BATCH]:
            memo: dict = {}  # one model's views run some of the same queries
            for name in DOCUMENTS:
                try:
                    document = getattr(views, name)(context(memo), model_id)
                except NotFound:
                    continue
                if name == "migration_candidates":
                    body = candidate_lines(document)
                else:
                    body = json_bytes(document.to_dict() if hasattr(document, "to_dict")
                                      else document)
                rows.append((name, model_id, _compress(body)))
        with db:
            db.executemany("INSERT OR REPLACE INTO documents VALUES (?, ?, ?)", rows)
            db.executemany("INSERT OR IGNORE INTO done VALUES (?)",
                           [(m,) for m in todo[first:first + _BATCH]])
            db.execute("INSERT OR REPLACE INTO progress VALUES ('done', ?)",
                       (len(done) + min(first + _BATCH, len(todo)),))
    with db:
        db.executemany("INSERT OR REPLACE INTO progress VALUES (?, ?)",
                       [("done", len(models)), ("complete", 1),
                        ("seconds", round(time.monotonic() - started, 1))])


def _write_atomically(path: Path, data: bytes) -> None:
    temp = path.with_name(f".{path.name}.{os.getpid()}")
    temp.write_bytes(data)
    os.replace(temp, path)


def _remove_dead_generations(data_dir: Path) -> None:
    """Documents of generations the store no longer has."""
    from .store.embedded import GENERATIONS

    for folder in (data_dir / VIEWS_DIR).iterdir():
        if not (data_dir / GENERATIONS / folder.name).is_dir():
            shutil.rmtree(folder, ignore_errors=True)


def _remove_unused_keys(folder: Path, key: str) -> None:
    """Files of other KEYs: another version's at once, another stale set's (yesterday's,
    or another server's threshold) once nobody has read them for a while."""
    code = key.split("-", 1)[0]
    for path in folder.iterdir():
        other = path.name.split(".", 1)[0]
        if other == key or path.name == SOURCES_FILE or path.name.startswith("."):
            continue
        try:
            if not other.startswith(code + "-") \
                    or time.time() - path.stat().st_atime > _UNUSED_FOR_S:
                path.unlink()
        except FileNotFoundError:
            pass


# -- reading -------------------------------------------------------------------------------


class MaterializedViews:
    """The documents of the live generation, for a server: `document(view, model_id)` is
    the JSON bytes or None (compute it). Starts the fill of a generation that lacks one."""

    def __init__(self, data_dir: Path, stale_after_days: int, log_format: str = "text") -> None:
        from .web.cache import generation_reader  # re-reads CURRENT only when it changes

        self.data_dir = Path(data_dir)
        self.stale_after_days = stale_after_days
        self.log_format = log_format  # the fill logs to our stderr, as we do
        self._generation = generation_reader(self.data_dir)
        self._lock = threading.Lock()
        self._opened: tuple | None = None  # the (generation, today) looked for, and when
        self._looked_at = 0.0
        self._connection: sqlite3.Connection | None = None  # to its file, once there
        self._filler: subprocess.Popen | None = None
        self._filling: str | None = None  # the generation the filler was started for
        self._spawned_at = 0.0
        self._completed: tuple | None = None  # the (generation, today) seen complete
        self._cannot: str | None = None  # a generation whose documents cannot be written
        self._closed = False
        self._kept: OrderedDict[tuple[str, str], bytes] = OrderedDict()  # of _connection
        self._kept_bytes = 0

    def start(self) -> None:
        """Begin filling the live generation's documents now (rather than at a first miss)."""
        self._current()

    def document(self, view: str, model_id: str) -> bytes | None:
        return self.documents((view, model_id))[0]

    def documents(self, *keys: tuple[str, str]) -> list[bytes | None]:
        """The documents (view, model id) of one generation (None for each not there)."""
        if not all(view in DOCUMENTS for view, _ in keys):
            return [None] * len(keys)
        reader = self._current()
        return [self._read(reader, key) if reader is not None else None for key in keys]

    def _read(self, reader: sqlite3.Connection, key: tuple[str, str]) -> bytes | None:
        with self._lock:
            if reader is self._connection and (kept := self._kept.get(key)) is not None:
                self._kept.move_to_end(key)
                return kept
        try:
            row = reader.execute("SELECT body FROM documents WHERE view = ? AND id = ?",
                                 key).fetchone()
        except sqlite3.Error:
            return None
        if row is None:
            return None
        document = _decompress(row[0])
        with self._lock:
            if reader is self._connection and key not in self._kept:
                self._kept[key] = document
                self._kept_bytes += len(document)
                while self._kept_bytes > _KEEP_BYTES:
                    self._kept_bytes -= len(self._kept.popitem(last=False)[1])
        return document

    def status(self) -> dict:
        """For /health: how far the live generation's documents are."""
        reader = self._current()
        if reader is None:
            return {"state": "waiting" if not self._closed else "off"}
        try:
            progress = dict(reader.execute("SELECT name, value FROM progress").fetchall())
        except sqlite3.Error:
            return {"state": "waiting"}
        state = "complete" if progress.get("complete") else "filling"
        out = {"state": state, "models": progress.get("models"), "done": progress.get("done")}
        if state == "complete":
            out["seconds"] = progress.get("seconds")
        return out

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._filler is not None and self._filler.poll() is None:
                self._filler.terminate()
                try:
                    self._filler.wait(5)
                except subprocess.TimeoutExpired:
                    self._filler.kill()
            if self._connection is not None:
                self._connection.close()
            self._connection = None
            self._forget_kept()

    def _forget_kept(self) -> None:
        self._kept.clear()
        self._kept_bytes = 0

    def _current(self) -> sqlite3.Connection | None:
        """The connection to today's documents of the live generation (None: not there)."""
        generation = self._generation()
        if generation is None or self._closed:
            return None
        today = dt.date.today()
        with self._lock:
            if self._opened != (generation, today) or (
                    self._connection is None and time.monotonic() - self._looked_at > 1.0):
                self._open(generation, today)  # a file not there yet: looked for each second
            connection = self._connection
            if self._completed != self._opened:
                if connection is not None and self._complete(connection):
                    self._completed = self._opened
                else:
                    self._ensure_filling(generation)
            return connection

    def _open(self, generation: str, today: dt.date) -> None:
        if self._connection is not None:
            self._connection.close()
        self._connection = None
        self._forget_kept()
        self._opened, self._looked_at = (generation, today), time.monotonic()
        folder = self.data_dir / VIEWS_DIR / generation
        try:
            newest = json.loads((folder / SOURCES_FILE).read_bytes())
        except (FileNotFoundError, ValueError):
            return  # the fill writes it first
        path = folder / f"{document_key(newest, today, self.stale_after_days)}.sqlite"
        if path.exists():
            self._connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True,
                                               check_same_thread=False)

    @staticmethod
    def _complete(connection: sqlite3.Connection) -> bool:
        try:
            row = connection.execute(
                "SELECT value FROM progress WHERE name = 'complete'").fetchone()
        except sqlite3.Error:
            return False
        return bool(row and row[0])

    def _ensure_filling(self, generation: str) -> None:
        """Start `python -m modelgraph.materialized` for the generation, unless one this
        server started still runs or died moments ago (a lock keeps it to one per data dir)."""
        running = self._filler is not None and self._filler.poll() is None
        if (running and self._filling == generation) or self._cannot == generation:
            return
        if self._filler is not None and self._filler.returncode == CANNOT_WRITE \
                and self._filling == generation:
            self._cannot = generation  # e.g. a read-only data directory: views are computed
            log.warning("views of generation %s cannot be materialised (see above); they "
                        "are computed per request", generation)
            return
        if not running and self._filling == generation \
                and time.monotonic() - self._spawned_at < _RESPAWN_AFTER_S:
            return
        if running:  # still filling a generation that is no longer live
            self._filler.terminate()
        self._filler = subprocess.Popen(
            [sys.executable, "-m", "modelgraph.materialized", str(self.data_dir), generation,
             str(self.stale_after_days), str(os.getpid()), self.log_format],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        )
        self._filling, self._spawned_at = generation, time.monotonic()


def main(argv: list[str]) -> int:
    if len(argv) not in (3, 4, 5):
        print("usage: python -m modelgraph.materialized DATA_DIR GENERATION "
              "STALE_AFTER_DAYS [PARENT_PID [json|text]]", file=sys.stderr)
        return 2
    from .settings import Settings
    from .web.serve import configure_logging

    configure_logging(Settings(log_format=argv[4] if len(argv) == 5 else "text",
                               log_level="info"))
    os.nice(10)  # requests come first
    parent = int(argv[3]) if len(argv) >= 4 else None
    started = time.monotonic()
    try:
        path = fill(Path(argv[0]), argv[1], int(argv[2]), parent=parent)
    except (OSError, sqlite3.OperationalError) as exc:  # read-only or full disk
        log.error("cannot materialise the views of generation %s: %s", argv[1], exc)
        return CANNOT_WRITE
    if path is not None:
        log.info("materialised the views of generation %s in %.1f s", argv[1],
                 time.monotonic() - started)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
