"""Bad requests never crash the emulator: each gets Google's error shape."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from google_emulator.testing import EmulatorServer

from .helpers import assert_google_error, call, token_for

BASE = "/gmail/v1/users/me"
BATCH_TYPE = 'multipart/mixed; boundary="b0undary"'


def batch_body(*requests: str, boundary: str = "b0undary") -> bytes:
    parts = "".join(
        f"--{boundary}\r\nContent-Type: application/http\r\nContent-ID: <p + {i}>\r\n\r\n{r}\r\n"
        for i, r in enumerate(requests)
    )
    return f"{parts}--{boundary}--\r\n".encode()


def test_unknown_message_id_is_404(google_emulator: EmulatorServer) -> None:
    token = token_for(google_emulator)
    reply = call(google_emulator, "GET", f"{BASE}/messages/ffffffffffffffff", token=token)
    assert_google_error(reply, 404, "notFound")
    reply = call(google_emulator, "GET", f"{BASE}/threads/ffffffffffffffff", token=token)
    assert_google_error(reply, 404, "notFound")


def test_bad_page_token_is_400(google_emulator: EmulatorServer) -> None:
    token = token_for(google_emulator)
    for page_token in ("garbage", "1" * 45):
        reply = call(
            google_emulator, "GET", f"{BASE}/messages", token=token, query={"pageToken": page_token}
        )
        assert_google_error(reply, 400, "invalidArgument")


def test_a_page_token_only_works_with_its_own_query(google_emulator: EmulatorServer) -> None:
    token = token_for(google_emulator)
    first = call(
        google_emulator, "GET", f"{BASE}/messages", token=token, query={"maxResults": 2}
    ).json()
    reply = call(
        google_emulator,
        "GET",
        f"{BASE}/messages",
        token=token,
        query={"maxResults": 2, "q": "is:unread", "pageToken": first["nextPageToken"]},
    )
    assert_google_error(reply, 400)


def test_missing_wrong_and_expired_tokens_are_401(google_emulator: EmulatorServer) -> None:
    assert_google_error(call(google_emulator, "GET", f"{BASE}/profile"), 401, "authError")
    reply = call(google_emulator, "GET", f"{BASE}/profile", token="ya29.not-a-token")
    error = assert_google_error(reply, 401, "authError")
    assert error["status"] == "UNAUTHENTICATED"
    assert reply.headers["WWW-Authenticate"].startswith("Bearer")
    token = token_for(google_emulator)
    google_emulator.emulator.expire_access_token(token)
    assert_google_error(call(google_emulator, "GET", f"{BASE}/profile", token=token), 401)


def test_token_without_gmail_scope_is_403(google_emulator: EmulatorServer) -> None:
    token = token_for(google_emulator, None, "openid", "email")
    reply = call(google_emulator, "GET", f"{BASE}/messages", token=token)
    error = assert_google_error(reply, 403, "insufficientPermissions")
    assert error["details"][0]["reason"] == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"
    readonly = token_for(google_emulator)
    message_id = next(iter(google_emulator.emulator.mailbox(google_emulator.emails[0]).messages))
    reply = call(
        google_emulator,
        "POST",
        f"{BASE}/messages/{message_id}/modify",
        token=readonly,
        json_body={"addLabelIds": ["STARRED"]},
    )
    assert_google_error(reply, 403, "insufficientPermissions")


def test_metadata_scope_cannot_read_bodies_or_search(google_emulator: EmulatorServer) -> None:
    token = token_for(google_emulator, None, "https://www.googleapis.com/auth/gmail.metadata")
    message_id = next(iter(google_emulator.emulator.mailbox(google_emulator.emails[0]).messages))
    ok = call(
        google_emulator,
        "GET",
        f"{BASE}/messages/{message_id}",
        token=token,
        query={"format": "metadata"},
    )
    assert ok.status == 200
    full = call(google_emulator, "GET", f"{BASE}/messages/{message_id}", token=token)
    assert_google_error(full, 403, "forbidden")
    search = call(google_emulator, "GET", f"{BASE}/messages", token=token, query={"q": "hello"})
    assert_google_error(search, 403, "forbidden")


def test_unknown_format_and_unknown_parameters_are_400(google_emulator: EmulatorServer) -> None:
    token = token_for(google_emulator)
    message_id = next(iter(google_emulator.emulator.mailbox(google_emulator.emails[0]).messages))
    path = f"{BASE}/messages/{message_id}"
    assert_google_error(
        call(google_emulator, "GET", path, token=token, query={"format": "html"}), 400
    )
    assert_google_error(
        call(google_emulator, "GET", path, token=token, query={"colour": "blue"}), 400
    )
    assert_google_error(
        call(google_emulator, "GET", f"{BASE}/messages", token=token, query={"maxResults": "many"}),
        400,
    )
    assert_google_error(
        call(
            google_emulator, "GET", f"{BASE}/messages", token=token, query={"q": "frobnicate:yes"}
        ),
        400,
    )
    assert_google_error(
        call(google_emulator, "GET", path, token=token, query={"fields": "id,(("}), 400
    )


def test_another_users_mailbox_is_403(google_emulator: EmulatorServer) -> None:
    first, second = google_emulator.emails
    token = token_for(google_emulator, first)
    reply = call(google_emulator, "GET", f"/gmail/v1/users/{second}/profile", token=token)
    assert_google_error(reply, 403, "forbidden")
    own = call(google_emulator, "GET", f"/gmail/v1/users/{first}/profile", token=token)
    assert own.json()["emailAddress"] == first


def test_unknown_paths_and_unimplemented_methods(google_emulator: EmulatorServer) -> None:
    token = token_for(google_emulator)
    assert_google_error(call(google_emulator, "GET", "/nowhere", token=token), 404)
    assert_google_error(call(google_emulator, "GET", f"{BASE}/frobs", token=token), 404)
    assert_google_error(call(google_emulator, "GET", f"{BASE}/drafts", token=token), 501)


def test_invalid_json_bodies_are_400(google_emulator: EmulatorServer) -> None:
    token = token_for(google_emulator, None, "https://mail.google.com/")
    message_id = next(iter(google_emulator.emulator.mailbox(google_emulator.emails[0]).messages))
    reply = call(
        google_emulator,
        "POST",
        f"{BASE}/messages/{message_id}/modify",
        token=token,
        body=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert_google_error(reply, 400, "parseError")
    reply = call(
        google_emulator,
        "POST",
        f"{BASE}/messages/{message_id}/modify",
        token=token,
        json_body={"addLabelIds": ["NO_SUCH_LABEL"]},
    )
    assert_google_error(reply, 400)


def test_malformed_batches_are_400(google_emulator: EmulatorServer) -> None:
    token = token_for(google_emulator)
    good = f"GET {BASE}/profile HTTP/1.1\r\nAuthorization: Bearer {token}\r\n\r\n"
    bodies = [
        (BATCH_TYPE, b""),
        (BATCH_TYPE, b"no delimiters at all"),
        ("multipart/mixed", batch_body(good)),
        ("application/json", b"{}"),
        (BATCH_TYPE, batch_body("NOT AN HTTP REQUEST")),
        (BATCH_TYPE, batch_body(good).replace(b"application/http", b"text/plain")),
        (BATCH_TYPE, batch_body(good)[:-4]),
        (BATCH_TYPE, batch_body(*[good] * 101)),
    ]
    for content_type, body in bodies:
        reply = call(
            google_emulator,
            "POST",
            "/batch/gmail/v1",
            body=body,
            headers={"Content-Type": content_type},
        )
        assert_google_error(reply, 400, "badRequest")
    ok = call(
        google_emulator,
        "POST",
        "/batch",
        body=batch_body(*[good] * 100),
        headers={"Content-Type": BATCH_TYPE},
    )
    assert ok.status == 200
    assert ok.body.count(b"HTTP/1.1 200 OK") == 100


def test_batch_parts_outside_gmail_are_404_and_nesting_is_400(
    google_emulator: EmulatorServer,
) -> None:
    parts = ["GET /o/oauth2/auth HTTP/1.1\r\n\r\n", "POST /batch HTTP/1.1\r\n\r\n"]
    reply = call(
        google_emulator,
        "POST",
        "/batch/gmail/v1",
        body=batch_body(*parts),
        headers={"Content-Type": BATCH_TYPE},
    )
    assert reply.status == 200
    assert reply.body.count(b"HTTP/1.1 404 Not Found") == 1
    assert reply.body.count(b"HTTP/1.1 400 Bad Request") == 1


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.binary(max_size=400), boundary=st.text("ab-_0", min_size=1, max_size=8))
def test_arbitrary_batch_bodies_never_cause_a_5xx(
    google_emulator_server: EmulatorServer, body: bytes, boundary: str
) -> None:
    reply = call(
        google_emulator_server,
        "POST",
        "/batch/gmail/v1",
        body=body,
        headers={"Content-Type": f'multipart/mixed; boundary="{boundary}"'},
    )
    assert reply.status in (200, 400)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_queries_never_cause_a_5xx(
    google_emulator_server: EmulatorServer, q: str
) -> None:
    token = token_for(google_emulator_server)
    reply = call(google_emulator_server, "GET", f"{BASE}/messages", token=token, query={"q": q})
    assert reply.status in (200, 400)


def test_the_server_survives_a_client_that_hangs_up(google_emulator: EmulatorServer) -> None:
    import socket

    host, port = google_emulator.url.removeprefix("http://").split(":")
    for payload in (b"GET / HTTP/1.1\r\n", b"POST /token HTTP/1.1\r\nContent-Length: 99\r\n\r\nab"):
        with socket.create_connection((host, int(port))) as sock:
            sock.sendall(payload)
    assert call(google_emulator, "GET", "/").status == 200
