"""Workarounds for two LocalStack 4.13.1 bugs that a Serverless Framework v3 stack runs into,
two opt-in changes and a counter. Applied by an ``on_infra_start`` hook (entry point in pyproject.toml);
``HOST_EXECUTOR_PATCHES=0`` turns the two workarounds off (``deploy:local`` then applies both
fixes through the AWS API: localstack/scripts/stack-fixes.ts). They patch LocalStack's classes
at run time (``localstack.utils.patch``); no LocalStack file is changed or copied.

Guarded (patch_guard.py): they were written against the source of LocalStack
``LOCALSTACK_VERSION``; on any other version none is applied and a warning says so. On that
version, every class, function and parameter a patch touches is looked up first; if one is
missing (a LocalStack built differently), LocalStack's start fails with an error naming each
one, instead of a patch that silently does nothing.

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

Always on (it changes nothing LocalStack does):

5. Throttles are counted for the Cloud panel (stats.py): ``LambdaVersionManager.invoke`` raises
   ``TooManyRequestsException`` when a call finds the function's concurrency limit reached
   (counting_service.py:184, 229, for every caller: API Gateway, the event manager, SQS event
   source mappings); the patch counts it and re-raises it. Unpatched (another LocalStack
   version), the stats say throttles are not counted and the panel shows "not reported".
"""

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from localstack.runtime import hooks

from .patch_guard import HostPatch, Target, apply_patches, installed_localstack_version
from .settings import HostSettings, settings

LOG = logging.getLogger(__name__)


@hooks.on_infra_start()
def host_executor_patches():
    apply_patches(installed_localstack_version(), settings(), PATCHES)


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


def _count_throttles(_host: HostSettings, invoke, too_many_requests) -> list:
    from localstack.utils.patch import patch

    from .stats import host_stats

    stats = host_stats()

    @patch(invoke)
    def counted(fn, self, *, invocation):
        try:
            return fn(self, invocation=invocation)
        except too_many_requests:
            stats.throttled(self.function_version.id.function_name)
            raise

    stats.throttles_counted = True
    return [counted.patch]


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
    HostPatch(
        "throttles counted for the Cloud panel",
        (
            Target(f"{_LAMBDA}.invocation.version_manager", "LambdaVersionManager.invoke", ("invocation",)),
            Target("localstack.aws.api.lambda_", "TooManyRequestsException"),
        ),
        _count_throttles,
        lambda _host: True,
    ),
)
