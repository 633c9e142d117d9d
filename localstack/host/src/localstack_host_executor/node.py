"""Which node runs a function, and the runtime it runs: the host's binaries stand in for the
Lambda Node.js runtimes. For a runtime ``nodejs<major>.x`` the first of these that exists:

1. ``LAMBDA_HOST_NODE_BIN_<major>`` (a path; set but missing is an error, not a fallback);
2. the newest ``<LAMBDA_HOST_NODE_CACHE>/node<major>-<version>/node_modules/.bin/node``: the
   npm registry's ``node@<major>`` package, installed with
   ``npm install --prefix ~/.cache/dockercoins/node<major>-<version> node@<version>``
   (``localstack:up`` sets the cache folder; CI installs Node 24 there);
3. ``node`` on ``PATH`` when its major is the runtime's;
4. ``LAMBDA_HOST_NODE_BIN`` (``localstack:up``: the node running the scripts), else ``node``
   on PATH, whatever its major: logged as a warning that names what was looked for.

The choice is made once per major and logged; the runtime prints it in each environment's
first log lines (INIT_START), which reach CloudWatch Logs.
"""

import logging
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from localstack.services.lambda_.invocation.runtime_executor import LambdaRuntimeException

from .settings import HostSettings, settings

LOG = logging.getLogger(__name__)
NODE_VERSION_TIMEOUT_SEC = 10
CACHE_ENTRY = re.compile(r"^node(\d+)-(\d+)\.(\d+)\.(\d+)$")
CACHE_BIN = Path("node_modules", ".bin", "node")


@dataclass(frozen=True)
class NodeChoice:
    path: str
    version: str  # "v24.21.0"
    # Where it was found: "LAMBDA_HOST_NODE_BIN_24", "cache", "PATH" or "fallback".
    source: str

    @property
    def major(self) -> str:
        return self.version.lstrip("v").split(".")[0]


def runtime_major(runtime: str | None) -> str:
    """The major version of a Lambda runtime name: "nodejs24.x" -> "24"."""
    return str(runtime or "").removeprefix("nodejs").split(".")[0]


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


def cached_node(cache_dir: Path | None, major: str) -> Path | None:
    """The newest node<major>-<version> install in the cache folder, if any."""
    if cache_dir is None or not cache_dir.is_dir():
        return None
    found: list[tuple[tuple[int, int, int], Path]] = []
    for entry in cache_dir.iterdir():
        match = CACHE_ENTRY.match(entry.name)
        if match and match.group(1) == major and (entry / CACHE_BIN).is_file():
            found.append((tuple(int(g) for g in match.groups()[1:]), entry / CACHE_BIN))
    return max(found)[1] if found else None


def choose_node(major: str, host: HostSettings, which=shutil.which) -> NodeChoice:
    explicit = host.node_by_major.get(major)
    if explicit:
        if not Path(explicit).is_file():
            raise LambdaRuntimeException(
                f"host executor: LAMBDA_HOST_NODE_BIN_{major}={explicit} does not exist"
            )
        return NodeChoice(explicit, node_version(explicit), f"LAMBDA_HOST_NODE_BIN_{major}")
    cached = cached_node(host.node_cache_dir, major)
    if cached is not None:
        return NodeChoice(str(cached), node_version(str(cached)), "cache")
    on_path = which("node")
    if on_path and node_version(on_path).lstrip("v").split(".")[0] == major:
        return NodeChoice(on_path, node_version(on_path), "PATH")
    fallback = host.node_default or on_path
    if not fallback or not Path(fallback).is_file():
        raise LambdaRuntimeException(
            "host executor: no node binary (set LAMBDA_HOST_NODE_BIN or put node on PATH)"
        )
    return NodeChoice(fallback, node_version(fallback), "fallback")


_CHOSEN: dict[str, NodeChoice] = {}
_CHOSEN_LOCK = threading.Lock()


def node_for(runtime: str | None = None) -> NodeChoice:
    """The node for a runtime, chosen and logged once per major."""
    major = runtime_major(runtime)
    with _CHOSEN_LOCK:
        if major not in _CHOSEN:
            host = settings()
            choice = choose_node(major, host)
            _CHOSEN[major] = choice
            if runtime and choice.major != major:
                cache = host.node_cache_dir or Path("~/.cache/dockercoins")
                LOG.warning(
                    "host executor: no Node %s found (LAMBDA_HOST_NODE_BIN_%s, %s/node%s-<version>, "
                    "node on PATH): %s functions run on node %s (%s) instead. Install one: "
                    "npm install --prefix %s/node%s-<version> node@%s",
                    major, major, cache, major, runtime, choice.version, choice.path,
                    cache, major, major,
                )
            else:
                LOG.info(
                    "host executor: %s functions run on node %s (%s, from %s)",
                    runtime or "nodejs", choice.version, choice.path, choice.source,
                )
        return _CHOSEN[major]


def node_bin(runtime: str | None = None) -> str:
    return node_for(runtime).path


def runtime_js() -> Path:
    path = settings().runtime_js
    if path is None or not path.is_file():
        raise LambdaRuntimeException(
            f"host executor: LAMBDA_HOST_RUNTIME_JS ({path}) is not the bundled runtime; "
            "npm run localstack:up builds it"
        )
    return path
