"""Every setting of the host executor, read from the LocalStack process's environment in this
one module (`npm run localstack:up` sets them; localstack/README.md lists them). A bad value
fails with a message naming the variable rather than somewhere later, inside an invocation."""

import os
import re
from dataclasses import dataclass
from pathlib import Path

DEFAULT_INHERIT_ENV = "PATH,LANG,LC_ALL,SSL_CERT_FILE,NODE_EXTRA_CA_CERTS"
DEFAULT_TIMEOUT_GRACE_SEC = 2.0
# Share of a function's MemorySize given to V8's old space (--max-old-space-size): the rest is
# code, stacks and buffers, as in a Lambda sandbox of that size.
HEAP_SHARE_OF_MEMORY = 0.9
MIN_HEAP_MB = 64


class HostSettingError(ValueError):
    pass


@dataclass(frozen=True)
class HostSettings:
    # The Node.js execution environment (bundled from localstack/host/runtime/ by localstack:up).
    runtime_js: Path | None
    # node binaries: per runtime major ("24" for nodejs24.x), LAMBDA_HOST_NODE_BIN_<major>.
    node_by_major: dict[str, str]
    # Holds node<major>-<version>/node_modules/.bin/node (the registry's `node` package
    # installed with `npm install --prefix`): where a runtime's major is looked up next.
    node_cache_dir: Path | None
    # The node for a runtime major found nowhere else (logged as a fallback).
    node_default: str | None
    # Extra NODE_PATH: a node_modules holding @aws-sdk/*, which the AWS Node runtimes ship.
    node_path: str
    # The only host variables a function sees.
    inherit_env: tuple[str, ...]
    # Seconds after the function's timeout before a runtime that did not answer is killed.
    timeout_grace_sec: float
    heap_limit: bool
    patches: bool
    # > 1: an SQS event source mapping runs up to this many batches at once.
    sqs_esm_concurrency: int
    # LocalStack's CloudWatch metrics per invocation (Invocations, Errors).
    lambda_metrics: bool
    # LOCAL_ALLOWED_HOSTS: host names the gateway answers beside loopback ones (host_guard.py);
    # lower case, a leading dot allows subdomains (the local cloud's setting, common/http-guard.ts).
    allowed_hosts: tuple[str, ...] = ()


def _flag(env, name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes"):
        return True
    if raw in ("0", "false", "no"):
        return False
    raise HostSettingError(f"{name} must be 1 or 0, got {raw!r}")


def _number(env, name: str, default: float, minimum: float) -> float:
    raw = env.get(name, "").strip()
    if raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise HostSettingError(f"{name} must be a number, got {raw!r}") from None
    if value < minimum:
        raise HostSettingError(f"{name} must be at least {minimum}, got {raw!r}")
    return value


HOST_NAME = re.compile(r"^\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")


def _host_names(env, name: str) -> tuple[str, ...]:
    names = tuple(n.strip().lower() for n in env.get(name, "").split(",") if n.strip())
    for host in names:
        if not HOST_NAME.match(host):
            raise HostSettingError(
                f"{name}: {host!r} is not a host name (no scheme, port or path; a leading dot allows subdomains)"
            )
    return names


def load_settings(env=os.environ) -> HostSettings:
    runtime_js = env.get("LAMBDA_HOST_RUNTIME_JS", "").strip()
    prefix = "LAMBDA_HOST_NODE_BIN_"
    return HostSettings(
        runtime_js=Path(runtime_js) if runtime_js else None,
        node_by_major={k[len(prefix) :]: v for k, v in env.items() if k.startswith(prefix) and v},
        node_cache_dir=Path(cache) if (cache := env.get("LAMBDA_HOST_NODE_CACHE", "").strip()) else None,
        node_default=env.get("LAMBDA_HOST_NODE_BIN") or None,
        node_path=env.get("LAMBDA_HOST_NODE_PATH", ""),
        inherit_env=tuple(
            n for n in env.get("LAMBDA_HOST_INHERIT_ENV", DEFAULT_INHERIT_ENV).split(",") if n
        ),
        timeout_grace_sec=_number(
            env, "LAMBDA_HOST_TIMEOUT_GRACE_SEC", DEFAULT_TIMEOUT_GRACE_SEC, 0
        ),
        heap_limit=_flag(env, "LAMBDA_HOST_HEAP_LIMIT", True),
        patches=_flag(env, "HOST_EXECUTOR_PATCHES", True),
        sqs_esm_concurrency=int(_number(env, "HOST_EXECUTOR_SQS_ESM_CONCURRENCY", 1, 1)),
        lambda_metrics=_flag(env, "HOST_EXECUTOR_LAMBDA_METRICS", True),
        allowed_hosts=_host_names(env, "LOCAL_ALLOWED_HOSTS"),
    )


_loaded: HostSettings | None = None


def settings() -> HostSettings:
    """Read once, at first use (LocalStack loads the plugin when the first function starts)."""
    global _loaded
    if _loaded is None:
        _loaded = load_settings()
    return _loaded
