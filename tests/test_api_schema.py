"""Property tests generated from the API's own OpenAPI document (schemathesis + hypothesis):
whatever the parameters, valid or not, the API never answers 500, and its answers match the
schema it publishes.  Seeded and bounded (schemathesis's boundary cases for every parameter,
then a fixed number of generated ones), so a run takes seconds and repeats exactly."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance, not_a_server_error, response_schema_conformance, status_code_conformance,
)

from communique.api import create_app
from test_api import build_store  # the hand-written sample database

# Built at import: schemathesis's lazy fixture loader does not run under this pytest version.
_FOLDER = tempfile.TemporaryDirectory(prefix="communique-schema-")
APP = create_app(build_store(Path(_FOLDER.name) / "sample.duckdb"))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]


@schema.parametrize()
@settings(max_examples=20, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_no_generated_request_breaks_the_api(case):
    case.call_and_validate(checks=CHECKS)
