"""The HTTP layer (the only package that imports FastAPI). See app.create_app."""

from .app import create_app, set_query_ui

__all__ = ["create_app", "set_query_ui"]
