"""plux plugin classes. Keep imports lazy: plux loads these modules while resolving entry points."""
from localstack.runtime.server.core import RuntimeServer, RuntimeServerPlugin
from localstack.services.lambda_.invocation.plugins import RuntimeExecutorPlugin


class HostRuntimeExecutorPlugin(RuntimeExecutorPlugin):
    """Selected with LAMBDA_RUNTIME_EXECUTOR=host."""

    name = "host"

    def load(self, *args, **kwargs):
        from localstack_host_executor.executor import HostRuntimeExecutor

        return HostRuntimeExecutor


class LoopbackTwistedServerPlugin(RuntimeServerPlugin):
    """Selected with GATEWAY_SERVER=twisted-loopback: the default twisted server, but bound to the
    host part of GATEWAY_LISTEN (LocalStack 4.13.1's twisted server ignores it and binds 0.0.0.0)."""

    name = "twisted-loopback"

    def load(self, *args, **kwargs) -> RuntimeServer:
        from localstack_host_executor.server import LoopbackTwistedRuntimeServer

        return LoopbackTwistedRuntimeServer()
