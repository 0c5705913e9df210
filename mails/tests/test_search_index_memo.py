"""Field values a mailbox repeats are turned into search terms once, with the same terms."""

from __future__ import annotations

from mails.search import index


def _doc(subject: str, body: str) -> dict[str, object]:
    return {
        "subject": subject,
        "from_name": "Zoë Ünal",
        "from_address": "zoe@mail.example.com",
        "to_addresses": ["me@example.com"],
        "to_names": ["Me Myself"],
        "body_text": body,
        "label_ids": ["INBOX"],
    }


def test_repeated_values_are_read_once_and_long_ones_every_time() -> None:
    index._memo_value_terms.cache_clear()
    index._memo_address_terms.cache_clear()
    long_body = "one of the words " * 40  # beyond MEMO_VALUE_CHARS: never memoized
    first = index.search_fields(_doc("Offer", long_body))
    second = index.search_fields(_doc("Offer", long_body))
    assert first == second
    assert index._memo_value_terms.cache_info().hits >= 4  # subject, both names, the address
    assert index._memo_address_terms.cache_info().hits >= 2
    assert index.pair_bits("of", "the")[0] in set_bits(first["common_marks"])
    assert "from:zoe" in first["search_terms"]
    assert "from:unal" in first["search_terms"]
    assert first["search_text"].splitlines()[0] == "subject: offer"


def set_bits(marks: bytes) -> set[int]:
    value = int.from_bytes(marks, "little")
    return {bit for bit in range(value.bit_length()) if value >> bit & 1}
