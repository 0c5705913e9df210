"""The lean batch request gives exactly what googleapiclient's own gives, against the emulator."""

from __future__ import annotations

from typing import Any

from googleapiclient.errors import HttpError
from googleapiclient.http import BatchHttpRequest

from google_emulator.testing import EmulatorServer
from mails.gmail_batch import GetRequests, LeanBatchHttpRequest, read_batch


def _run(batch_class: type[BatchHttpRequest], server: EmulatorServer, ids: list[str]) -> Any:
    service = server.gmail_service(server.emails[0])
    results: dict[str, Any] = {}

    def collect(request_id: str, response: Any, exception: Exception | None) -> None:
        if isinstance(exception, HttpError):
            results[request_id] = ("error", exception.status_code, exception.error_details)
        else:
            results[request_id] = response

    batch = batch_class(callback=collect, batch_uri=server.batch_uri)
    messages = service.users().messages()
    for message_id in ids:
        batch.add(messages.get(userId="me", id=message_id, format="full"), request_id=message_id)
    batch.execute()
    return results


def test_same_responses_and_errors_as_the_library(google_emulator: EmulatorServer) -> None:
    mailbox = google_emulator.emulator.mailbox(google_emulator.emails[0])
    ids = [*[m.id for m in mailbox.newest_first()][:30], "0123456789abcdef", "nope nope/?&"]
    lean = _run(LeanBatchHttpRequest, google_emulator, ids)
    library = _run(BatchHttpRequest, google_emulator, ids)
    assert list(lean) == list(library) == ids
    assert lean == library
    assert lean["0123456789abcdef"][:2] == ("error", 404)


def test_plain_parts_are_read_and_unusual_ones_left_to_the_library() -> None:
    content_type = 'multipart/mixed; boundary="b1"'
    part = (
        b"--b1\r\nContent-Type: application/http\r\nContent-ID: <response-x + 7>\r\n\r\n"
        b'HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n\r\n{"a": 1}\r\n'
    )
    replies = read_batch(content_type, part + b"--b1--\r\n")
    assert replies is not None
    [(content_id, (response, body))] = replies
    assert content_id == "<response-x + 7>"
    assert (response.status, response["content-type"], body) == (
        404,
        "application/json",
        b'{"a": 1}',
    )
    folded = part.replace(b"Content-Type: application/json", b"X-A: 1\r\n 2")
    assert read_batch(content_type, folded + b"--b1--\r\n") is None
    assert read_batch(content_type, part) is None  # no closing delimiter
    assert read_batch("application/json", part + b"--b1--\r\n") is None
    # Bytes that are not UTF-8 in a header, or an HTTP version that is no number: the
    # library's reader decides, never an exception here.
    latin = part.replace(b"Content-Type: application/json", b"X-Name: Jos\xe9")
    assert read_batch(content_type, latin + b"--b1--\r\n") is None
    odd_version = part.replace(b"HTTP/1.1 404", b"HTTP/x.y 404")
    assert read_batch(content_type, odd_version + b"--b1--\r\n") is None


def test_get_requests_are_the_librarys_with_the_id_put_in(google_emulator: EmulatorServer) -> None:
    messages = google_emulator.gmail_service(google_emulator.emails[0]).users().messages()
    params = {"userId": "me", "format": "full", "fields": "id,payload"}
    make = GetRequests(messages, **params)
    for message_id in ("18c0ffee0000002a", "a b/c?d", "x" * 101):
        made, library = make(message_id), messages.get(id=message_id, **params)
        assert (made.uri, made.method, made.headers, made.body) == (
            library.uri,
            library.method,
            library.headers,
            library.body,
        )
    first, second = make("a1"), make("a2")
    first.headers["authorization"] = "Bearer new"
    assert "authorization" not in second.headers


def test_made_requests_are_written_as_the_library_writes_them(
    google_emulator: EmulatorServer,
) -> None:
    service = google_emulator.gmail_service(google_emulator.emails[0])
    messages = service.users().messages()
    params = {"userId": "me", "format": "full", "fields": "id,payload"}
    make = GetRequests(messages, service._http, **params)
    lean = LeanBatchHttpRequest(batch_uri=google_emulator.batch_uri)
    library = BatchHttpRequest(batch_uri=google_emulator.batch_uri)
    for message_id in ("18c0ffee0000002a", "18c0ffee0000002b", "a b/c?d", "x" * 101):
        made = make(message_id)
        written = library._serialize_request(messages.get(id=message_id, **params))
        assert lean._serialize_request(made) == written
    # A request changed after it was made is written as it is, not from its template.
    changed = make("18c0ffee0000002c")
    changed.uri = changed.uri.replace("fields=id", "fields=snippet")
    assert "fields=snippet" in lean._serialize_request(changed)
    # A new token (a 401's refresh) is in the text, not the one written before.
    service._http.credentials.token = "another-token"
    assert "Bearer another-token" in lean._serialize_request(make("18c0ffee0000002d"))
