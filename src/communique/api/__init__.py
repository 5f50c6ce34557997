"""The JSON API and web explorer over an event database: ``communique serve``.

    from communique.api import create_app
    app = create_app("communique.duckdb")   # an ASGI app: uvicorn, TestClient, ...
"""

from communique.api.app import create_app

__all__ = ["create_app"]
