"""Build and run the gRPC server.

``create_server`` binds (port 0 in tests) and registers services;
``serve`` loads models, flips health to SERVING, runs the retention job and
shuts down gracefully. Imagine is served when its parts are given (a server
built without them answers its methods UNIMPLEMENTED).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1.health import aio as health_aio
from grpc_reflection.v1alpha import reflection

from core.clock import SYSTEM_CLOCK, Clock
from edge.redaction import Redactor
from protos import glasses_pb2_grpc as pb_grpc
from server.accounts import Accounts
from server.assistant import AssistantService
from server.config import ServerConfig
from server.consent import ConsentLedger
from server.consent_rules import ConsentRules
from server.consent_service import ConsentService
from server.conversation import Conversations
from server.history import History
from server.history_service import DevicesService, HistoryService
from server.imagine.build import ImagineParts
from server.imagine.service import ImagineService
from server.imagine.verify import MAX_VERIFY_BYTES
from server.rights import Rights
from server.store.base import SampleStore
from server.tls import server_transport
from server.vlm import VisionLanguageBackend
from server.wire import SERVICE_NAMES

log = logging.getLogger(__name__)


@dataclass
class RunningServer:
    server: grpc.aio.Server
    port: int
    health: health_aio.HealthServicer
    store: SampleStore
    model_id: str = ""
    tls_ca: Path | None = None  # the CA devices trust, where the server created it
    owns_store: bool = False  # closed on stop when start_server opened it
    retention: asyncio.Task | None = None
    services: tuple[str, ...] = tuple(SERVICE_NAMES)  # those registered (health, reflection)

    @property
    def accounts(self) -> Accounts:
        return Accounts(self.store)

    async def set_serving(self, serving: bool) -> None:
        status = (
            health_pb2.HealthCheckResponse.SERVING
            if serving
            else health_pb2.HealthCheckResponse.NOT_SERVING
        )
        for name in ["", *self.services]:
            await self.health.set(name, status)

    async def stop(self, grace: float = 5.0) -> None:
        await self.set_serving(False)
        if self.retention is not None:
            self.retention.cancel()
        await self.server.stop(grace)
        if self.owns_store:
            self.store.close()


async def create_server(
    config: ServerConfig,
    backend: VisionLanguageBackend,
    store: SampleStore,
    recheck: Redactor | None,
    clock: Clock = SYSTEM_CLOCK,
    imagine: ImagineParts | None = None,
) -> RunningServer:
    """Bind and start the server; health reports NOT_SERVING until ``set_serving``.

    ``clock`` is what the assistant times answers and stamps samples with.
    ``imagine``: Imagine's models and keys (``server.imagine.build.build_parts``).
    TLS unless ``config.plaintext`` (loopback only); without a configured
    certificate, a local CA and certificate are created in ``config.tls_folder()``
    on first start and reused after (``RunningServer.tls_ca``).
    """
    transport = server_transport(config)  # before anything binds: a bad TLS config stops here
    max_request = max(config.max_frame_bytes, MAX_VERIFY_BYTES if imagine else 0)
    server = grpc.aio.server(
        options=[
            # frames up to max_frame_bytes; Imagine's Verify takes a whole file
            ("grpc.max_receive_message_length", max_request + (1 << 16)),
            # the edge pings every 10 s to find a dead link (edge.uplink.keepalive_s)
            ("grpc.keepalive_permit_without_calls", 1),
            ("grpc.http2.min_recv_ping_interval_without_data_ms", 5000),
        ]
    )
    ledger = ConsentLedger(store, config.consent.policy())
    accounts = Accounts(store)
    recheck = recheck if config.recheck_uploads else None
    pb_grpc.add_AssistantServicer_to_server(
        AssistantService(Conversations(config, backend, store, recheck, ledger, clock), accounts),
        server,
    )
    pb_grpc.add_ConsentServicer_to_server(
        ConsentService(
            accounts, Rights(store, ConsentRules(ledger, config.retention.transient_s, clock))
        ),
        server,
    )
    pb_grpc.add_HistoryServicer_to_server(HistoryService(accounts, History(store, store)), server)
    pb_grpc.add_DevicesServicer_to_server(DevicesService(accounts), server)
    services = [n for n in SERVICE_NAMES if imagine is not None or not n.endswith(".Imagine")]
    if imagine is not None:
        rules = ConsentRules(ledger, config.retention.transient_s, clock)
        imaginer = imagine.imaginer(store, rules, recheck, config.max_frame_bytes)
        pb_grpc.add_ImagineServicer_to_server(
            ImagineService(imaginer, imagine.verifier(), accounts), server
        )
    health = health_aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health, server)
    reflection.enable_server_reflection(
        [
            *services,
            health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
            reflection.SERVICE_NAME,
        ],
        server,
    )
    port = server.add_secure_port(f"{config.host}:{config.port}", transport.credentials)
    if port == 0:
        raise OSError(f"cannot bind {config.host}:{config.port}; is the port in use?")
    await server.start()
    running = RunningServer(
        server, port, health, store, backend.model_id, tls_ca=transport.ca, services=tuple(services)
    )
    await running.set_serving(False)
    return running


async def retention_job(store: SampleStore, every_s: float) -> None:
    """Delete what outlived its retention window, and blobs a crash left behind."""
    while True:
        samples, blobs = await asyncio.to_thread(store.purge_expired, time.time_ns())
        blobs += await asyncio.to_thread(store.collect_garbage)
        if samples or blobs:
            log.info("retention: deleted %d sample(s), %d blob(s)", samples, blobs)
        await asyncio.sleep(every_s)


async def start_server(config) -> RunningServer:  # noqa: ANN001 - AppConfig
    """Open the store, load the models, bind, and report SERVING."""
    from edge.components import build_redactor
    from server.components import build_store, build_vlm
    from server.imagine.build import build_parts

    store = build_store(config.server.store)
    try:
        backend = await asyncio.to_thread(build_vlm, config.models)
        recheck = await asyncio.to_thread(build_redactor, config.models, config.edge.redaction)
        imagine = None
        if config.server.imagine.enabled:
            imagine = await asyncio.to_thread(
                build_parts, config.server.imagine, config.models, config.server.store.path
            )
        running = await create_server(config.server, backend, store, recheck, imagine=imagine)
    except BaseException:
        store.close()
        raise
    running.owns_store = True
    running.retention = asyncio.create_task(
        retention_job(store, config.server.retention.purge_every_s)
    )
    await running.set_serving(True)
    log.info(
        "serving on %s:%d over %s (model %s)",
        config.server.host,
        running.port,
        "plaintext (loopback)" if config.server.plaintext else "TLS",
        backend.model_id,
    )
    return running


async def serve(config, on_ready=None) -> None:  # noqa: ANN001 - AppConfig
    """Serve until SIGINT/SIGTERM, then drain for ``server.grace_s``."""
    running = await start_server(config)
    try:
        if on_ready:
            on_ready(running)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
    finally:
        await running.stop(config.server.grace_s)
