"""Workarounds for two LocalStack 4.13.1 bugs that a Serverless Framework v3 stack runs into,
and two opt-in changes. Applied by an ``on_infra_start`` hook (entry point in pyproject.toml);
``HOST_EXECUTOR_PATCHES=0`` turns the two workarounds off (``deploy:local`` then applies both
fixes through the AWS API: localstack/scripts/stack-fixes.ts). They patch LocalStack's classes
at run time (``localstack.utils.patch``); no LocalStack file is changed or copied.

Guarded: they were written against the source of LocalStack ``LOCALSTACK_VERSION``; on any
other version none is applied and a warning says so. On that version, every class, function
and parameter a patch touches is looked up first; if one is missing (a LocalStack built
differently), LocalStack's start fails with an error naming each one, instead of a patch that
silently does nothing.

1. GetStages ignores ``deploymentId`` (services/apigateway/legacy/provider.py:1169-1177 passes the
   call to moto, moto/apigateway/responses.py ``get_stages`` returns every stage). The CloudFormation
   handler of AWS::ApiGateway::Deployment deletes "the stages of the deployment" on delete
   (services/apigateway/resource_providers/aws_apigateway_deployment.py:170-175), so when
   ``serverless deploy`` replaces its deployment resource (every update), the live stage is deleted
   and the API answers 404 "does not correspond to a deployed API Gateway API". (4.14.0 filters.)
2. AWS::Lambda::Function ignores ``ReservedConcurrentExecutions`` (create:
   services/lambda_/resource_providers/aws_lambda_function.py:386-405, update: 563-578), so a
   serverless ``reservedConcurrency`` never reaches the function. (4.14.0 too.)

Opt-in, a parity change rather than a bug fix:

3. ``HOST_EXECUTOR_SQS_ESM_CONCURRENCY=N`` (N > 1): an SQS event source mapping handles up to N
   batches at once. LocalStack polls each mapping in one thread and invokes the function
   synchronously (esm_worker.py poller_loop -> sqs_poller.py:197-265 handle_messages ->
   senders/lambda_sender.py RequestResponse), so a standard queue is consumed by one function
   instance at a time; AWS scales to many. FIFO queues keep the stock, sequential behaviour.
4. ``HOST_EXECUTOR_LAMBDA_METRICS=0``: no CloudWatch metric per invocation.
"""

import importlib
import importlib.metadata
import inspect
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from localstack.runtime import hooks

from .settings import HostSettings, settings

LOG = logging.getLogger(__name__)

# The LocalStack release whose source these patches were written against and tested with.
LOCALSTACK_VERSION = "4.13.1"


class PatchTargetMissing(RuntimeError):
    """What a patch changes is not in this LocalStack."""


@dataclass(frozen=True)
class Target:
    """A member of LocalStack a patch changes: ``module``, then ``path`` ("Class.method")."""

    module: str
    path: str
    # Parameters the patch passes or reads by name.
    params: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.module}.{self.path}"


def resolve(target: Target) -> Any:
    """The member, or PatchTargetMissing naming what is missing."""
    try:
        found: Any = importlib.import_module(target.module)
    except ImportError as e:
        raise PatchTargetMissing(f"{target}: module {target.module} not importable ({e})") from e
    for part in target.path.split("."):
        if not hasattr(found, part):
            raise PatchTargetMissing(f"{target}: no attribute {part!r}")
        found = getattr(found, part)
    if target.params:
        try:
            parameters = inspect.signature(found).parameters
        except (TypeError, ValueError) as e:
            raise PatchTargetMissing(f"{target}: not a function ({e})") from e
        missing = [p for p in target.params if p not in parameters]
        if missing:
            raise PatchTargetMissing(f"{target}: no parameter {', '.join(missing)}")
    return found


@dataclass(frozen=True)
class HostPatch:
    name: str
    targets: tuple[Target, ...]
    # Applies the patch, given the settings and the resolved targets (in the order of
    # `targets`); returns the
    # localstack.utils.patch.Patch objects it applied (tests undo them).
    apply: Callable[..., list]
    wanted: Callable[[HostSettings], bool]


def installed_localstack_version() -> str:
    try:
        return importlib.metadata.version("localstack-core")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def apply_patches(
    version: str, host: HostSettings, patches: tuple[HostPatch, ...] | None = None
) -> list:
    """Applies the wanted patches, all or none; returns the applied Patch objects."""
    wanted = [p for p in (PATCHES if patches is None else patches) if p.wanted(host)]
    if not wanted:
        return []
    if version != LOCALSTACK_VERSION:
        LOG.warning(
            "host executor patches: written for LocalStack %s, this is %s: none applied (%s)",
            LOCALSTACK_VERSION, version, ", ".join(p.name for p in wanted),
        )
        return []
    resolved: list[tuple[HostPatch, list]] = []
    missing: list[str] = []
    for p in wanted:
        try:
            resolved.append((p, [resolve(t) for t in p.targets]))
        except PatchTargetMissing as e:
            missing.append(f"{p.name}: {e}")
    if missing:
        message = "host executor patches: LocalStack lacks what they patch: " + "; ".join(missing)
        LOG.error("%s", message)
        raise PatchTargetMissing(message)
    applied: list = []
    for p, members in resolved:
        applied.extend(p.apply(host, *members))
        LOG.info("host executor patch applied: %s", p.name)
    return applied


@hooks.on_infra_start()
def host_executor_patches():
    apply_patches(installed_localstack_version(), settings())


# ---- the patches ----------------------------------------------------------------------------
def _get_stages_filter(_host: HostSettings, get_stages) -> list:
    from localstack.utils.patch import patch

    @patch(get_stages)
    def filtered(fn, self, context, rest_api_id, deployment_id=None, **kwargs):
        result = fn(self, context, rest_api_id, deployment_id, **kwargs)
        if deployment_id:
            items = result.get("item", [])
            result["item"] = [s for s in items if s.get("deploymentId") == deployment_id]
        return result

    return [filtered.patch]


def _cfn_reserved_concurrency(_host: HostSettings, create, update, success) -> list:
    from localstack.utils.patch import patch

    def apply(request, model):
        client = request.aws_client_factory.lambda_
        name = model.get("FunctionName") or request.previous_state.get("FunctionName")
        wanted = request.desired_state.get("ReservedConcurrentExecutions")
        before = (request.previous_state or {}).get("ReservedConcurrentExecutions")
        if wanted is not None:
            client.put_function_concurrency(
                FunctionName=name, ReservedConcurrentExecutions=int(wanted)
            )
        elif before is not None:
            client.delete_function_concurrency(FunctionName=name)

    def then_apply(operation):
        @patch(operation)
        def patched(fn, self, request):
            event = fn(self, request)
            if event.status == success:
                apply(request, event.resource_model or request.desired_state)
            return event

        return patched.patch

    return [then_apply(create), then_apply(update)]


def _sqs_esm_concurrency(host: HostSettings, handle_messages, close, _is_fifo_queue) -> list:
    from localstack.utils.patch import patch

    concurrency = host.sqs_esm_concurrency

    @patch(handle_messages)
    def concurrent(fn, self, messages):
        if self.is_fifo_queue:
            return fn(self, messages)
        if not hasattr(self, "_host_executor_pool"):
            self._host_executor_pool = ThreadPoolExecutor(
                max_workers=concurrency, thread_name_prefix="esm-sqs-batch"
            )
            self._host_executor_slots = threading.BoundedSemaphore(concurrency)
        # blocks the poller thread while `concurrency` batches are in flight
        self._host_executor_slots.acquire()

        def run():
            try:
                fn(self, messages)
            except Exception as e:  # noqa: BLE001 (the stock poller logs and drops these too)
                LOG.warning("SQS batch processing failed: %s", e)
            finally:
                self._host_executor_slots.release()

        self._host_executor_pool.submit(run)

    @patch(close)
    def closing(fn, self):
        pool = getattr(self, "_host_executor_pool", None)
        if pool:
            pool.shutdown(wait=False, cancel_futures=True)
        return fn(self)

    return [concurrent.patch, closing.patch]


def _no_lambda_invocation_metrics(_host: HostSettings, _invocation, _error) -> list:
    from localstack.services.lambda_.invocation import version_manager
    from localstack.utils.patch import Patch

    def skip(*args, **kwargs):
        pass

    # Imported by name into version_manager, which calls them from a thread per invocation.
    patches = [
        Patch(version_manager, "record_cw_metric_invocation", skip),
        Patch(version_manager, "record_cw_metric_error", skip),
    ]
    for p in patches:
        p.apply()
    return patches


_LAMBDA = "localstack.services.lambda_"
_CFN_FUNCTION = f"{_LAMBDA}.resource_providers.aws_lambda_function"
_SQS_POLLER = f"{_LAMBDA}.event_source_mapping.pollers.sqs_poller"
PATCHES: tuple[HostPatch, ...] = (
    HostPatch(
        "GetStages honours deploymentId",
        (
            Target(
                "localstack.services.apigateway.legacy.provider",
                "ApigatewayProvider.get_stages",
                ("context", "rest_api_id", "deployment_id"),
            ),
        ),
        _get_stages_filter,
        lambda host: host.patches,
    ),
    HostPatch(
        "AWS::Lambda::Function ReservedConcurrentExecutions",
        (
            Target(_CFN_FUNCTION, "LambdaFunctionProvider.create", ("request",)),
            Target(_CFN_FUNCTION, "LambdaFunctionProvider.update", ("request",)),
            Target(
                "localstack.services.cloudformation.resource_provider", "OperationStatus.SUCCESS"
            ),
        ),
        _cfn_reserved_concurrency,
        lambda host: host.patches,
    ),
    HostPatch(
        "SQS event source mappings run batches concurrently",
        (
            Target(_SQS_POLLER, "SqsPoller.handle_messages", ("messages",)),
            Target(_SQS_POLLER, "SqsPoller.close"),
            Target(_SQS_POLLER, "SqsPoller.is_fifo_queue"),
        ),
        _sqs_esm_concurrency,
        lambda host: host.sqs_esm_concurrency > 1,
    ),
    HostPatch(
        "no CloudWatch metrics per Lambda invocation",
        (
            Target(f"{_LAMBDA}.invocation.version_manager", "record_cw_metric_invocation"),
            Target(f"{_LAMBDA}.invocation.version_manager", "record_cw_metric_error"),
        ),
        _no_lambda_invocation_metrics,
        lambda host: not host.lambda_metrics,
    ),
)
