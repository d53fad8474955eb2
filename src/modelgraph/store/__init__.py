"""Where the graph lives. One protocol; `EmbeddedStore` (pyoxigraph) is the default.

`open_store(data_dir)` opens the on-disk store in a data directory; `EmbeddedStore.memory()`
an in-memory one.
"""

from .embedded import EmbeddedStore, default_data_dir, open_store

__all__ = ["EmbeddedStore", "default_data_dir", "open_store"]
