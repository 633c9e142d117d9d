"""The Host check of LocalStack's gateway in host mode (DNS rebinding), the part of the local
clouds' wall (common/http-guard.ts) that LocalStack lacks: its CORS check refuses foreign
Origins, but it answers any Host name, so a page whose name later resolves to 127.0.0.1 is
same-origin with it and could call every AWS API with any credentials. Our runtime server
(server.py) puts ``guard_host`` first in the gateway's request handlers: a Host that is not a
loopback name (localhost, *.localhost, 127.0.0.0/8, [::1]), nor LocalStack's own
``*.localhost.localstack.cloud`` (public DNS answering 127.0.0.1, which no page can rebind),
nor listed in LOCAL_ALLOWED_HOSTS gets 403 before any other handler runs. The table of cases
is shared with the TypeScript guard: tests/fixtures/guard-hosts.json."""

import ipaddress
import json
import re

from localstack.aws.chain import HandlerChain
from localstack.aws.api import RequestContext
from localstack.http import Response

from .settings import settings

HOST_HEADER = re.compile(r"^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$")
LOOPBACK_IPV4 = re.compile(r"^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$")
LOCALSTACK_NAME = "localhost.localstack.cloud"
ALLOWED_HOSTS_SETTING = "LOCAL_ALLOWED_HOSTS"


def hostname_of(host: str) -> str | None:
    """The host name of a Host header, lower case; None when malformed or ending in a dot."""
    match = HOST_HEADER.match(host)
    if not match or re.search(r"\.(:\d*)?$", host):
        return None
    name = match.group(1).lower()
    if name.startswith("["):
        try:
            address = ipaddress.IPv6Address(name[1:-1])
        except ValueError:
            return None
        return "[::1]" if address == ipaddress.IPv6Address("::1") else f"[{address.compressed}]"
    return name


def _loopback(name: str) -> bool:
    if name == "localhost" or name.endswith(".localhost") or name == "[::1]":
        return True
    quad = LOOPBACK_IPV4.match(name)
    return bool(quad) and all(int(part) <= 255 for part in quad.groups())


def is_allowed_host(host: str | None, extra_hosts: tuple[str, ...] = ()) -> bool:
    """Whether a request with this Host header may reach LocalStack (None: no header, no browser)."""
    if host is None:
        return True
    name = hostname_of(host)
    if name is None:
        return False
    if _loopback(name) or name == LOCALSTACK_NAME or name.endswith("." + LOCALSTACK_NAME):
        return True
    return any(
        name == allowed[1:] or name.endswith(allowed) if allowed.startswith(".") else name == allowed
        for allowed in extra_hosts
    )


def refusal_message(host: str) -> str:
    return (
        f"forbidden: the Host header names {json.dumps(host)}, not this machine. LocalStack in "
        "host mode answers localhost, *.localhost, 127.0.0.1, [::1] and "
        f"*.{LOCALSTACK_NAME} only (a page on another host name could be rebinding its DNS to "
        f"127.0.0.1); add a host name to {ALLOWED_HOSTS_SETTING} to allow it"
    )


def guard_host(chain: HandlerChain, context: RequestContext, response: Response) -> None:
    """First request handler of the gateway: a foreign Host gets 403, and nothing else runs."""
    host = context.request.headers.get("Host")
    if is_allowed_host(host, settings().allowed_hosts):
        return
    response.status_code = 403
    response.set_json({"error": refusal_message(host or "")})
    chain.terminate()
