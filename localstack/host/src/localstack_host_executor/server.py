"""Twisted runtime server that honours the host of GATEWAY_LISTEN for IPv4 addresses, and
checks the Host name of every request before LocalStack's handlers (host_guard.py).

LocalStack 4.13.1 localstack/runtime/server/twisted.py:42 creates
``TCP4ServerEndpoint(reactor, port)`` without ``interface=`` ("TODO: interface = host?"),
so GATEWAY_LISTEN=127.0.0.1:4566 still listens on 0.0.0.0:4566.
"""
from rolo.gateway import Gateway
from rolo.serving.twisted import TwistedGateway
from twisted.internet import endpoints, reactor, ssl

from localstack import config
from localstack.aws.serving.twisted import TLSMultiplexerFactory
from localstack.runtime.server.twisted import TwistedRuntimeServer

from .host_guard import guard_host


class LoopbackTwistedRuntimeServer(TwistedRuntimeServer):
    def register(
        self,
        gateway: Gateway,
        listen: list[config.HostAndPort],
        ssl_creds: tuple[str, str] | None = None,
    ):
        # First of the gateway's request handlers (a rolo Gateway's public list): before CORS,
        # routing and every service.
        gateway.request_handlers.insert(0, guard_host)
        site = TwistedGateway(gateway)
        if ssl_creds:
            cert_file_name, key_file_name = ssl_creds
            context_factory = ssl.DefaultOpenSSLContextFactory(key_file_name, cert_file_name)
            context_factory.getContext().use_certificate_chain_file(cert_file_name)
            protocol_factory = TLSMultiplexerFactory(context_factory, False, site)
        else:
            protocol_factory = site

        for host_and_port in listen:
            if config.is_ipv6_address(host_and_port.host):
                endpoint = endpoints.TCP6ServerEndpoint(
                    reactor, host_and_port.port, interface=host_and_port.host
                )
            else:
                endpoint = endpoints.TCP4ServerEndpoint(
                    reactor, host_and_port.port, interface=host_and_port.host or ""
                )
            endpoint.listen(protocol_factory)
