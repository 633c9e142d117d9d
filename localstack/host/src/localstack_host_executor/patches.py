"""Workarounds for two LocalStack 4.13.1 bugs that a Serverless Framework v3 stack runs into
(neither is specific to host mode; the Docker image has them too). Applied by an
``on_infra_start`` hook (entry point in pyproject.toml); ``HOST_EXECUTOR_PATCHES=0`` turns them
off. They patch LocalStack's classes at run time (``localstack.utils.patch``); no LocalStack
file is changed or copied.

1. GetStages ignores ``deploymentId`` (services/apigateway/legacy/provider.py:1169-1177 passes the
   call to moto, moto/apigateway/responses.py ``get_stages`` returns every stage). The CloudFormation
   handler of AWS::ApiGateway::Deployment deletes "the stages of the deployment" on delete
   (services/apigateway/resource_providers/aws_apigateway_deployment.py:170-175), so when
   ``serverless deploy`` replaces its deployment resource (every update), the live stage is deleted
   and the API answers 404 "does not correspond to a deployed API Gateway API".
2. AWS::Lambda::Function ignores ``ReservedConcurrentExecutions`` (create:
   services/lambda_/resource_providers/aws_lambda_function.py:386-405, update: 563-578), so a
   serverless ``reservedConcurrency`` never reaches the function.

Opt-in, a parity change rather than a bug fix:

3. ``HOST_EXECUTOR_SQS_ESM_CONCURRENCY=N`` (N > 1): an SQS event source mapping handles up to N
   batches at once. LocalStack polls each mapping in one thread and invokes the function
   synchronously (esm_worker.py poller_loop -> sqs_poller.py:197-265 handle_messages ->
   senders/lambda_sender.py RequestResponse), so a standard queue is consumed by one function
   instance at a time; AWS scales to many. FIFO queues keep the stock, sequential behaviour.
"""

import logging

from localstack.runtime import hooks

from .settings import settings

LOG = logging.getLogger(__name__)


@hooks.on_infra_start()
def host_executor_patches():
    # HOST_EXECUTOR_PATCHES=0 turns off the two bug workarounds only; the other two are
    # settings of their own.
    if settings().patches:
        _patch_get_stages_filter()
        _patch_cfn_reserved_concurrency()
    if settings().sqs_esm_concurrency > 1:
        _patch_sqs_esm_concurrency(settings().sqs_esm_concurrency)
    if not settings().lambda_metrics:
        _patch_no_lambda_invocation_metrics()


def _patch_get_stages_filter():
    from localstack.services.apigateway.legacy.provider import ApigatewayProvider
    from localstack.utils.patch import patch

    @patch(ApigatewayProvider.get_stages)
    def get_stages(fn, self, context, rest_api_id, deployment_id=None, **kwargs):
        result = fn(self, context, rest_api_id, deployment_id, **kwargs)
        if deployment_id:
            items = result.get("item", [])
            result["item"] = [s for s in items if s.get("deploymentId") == deployment_id]
        return result

    LOG.debug("host executor patches: GetStages honours deploymentId")


def _patch_cfn_reserved_concurrency():
    from localstack.services.cloudformation.resource_provider import OperationStatus
    from localstack.services.lambda_.resource_providers.aws_lambda_function import (
        LambdaFunctionProvider,
    )
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
            if event.status == OperationStatus.SUCCESS:
                apply(request, event.resource_model or request.desired_state)
            return event

    then_apply(LambdaFunctionProvider.create)
    then_apply(LambdaFunctionProvider.update)

    LOG.debug("host executor patches: AWS::Lambda::Function ReservedConcurrentExecutions")


def _patch_sqs_esm_concurrency(concurrency: int):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from localstack.services.lambda_.event_source_mapping.pollers.sqs_poller import SqsPoller
    from localstack.utils.patch import patch

    @patch(SqsPoller.handle_messages)
    def handle_messages(fn, self, messages):
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

    @patch(SqsPoller.close)
    def close(fn, self):
        pool = getattr(self, "_host_executor_pool", None)
        if pool:
            pool.shutdown(wait=False, cancel_futures=True)
        return fn(self)

    LOG.debug("host executor patches: SQS event source mappings run up to %d batches", concurrency)


def _patch_no_lambda_invocation_metrics():
    from localstack.services.lambda_.invocation import version_manager

    def skip(*args, **kwargs):
        pass

    # Imported by name into version_manager, which calls them from a thread per invocation.
    version_manager.record_cw_metric_invocation = skip
    version_manager.record_cw_metric_error = skip
    LOG.debug("host executor patches: no CloudWatch metrics per Lambda invocation")
