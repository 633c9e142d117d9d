"""Which node runs a function, and the runtime it runs: the host's binaries stand in for the
Lambda Node.js runtimes (LAMBDA_HOST_NODE_BIN_<major> picks one per runtime major)."""

import subprocess
from pathlib import Path

from localstack.services.lambda_.invocation.runtime_executor import LambdaRuntimeException

from .settings import settings

NODE_VERSION_TIMEOUT_SEC = 10


def runtime_major(runtime: str | None) -> str:
    """The major version of a Lambda runtime name: "nodejs22.x" -> "22"."""
    return str(runtime or "").removeprefix("nodejs").split(".")[0]


def node_bin(runtime: str | None = None) -> str:
    node = settings().node_for(runtime_major(runtime))
    if not node or not Path(node).exists():
        raise LambdaRuntimeException(
            "host executor: no node binary (set LAMBDA_HOST_NODE_BIN or put node on PATH)"
        )
    return node


def runtime_js() -> Path:
    path = settings().runtime_js
    if path is None or not path.is_file():
        raise LambdaRuntimeException(
            f"host executor: LAMBDA_HOST_RUNTIME_JS ({path}) is not the bundled runtime; "
            "npm run localstack:up builds it"
        )
    return path


_VERSIONS: dict[str, str] = {}


def node_version(node: str) -> str:
    if node not in _VERSIONS:
        try:
            _VERSIONS[node] = subprocess.run(
                [node, "--version"], capture_output=True, text=True, timeout=NODE_VERSION_TIMEOUT_SEC
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError) as e:
            _VERSIONS[node] = f"unknown ({e})"
    return _VERSIONS[node]
