"""Where the graph lives. One protocol (`Store`), two implementations.

`EmbeddedStore` (pyoxigraph) is the default: `open_store(data_dir)` opens the on-disk store
in a data directory, `EmbeddedStore.memory()` an in-memory one. `RemoteStore` is a SPARQL
server (docs/remote-stores.md). `open_any(store_url, data_dir)` opens whichever is asked for.

`RemoteStore` is imported on first use, so that processes that only read the embedded
store (query workers) do not pay for the HTTP client.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from .base import Store
from .embedded import EmbeddedStore, default_data_dir, open_store

if TYPE_CHECKING:
    from .remote import RemoteStore

ENV_STORE_URL = "MODELGRAPH_STORE_URL"

__all__ = [
    "ENV_STORE_URL",
    "EmbeddedStore",
    "RemoteStore",
    "Store",
    "default_data_dir",
    "is_store_url",
    "open_any",
    "open_store",
]


def is_store_url(text: str | os.PathLike | None) -> bool:
    """True when `text` names a remote store (an http:// or https:// URL), not a directory."""
    return isinstance(text, str) and text.lower().startswith(("http://", "https://"))


def open_any(
    store_url: str | None = None,
    data_dir: Path | str | None = None,
    *,
    read_only: bool = True,
) -> Store:
    """The store asked for, first match wins: the remote store at `store_url`; `data_dir`
    (a directory, or an http(s) URL so that one `--store` option can take either); the
    remote store at `$MODELGRAPH_STORE_URL`; the default data directory.

    Remote stores are configured further by `MODELGRAPH_STORE_*` variables
    (`RemoteStore.from_env`).
    """
    if not store_url and is_store_url(data_dir):
        store_url, data_dir = str(data_dir), None
    if not store_url and data_dir is None:
        store_url = os.environ.get(ENV_STORE_URL)
    if store_url:
        from .remote import RemoteStore

        return RemoteStore.from_env(store_url)
    return open_store(Path(data_dir) if data_dir is not None else None, read_only=read_only)


def __getattr__(name: str):
    if name == "RemoteStore":
        from .remote import RemoteStore

        return RemoteStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
