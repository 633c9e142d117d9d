"""``GET /_host_executor/stats`` on LocalStack's gateway: the host executor's figures
(stats.py) as JSON, for the webui function's ``GET /cloud`` on stage ``local`` in host mode.
Added to LocalStack's router (``localstack.services.edge.ROUTER``, where LocalStack's own
executor endpoint adds its routes) by an ``on_infra_start`` hook."""

import json
import logging

from localstack.http import Request, Response, route
from localstack.runtime import hooks

from .stats import host_stats

LOG = logging.getLogger(__name__)

STATS_PATH = "/_host_executor/stats"
_registered = False


@route(STATS_PATH, methods=["GET"])
def serve_stats(_request: Request) -> Response:
    return Response(
        json.dumps(host_stats().report()),
        status=200,
        mimetype="application/json",
        headers={"Cache-Control": "no-store"},
    )


def register_stats_route() -> None:
    """Adds the route to LocalStack's router, once."""
    global _registered
    if _registered:
        return
    from localstack.services.edge import ROUTER

    ROUTER.add(serve_stats)
    _registered = True
    LOG.info("host executor: figures served at %s", STATS_PATH)


@hooks.on_infra_start()
def host_executor_stats_route():
    register_stats_route()
