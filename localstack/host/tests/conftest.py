"""Fixtures for the host executor's tests: the real executor, endpoint and runtime (a real
`node` running the bundled localstack/host/runtime) against a stand-in for LocalStack's
gateway: a small HTTP server on 127.0.0.1 serving LocalStack's own router, where the real
``ExecutorRouter`` routes (``/_localstack_lambda/<id>/status/...``) are registered. Run by
``npm run test:host-executor``, which bundles the runtime and names it and the node to use
(HOST_TESTS_RUNTIME_JS, HOST_TESTS_NODE)."""

import os
import threading
import uuid
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from localstack import config
from localstack.aws.api.lambda_ import PackageType
from localstack.services.edge import ROUTER
from localstack.services.lambda_.invocation.executor_endpoint import executor_router
from localstack.services.lambda_.invocation.lambda_models import (
    FunctionVersion,
    HotReloadingCode,
    LambdaEphemeralStorage,
    VersionFunctionConfiguration,
    VersionIdentifier,
    VersionState,
)
from localstack_host_executor import node as node_module
from localstack_host_executor import settings as settings_module
from localstack_host_executor.executor import HostRuntimeExecutor

ACCOUNT = "000000000000"
REGION = "us-east-1"
# The functions the tests run (CommonJS, as the esbuild bundles of the stack are).
HANDLERS = """
exports.echo = async (event, context) => ({
  event, pid: process.pid, node: process.version, execPath: process.execPath,
  remainingMs: context.getRemainingTimeInMillis(), executionEnv: process.env.AWS_EXECUTION_ENV,
  secret: process.env.HOST_TESTS_SECRET ?? null,
});
exports.slow = () => new Promise((resolve) => setTimeout(() => resolve("late"), 30000));
exports.block = () => { const end = Date.now() + 30000; while (Date.now() < end) {} };
exports.crash = async () => { console.log("about to exit"); process.exit(3); };
exports.leak = async () => { const kept = []; for (;;) { kept.push(Buffer.alloc(8e6, 1)); await new Promise((r) => setTimeout(r, 10)); } };
exports.asyncThrow = async () => { setTimeout(() => { throw new TypeError("async bug"); }, 1); await new Promise((r) => setTimeout(r, 500)); return "survived"; };
exports.rejection = async () => { Promise.reject(new RangeError("nobody catches this")); await new Promise((r) => setTimeout(r, 500)); return "survived"; };
exports.fail = async () => { throw new TypeError("bad input"); };
"""
BROKEN_MODULE = 'throw new Error("broken at import");\n'


def required_env(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        pytest.exit(f"{name} is not set: run the suite with npm run test:host-executor", 2)
    return value


@pytest.fixture(scope="session")
def runtime_js() -> Path:
    return Path(required_env("HOST_TESTS_RUNTIME_JS"))


@pytest.fixture(scope="session")
def node_bin() -> str:
    return required_env("HOST_TESTS_NODE")


@pytest.fixture(scope="session")
def gateway():
    """LocalStack's router over HTTP on a free loopback port: the runtime endpoint."""
    executor_router()  # registers the executor routes on ROUTER
    server = make_server("127.0.0.1", 0, ROUTER.wsgi(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()


@pytest.fixture
def host_settings(monkeypatch, runtime_js, node_bin, gateway, tmp_path):
    """The executor's settings as `localstack:up` would set them; returns a function that
    replaces them (an environment dict, on top of these)."""
    monkeypatch.setattr(config, "GATEWAY_LISTEN", [config.HostAndPort("127.0.0.1", gateway)])
    monkeypatch.setattr(node_module, "_CHOSEN", {})
    base = {
        "LAMBDA_HOST_RUNTIME_JS": str(runtime_js),
        "LAMBDA_HOST_NODE_BIN": node_bin,
        "LAMBDA_HOST_NODE_CACHE": str(tmp_path / "no-node-cache"),
        "LAMBDA_HOST_TIMEOUT_GRACE_SEC": "0.5",
        "PATH": os.environ.get("PATH", ""),
    }

    def use(extra: dict[str, str] | None = None):
        monkeypatch.setattr(settings_module, "_loaded", settings_module.load_settings({**base, **(extra or {})}))
        monkeypatch.setattr(node_module, "_CHOSEN", {})

    use()
    return use


@pytest.fixture
def code_dir(tmp_path) -> Path:
    code = tmp_path / "code"
    code.mkdir()
    (code / "index.js").write_text(HANDLERS)
    (code / "broken.js").write_text(BROKEN_MODULE)
    return code


def function_version(code: Path, handler: str, timeout: int = 3, runtime: str = "nodejs24.x"):
    name = f"host-tests-{uuid.uuid4().hex[:8]}"
    return FunctionVersion(
        id=VersionIdentifier(function_name=name, qualifier="$LATEST", region=REGION, account=ACCOUNT),
        config=VersionFunctionConfiguration(
            description="",
            role=f"arn:aws:iam::{ACCOUNT}:role/host-tests",
            timeout=timeout,
            runtime=runtime,
            memory_size=128,
            handler=handler,
            package_type=PackageType.Zip,
            environment={"HOST_TESTS_SECRET": "s3cret"},
            architectures=["x86_64"],
            internal_revision="1",
            ephemeral_storage=LambdaEphemeralStorage(size=512),
            snap_start=None,
            tracing_config_mode="PassThrough",
            code=HotReloadingCode(host_path=str(code)),
            last_modified="2026-12-06T00:00:00.000+0000",
            state=VersionState(state="Active"),
        ),
    )


def start_env(executor: HostRuntimeExecutor) -> None:
    """What LocalStack's ExecutionEnvironment passes to start() (execution_environment.py)."""
    fv = executor.function_version
    executor.start(
        {
            "AWS_REGION": REGION,
            "AWS_LAMBDA_FUNCTION_NAME": fv.id.function_name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": fv.config.memory_size,
            "AWS_LAMBDA_FUNCTION_VERSION": fv.id.qualifier,
            "AWS_LAMBDA_FUNCTION_TIMEOUT": fv.config.timeout,
            "LOCALSTACK_RUNTIME_ID": executor.id,
            "LOCALSTACK_RUNTIME_ENDPOINT": executor.get_runtime_endpoint(),
            "AWS_EXECUTION_ENV": "AWS_Lambda_rapid",
            "_HANDLER": fv.config.handler,
            **fv.config.environment,
        }
    )


@pytest.fixture
def environments(host_settings, code_dir):
    """Starts execution environments (prepare_version, then start); stops them all after."""
    started: list[HostRuntimeExecutor] = []

    def start(handler: str, timeout: int = 3, runtime: str = "nodejs24.x") -> HostRuntimeExecutor:
        fv = function_version(code_dir, handler, timeout, runtime)
        HostRuntimeExecutor.prepare_version(fv)
        executor = HostRuntimeExecutor(uuid.uuid4().hex, fv)
        started.append(executor)
        start_env(executor)
        return executor

    yield start
    for executor in started:
        executor.stop()
