"""Every route's dependencies and handlers are coroutines: FastAPI runs a plain function in
its thread pool, a thread hop per dependency per request that doubled small requests' p99
under load (the commit that made them async has the figures)."""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Iterator
from typing import Any

from fastapi.routing import APIRoute

from odm.app import create_app
from tests.isolation import isolated_settings


def _calls(dependant: Any) -> Iterator[Any]:
    if dependant.call is not None:
        yield dependant.call
    for sub in dependant.dependencies:
        yield from _calls(sub)


def _routes(routes: Iterable[Any]) -> Iterator[tuple[str, Any]]:
    """(path, callable) of every API route's handler and dependencies, included routers'
    own dependencies among them."""
    for route in routes:
        if isinstance(route, APIRoute):
            for call in _calls(route.dependant):
                yield route.path, call
        included = getattr(route, "original_router", None)
        if included is not None:
            for depends in route.include_context.dependencies:
                yield "(router)", depends.dependency
            yield from _routes(included.routes)


def test_no_route_runs_a_function_in_the_thread_pool() -> None:
    app = create_app(isolated_settings(database_url="sqlite:///unused.db"))
    found = list(_routes(app.routes))
    assert len({path for path, _call in found}) > 30
    plain = {
        f"{path}: {getattr(call, '__qualname__', call)}"
        for path, call in found
        if not inspect.iscoroutinefunction(call)
    }
    assert not plain, sorted(plain)
