"""The FastAPI application: the JSON API under /api, the explorer's pages, and their assets.

Read-only unless started with ``--allow-edits``, and then every write needs the server's
token (api/auth.py, api/edits.py, api/security.py); no CORS, and every response carries
security headers with a Content-Security-Policy that allows only this origin: the
pages load no script, style or map tile from anywhere else.
"""

from __future__ import annotations

import os
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator, Sequence

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from communique.api import edits, pages, routes
from communique.api.auth import EditSettings
from communique.api.pages import WEB
from communique.api.database import Database
from communique.errors import StoreBusyError

# The JavaScript libraries come from npm (web/package.json) at set-up time; only these files are served.
VENDOR_FILES = {
    "d3.js": "d3/dist/d3.min.js",
    "topojson-client.js": "topojson-client/dist/topojson-client.min.js",
    "countries-110m.json": "world-atlas/countries-110m.json",
    "swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
}
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def default_assets() -> Path:
    """web/node_modules of a source checkout, or $COMMUNIQUE_WEB_ASSETS."""
    configured = os.environ.get("COMMUNIQUE_WEB_ASSETS")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[3] / "web" / "node_modules"


def create_app(db: str | Path, *, assets: Path | None = None, allowed_hosts: Sequence[str] | None = None,
               edit_settings: EditSettings | None = None, **database_options: Any) -> FastAPI:
    """The explorer and API over the database file ``db``, opened read-only while requests need it.

    ``assets``: the npm ``node_modules`` folder with the chart and map libraries; without it
    the pages still show their tables.  ``allowed_hosts``: Host headers to accept (a guard
    against DNS rebinding when serving on localhost); None accepts any.  ``database_options``:
    how the file is shared with writers (see :class:`communique.api.database.Database`).
    ``edit_settings``: whether people may correct events and actors, with which token
    (default: read-only; see :mod:`communique.api.auth`)."""
    assets = Path(assets) if assets is not None else default_assets()
    edit_settings = edit_settings or EditSettings.read_only()
    if edit_settings.allowed:
        edits.prepare(db)  # corrections need the current schema
    database = Database(db, **database_options)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        database.close()

    app = FastAPI(
        lifespan=lifespan,
        title="communique",
        summary="The event database: events, actors, documents, statistics, networks and exports.",
        description=("Read-only JSON API of a communique event database. Every list takes the same filters; "
                     "bad parameters are answered with 422 and a `detail` that says why."),
        version="0.1.0", docs_url=None, redoc_url=None,
    )
    app.state.db = database
    app.state.vendor = {name: assets / rel for name, rel in VENDOR_FILES.items()}
    app.state.charts = all(app.state.vendor[name].is_file()
                           for name in ("d3.js", "topojson-client.js", "countries-110m.json"))
    app.include_router(routes.router)
    app.include_router(pages.router)
    edits.install(app, edit_settings)  # before the headers middleware, which must wrap its answers
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")

    @app.get("/vendor/{name}", include_in_schema=False)
    def vendor(name: str) -> FileResponse:
        path = app.state.vendor.get(name)  # a fixed list: no path from the request reaches the file system
        if path is None or not path.is_file():
            raise HTTPException(404, f"{name} is not installed: run `make install` (npm ci in web/)")
        return FileResponse(path, headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/docs", include_in_schema=False)
    def docs(request: Request) -> Response:
        return pages.templates.TemplateResponse(request, "swagger.html", {"charts": app.state.charts})

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    if allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        messages = []
        for error in exc.errors():
            where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("query", "path"))
            messages.append(f"{where}: {error.get('msg')}" if where else str(error.get("msg")))
        detail = "; ".join(messages) or "invalid request"
        if _wants_html(request):
            return pages.error_page(request, 422, detail)
        return JSONResponse({"detail": detail, "errors": _plain(exc.errors())}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_html(request):
            return pages.error_page(request, exc.status_code, str(exc.detail))
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(StoreBusyError)
    async def busy(request: Request, exc: StoreBusyError) -> Response:
        if _wants_html(request):
            return pages.error_page(request, 503, str(exc), headers={"Retry-After": "5"})
        return JSONResponse({"detail": str(exc)}, status_code=503, headers={"Retry-After": "5"})

    return app


def _wants_html(request: Request) -> bool:
    path = request.url.path
    return not (path.startswith("/api/") or path.startswith("/vendor/") or path.startswith("/static/")
                or path == "/openapi.json")


def _plain(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """Validation errors without the raw input objects, which may not be JSON."""
    return [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg")), "type": str(e.get("type"))} for e in errors]
