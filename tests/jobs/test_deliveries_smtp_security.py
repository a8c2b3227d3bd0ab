"""SMTP security settings against a real aiosmtpd: STARTTLS, implicit TLS (SSL), AUTH."""

from __future__ import annotations

import asyncio
import datetime as dt
import ssl
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from arq import Retry
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from domain.deliveries import service as deliveries
from domain.deliveries.models import Delivery, DeliveryStatus, Purpose
from jobs import deliveries as delivery_jobs
from tests.support.deliveries import MailRecorder, free_port, make_client


def tls_context(tmp: Path) -> ssl.SSLContext:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1)).sign(key, hashes.SHA256()))
    (tmp / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tmp / "cert.pem", tmp / "key.pem")
    return context


def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"okno" \
        and auth_data.password == b"pa55"
    return AuthResult(success=ok)


async def one_delivery() -> Delivery:
    person = await make_client(email="secure@example.ru")
    [row] = await deliveries.send(person.id, Purpose.NOTICE, "notice",
                                  {"title": "Т", "text": "Текст"}, source=("t", "1"))
    return row


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
@pytest.mark.parametrize("mode", ["starttls", "ssl"])
async def test_tls_and_auth_from_settings(settings, tmp_path, mode):
    recorder = MailRecorder()
    port = free_port()
    context = tls_context(tmp_path)
    # aiosmtpd counts only STARTTLS as "TLS" for auth_require_tls; implicit TLS is TLS anyway.
    tls = {"tls_context": context, "require_starttls": True, "auth_require_tls": True} \
        if mode == "starttls" else {"ssl_context": context, "auth_require_tls": False}
    controller = Controller(recorder, hostname="127.0.0.1", port=port, auth_required=True,
                            authenticator=authenticator, **tls)
    controller.start()
    try:
        row = await one_delivery()
        ctx = {"settings": settings.model_copy(update={
            "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_username": "okno",
            "smtp_password": "pa55", "smtp_validate_certs": False,
            "smtp_starttls": mode == "starttls", "smtp_ssl": mode == "ssl"})}
        assert await delivery_jobs.send_delivery(ctx, str(row.id)) == "sent"
        await delivery_jobs.close(ctx)
    finally:
        controller.stop()
    assert len(recorder.messages) == 1


async def test_wrong_password_keeps_the_mail_for_a_retry(settings, tmp_path):
    """A login failure is our configuration, not the recipient: retried, not failed."""
    port = free_port()
    controller = Controller(MailRecorder(), hostname="127.0.0.1", port=port,
                            tls_context=tls_context(tmp_path), require_starttls=True,
                            auth_required=True, authenticator=authenticator)
    controller.start()
    try:
        row = await one_delivery()
        ctx = {"settings": settings.model_copy(update={
            "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_username": "okno",
            "smtp_password": "wrong", "smtp_validate_certs": False, "smtp_starttls": True,
            "smtp_timeout_seconds": 3})}
        with pytest.raises(Retry):
            await delivery_jobs.send_delivery(ctx, str(row.id))
        await delivery_jobs.close(ctx)
    finally:
        controller.stop()
    row = await Delivery.get(id=row.id)
    # aiosmtpd answers PLAIN with 535, then stalls on the LOGIN fallback: either way it is
    # a transient failure of ours, kept for the next attempt.
    assert row.status == DeliveryStatus.PENDING and row.last_error.startswith("SMTP")


async def test_a_silent_smtp_server_is_cut_by_the_timeout(settings):
    """A server that accepts the connection and never greets: the send gives up after
    `OKNO_SMTP_TIMEOUT_SECONDS` and the mail waits for a retry, the worker is not held."""
    sockets = []

    async def silent(reader, writer):
        sockets.append(writer)

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    row = await one_delivery()
    ctx = {"settings": settings.model_copy(update={
        "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_timeout_seconds": 0.5})}
    started = asyncio.get_running_loop().time()
    try:
        with pytest.raises(Retry):
            await delivery_jobs.send_delivery(ctx, str(row.id))
        assert asyncio.get_running_loop().time() - started < 5
        await delivery_jobs.close(ctx)
    finally:
        server.close()
        for writer in sockets:
            writer.close()
    assert (await Delivery.get(id=row.id)).status == DeliveryStatus.PENDING
