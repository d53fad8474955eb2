"""Service settings: every one has a default and a description, and can be set from the
environment as MODELGRAPH_<NAME> (e.g. MODELGRAPH_QUERY_TIMEOUT_S=30).

The descriptions are the documentation: `settings_table()` renders them for the README.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from .errors import InputError
from .store.embedded import default_data_dir

ENV_PREFIX = "MODELGRAPH_"


def _default_workers() -> int:
    # twice the cores: a worker handing its answer back (and waiting for the next query)
    # leaves its core idle; on 2 cores, 4 workers answer 8 clients ~10 % faster than 2
    return max(2, min(8, 2 * (os.cpu_count() or 1)))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True)

    host: str = Field("127.0.0.1", description="Interface the HTTP server listens on.")
    port: int = Field(8000, ge=0, le=65535, description="TCP port the HTTP server listens on.")
    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Directory holding the store generations "
        "(default $XDG_DATA_HOME/modelgraph, i.e. ~/.local/share/modelgraph).",
    )
    store_url: str | None = Field(
        None,
        description="URL of a SPARQL triplestore (e.g. http://127.0.0.1:7878 for `oxigraph "
        "serve`) to serve instead of the data directory; configured further by "
        "MODELGRAPH_STORE_* variables (docs/remote-stores.md). Unset: the embedded store.",
    )
    seeds_dir: Path = Field(
        Path("seeds"), description="Directory of scraped pages a build reads (*.txt)."
    )
    query_timeout_s: float = Field(
        10.0,
        gt=0,
        description="Wall-clock limit per query in seconds; the worker running an "
        "overrunning query is killed and the client gets 503.",
    )
    inline_query_max_ms: float = Field(
        25.0,
        ge=0,
        description="A query that a worker answered within this many milliseconds runs in "
        "the server process the next time it is asked on the same store generation, "
        "skipping the worker hop (~0.5–1 ms). Its cost is then known, so the time limit "
        "still holds (capped at a tenth of it). 0: every query runs in a worker.",
    )
    max_response_bytes: int = Field(
        64 * 2**20,
        gt=0,
        description="Largest serialised answer in bytes; larger results are refused with "
        "a message suggesting LIMIT.",
    )
    max_body_bytes: int = Field(
        2**20, gt=0, description="Largest accepted request body in bytes (else 413)."
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins allowed to call the API from a browser (CORS), comma-separated "
        "or a JSON list; '*' allows any. Empty: CORS off.",
    )
    allow_service_calls: bool = Field(
        False,
        description="Allow SERVICE (federated queries) and LOAD, which make the server "
        "fetch other URLs. Off by default.",
    )
    admin_token: SecretStr | None = Field(
        None,
        description="Bearer token that authorises writes (SPARQL Update, Graph Store "
        "writes). Unset: the service is read-only.",
    )
    stale_after_days: int = Field(
        90,
        ge=1,
        description="A source page not verified for this many days is reported as stale.",
    )
    workers: int = Field(
        default_factory=_default_workers,
        ge=1,
        description="Number of query worker processes (queries running at the same time); "
        "default twice the CPU count, from 2 to 8.",
    )
    materialize_views: bool = Field(
        True,
        description="Keep every model's per-model views (model, offers, lineage, timeline, "
        "migration profile) computed for the live generation of the embedded store: a "
        "background process fills them after each build or ingest, and until it has, views "
        "are computed per request. No effect on a remote store.",
    )
    response_cache_bytes: int = Field(
        64 * 2**20,
        ge=0,
        description="Memory for answers to repeated GET requests, kept while the store "
        "generation they came from is live (never stale; ETag = generation). 0: off. "
        "Send Cache-Control: no-cache to bypass it.",
    )
    log_format: Literal["json", "text"] = Field(
        "json", description="Log line format: 'json' (one object per line) or 'text'."
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "info", description="Lowest level of log messages written."
    )

    @field_validator("store_url", mode="before")
    @classmethod
    def _check_store_url(cls, value):
        from .store import is_store_url

        if value in (None, ""):
            return None
        if not is_store_url(value):
            raise ValueError("a store URL starts with http:// or https://")
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value):
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part.strip() for part in text.split(",") if part.strip()]
        return value


def load_settings(overrides: dict | None = None, *,
                  options: dict[str, str] | None = None) -> Settings:
    """Settings from the environment and `overrides` (by field name). A value that breaks
    a rule raises InputError naming where it came from: the option `options` gives for an
    overridden field (e.g. ``{"port": "--port"}``), else the environment variable."""
    overrides = overrides or {}
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problem = exc.errors()[0]
        name = str(problem["loc"][0]) if problem["loc"] else ""
        where = (options or {}).get(name, name) if name in overrides \
            else f"{ENV_PREFIX}{name.upper()}"
        rule = problem["msg"]
        for prefix in ("Input should be ", "Value error, "):
            rule = rule.removeprefix(prefix)
        if problem["msg"].startswith("Input should be "):
            rule = f"must be {rule}"
        raise InputError(f"{rule}, not {problem['input']!r}", field=where) from None


def settings_table() -> str:
    """A Markdown table of every setting: environment variable, default, description."""
    rows = ["| Variable | Default | Description |", "| --- | --- | --- |"]
    for name, field in Settings.model_fields.items():
        if field.default_factory is not None:
            default = "(computed)" if name != "cors_origins" else "[]"
        else:
            default = "unset" if field.default is None else str(field.default)
        rows.append(f"| `{ENV_PREFIX}{name.upper()}` | `{default}` | {field.description} |")
    return "\n".join(rows)
