"""Questions asked while the server is away are kept and delivered when it is
back: a real gRPC server on loopback, started late or restarted, the real
outbox on disk, the real SQLite store. Fake: the model (for speed)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket

from core.frames import Hello, Query, Stamp, Transcript
from edge.channel import open_channel, setting_to_fix
from edge.config import EdgeConfig, UplinkConfig
from edge.link import KeptUntilFixed, Queued, open_uplink
from edge.redaction import redact_transcript
from edge.uplink import bearer, channel_options
from server.app import create_server
from server.certs import ensure_local_certificates
from server.config import ServerConfig
from server.store import SqliteSampleStore
from tests.fakes import FakeVisionLanguageBackend
from tests.integration.serving import ASSIST_HISTORY, enrol, run, server_config

NOW = Stamp.now()
FAST = UplinkConfig(reconnect_base_s=0.05, reconnect_max_s=0.2, answer_wait_s=20)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.asynccontextmanager
async def _server(store, port: int, tmp_path):  # noqa: ANN001
    config = server_config(tmp_path, ServerConfig(port=port))
    running = await create_server(config, FakeVisionLanguageBackend(), store, None)
    await running.set_serving(True)
    try:
        yield running
    finally:
        await running.stop(grace=0.2)


def _channel(tmp_path, port: int):  # noqa: ANN001, ANN202
    """A TLS channel to a server that may not be up yet (its CA made beforehand)."""
    ca = ensure_local_certificates(tmp_path / "tls").ca
    return open_channel(EdgeConfig(server=f"127.0.0.1:{port}", tls_ca=ca), channel_options(FAST))


def _question(text: str, seq: int):  # noqa: ANN202
    said = redact_transcript(Transcript(text, NOW, NOW, "en", 0.9), seq)
    return said, Query(seq + 1, said.text, (), said.seq, 8)


def test_a_question_asked_offline_is_answered_once_the_server_is_up(tmp_path):
    store = SqliteSampleStore(tmp_path / "store")
    token = bearer(enrol(store, "dev-1"))
    port = _free_port()

    async def scenario():
        channel = _channel(tmp_path, port)
        link = open_uplink(channel, token, FAST, tmp_path / "outbox.sqlite")
        link.start(Hello("dev-1", ASSIST_HISTORY))
        said, query = _question("what is this?", 1)
        asking = asyncio.create_task(_collect(link.ask(None, said, query)))
        await asyncio.sleep(1.0)  # the server is not there: the question waits, kept
        assert len(link.outbox) == 1 and not asking.done()
        async with _server(store, port, tmp_path):
            events = await asking
            kept = len(link.outbox)
        await link.close()
        await channel.close()
        return events, kept, link.stats

    events, kept, stats = run(scenario())
    assert events[-1].tokens > 0 and kept == 0
    assert stats.delivered == 1 and stats.connects == 1
    assert store.count() == 1
    store.close()


def test_questions_kept_when_the_edge_stopped_are_delivered_after_it_starts_again(tmp_path):
    store = SqliteSampleStore(tmp_path / "store")
    token = bearer(enrol(store, "dev-1"))
    port = _free_port()
    hurried = UplinkConfig(reconnect_base_s=0.05, reconnect_max_s=0.2, answer_wait_s=0.3)

    async def offline():
        channel = _channel(tmp_path, port)
        link = open_uplink(channel, token, hurried, tmp_path / "outbox.sqlite")
        link.start(Hello("dev-1", ASSIST_HISTORY))
        outcomes = []
        for k in range(3):
            said, query = _question(f"question {k}", 10 * k)
            try:
                await _collect(link.ask(None, said, query))
            except Queued as exc:
                outcomes.append(exc.code)
        await link.close()  # the wearer switched the glasses off
        await channel.close()
        return outcomes

    async def online():
        async with _server(store, port, tmp_path):
            channel = _channel(tmp_path, port)
            link = open_uplink(channel, token, FAST, tmp_path / "outbox.sqlite")
            link.start(Hello("dev-1", ASSIST_HISTORY))
            for _ in range(100):
                if len(link.outbox) == 0:
                    break
                await asyncio.sleep(0.1)
            await link.close()
            await channel.close()
            return link.stats

    assert run(offline()) == ["QUEUED"] * 3
    stats = run(online())
    assert stats.delivered == 3
    assert store.count() == 3
    questions = sorted(store.get(i).query_text for i in store.sample_ids(store.heads()[0].user_id))
    assert questions == ["question 0", "question 1", "question 2"]
    store.close()


async def _collect(events):  # noqa: ANN001, ANN202
    return [e async for e in events]


def test_a_question_delivered_again_after_a_server_restart_is_answered_and_logged_once(
    tmp_path,
):
    # the answer's end was lost with the link: the edge still holds the question
    # and delivers it again, to a server restarted on the same store
    store = SqliteSampleStore(tmp_path / "store")
    token = bearer(enrol(store, "dev-1"))
    port = _free_port()
    said, query = _question("what is this?", 1)
    query = Query(query.seq, query.text, (), query.utterance_seq, 8, "question-key-1")

    async def deliver():  # noqa: ANN202
        async with _server(store, port, tmp_path):
            channel = _channel(tmp_path, port)
            link = open_uplink(channel, token, FAST, tmp_path / "outbox.sqlite")
            link.start(Hello("dev-1", ASSIST_HISTORY))
            events = await _collect(link.ask(None, said, query))
            await link.close()
            await channel.close()
            return events

    first = run(deliver())
    again = run(deliver())  # a new server process on the same store, the same key
    assert not first[-1].replayed and again[-1].replayed
    assert again[-1].sample_id == first[-1].sample_id
    assert "".join(e.text for e in again[:-1]) == "".join(e.text for e in first[:-1])
    assert store.count() == 1
    store.close()


def test_a_server_whose_certificate_is_not_trusted_is_named_at_once_and_the_question_kept(
    tmp_path, caplog
):
    """A server restarted with another CA: the question is not left to wait
    quietly until its deadline; the wearer is told which setting to fix, and
    the question stays on the device."""
    store = SqliteSampleStore(tmp_path / "store")
    token = bearer(enrol(store, "dev-1"))
    port = _free_port()
    other = ensure_local_certificates(tmp_path / "another-ca").ca
    edge = EdgeConfig(server=f"127.0.0.1:{port}", tls_ca=other)

    async def scenario():
        async with _server(store, port, tmp_path):
            channel = open_channel(edge, channel_options(FAST))
            link = open_uplink(
                channel, token, FAST, tmp_path / "outbox.sqlite", setting_to_fix(edge)
            )
            link.start(Hello("dev-1", ASSIST_HISTORY))
            said, query = _question("what is this?", 1)
            started = asyncio.get_running_loop().time()
            with contextlib.suppress(KeptUntilFixed):
                await _collect(link.ask(None, said, query))
                raise AssertionError("a question went up over an untrusted link")
            waited = asyncio.get_running_loop().time() - started
            kept = len(link.outbox)
            await link.close()
            await channel.close()
            return waited, kept

    with caplog.at_level(logging.WARNING, logger="edge.link"):
        waited, kept = run(scenario())
    assert waited < FAST.answer_wait_s / 2 and kept == 1
    told = [r.getMessage() for r in caplog.records if "cannot connect" in r.getMessage()]
    assert len(told) == 1 and f"edge.tls_ca ({other})" in told[0]  # once, not at every retry
    assert store.count() == 0
    store.close()
