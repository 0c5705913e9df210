"""Calibration figures, transfer-encoded bodies and our own evaluation set."""

from __future__ import annotations

import base64
import quopri

import pytest

from analysis.classify import Analysis, EmailInput, Status
from analysis.evaluation import (
    LabelledEmail,
    auroc,
    decode_body,
    evaluate,
    expected_calibration_error,
    format_report,
    own_set,
    split,
    transfer_encoding_of,
)
from analysis.evaluation_set import generator, phrases

TEXT = "Thank you for applying – we’ll be in touch soon.\nKind regards,\nRecruitment"


def test_auroc_ranks_right_answers_above_wrong_ones():
    assert auroc([(0.9, True), (0.8, True), (0.3, False)]) == 1.0
    assert auroc([(0.3, True), (0.9, False)]) == 0.0
    assert auroc([(0.5, True), (0.5, False)]) == 0.5  # ties count half
    assert auroc([(0.5, True)]) is None


def test_expected_calibration_error_weights_bins_by_size():
    # Bin 0.9: confidence 0.9, accuracy 1/2 → gap 0.4 over 2; bin 0.1: 0.1 vs 0 → 0.1 over 2.
    pairs = [(0.9, True), (0.9, False), (0.1, False), (0.1, False)]
    assert expected_calibration_error(pairs) == pytest.approx((2 * 0.4 + 2 * 0.1) / 4)
    assert expected_calibration_error([(1.0, True)]) == pytest.approx(0.0)
    assert expected_calibration_error([]) is None


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (quopri.encodestring(TEXT.encode()).decode("ascii"), "quoted-printable"),
        (base64.encodebytes(TEXT.encode()).decode("ascii"), "base64"),
    ],
)
def test_transfer_encoded_bodies_are_decoded_by_the_mime_parser(encoded, encoding):
    assert transfer_encoding_of(encoded) == encoding
    decoded = decode_body(encoded)
    assert "we’ll be in touch" in decoded
    assert "=E2" not in decoded


def test_html_bodies_are_read_as_text():
    decoded = decode_body("<html><body><p>Smith &amp; Jones</p><p>Hello</p></body></html>")
    assert "Smith & Jones" in decoded
    assert "<p>" not in decoded


def test_plain_text_with_an_equals_sign_is_left_alone():
    body = "Track it at https://jobs.example/status?id=58a08d52 any time."
    assert transfer_encoding_of(body) == ""
    assert decode_body(body) == body


def test_the_report_prints_binary_rejection_calibration_and_confusion():
    rows = [
        LabelledEmail(EmailInput("a", "", "", "", None, "rej"), (Status.REJECTION,)),
        LabelledEmail(EmailInput("b", "", "", "", None, "conf"), (Status.REJECTION,)),
        LabelledEmail(
            EmailInput("c", "", "", "", None, "conf"), (Status.APPLICATION_CONFIRMATION,)
        ),
        LabelledEmail(EmailInput("d", "", "", "", None, "offer"), (Status.REJECTION,)),
    ]
    said = {
        "rej": (Status.REJECTION, 0.9),
        "conf": (Status.APPLICATION_CONFIRMATION, 0.5),
        "offer": (Status.OFFER, 0.4),
    }

    def fake(email: EmailInput) -> Analysis:
        status, confidence = said[email.body_text]
        return Analysis(status, "", "", "", confidence)

    report = evaluate("t", rows, fake)
    assert report.rejection.precision == 1.0
    assert report.rejection.recall == pytest.approx(1 / 3)
    assert report.rejections_as_offer == 1
    text = format_report(report)
    assert "rejection (binary) precision/recall/F1        1.000   0.333" in text
    assert "rejections labelled offer                         1" in text
    # right 0.9 and 0.5 against wrong 0.5 and 0.4: three wins and a tie of four pairs
    assert "confidence AUROC (right vs wrong)             0.875" in text
    assert "confusion (rows: label, columns: predicted)" in text


def test_our_set_is_large_varied_and_split_before_tuning():
    rows = own_set()
    assert len(rows) >= 400
    dev, holdout = split(rows, "dev"), split(rows, "holdout")
    assert len(dev) + len(holdout) == len(rows)
    assert {row.statuses for row in rows if row.statuses} >= {
        (status,) for status in generator.COUNTS
    }
    # Holdout emails come from employers the dev half never uses.
    assert not {r.company for r in dev} & {r.company for r in holdout}
    # The same rows on every run.
    assert [r.email.body_text for r in own_set()] == [r.email.body_text for r in rows]


def test_each_sentence_pool_is_halved_without_overlap():
    for status, pool in phrases.CORE.items():
        halves = generator.split_pool(pool, f"core:{status}")
        assert not set(halves["dev"]) & set(halves["holdout"])
        assert len(halves["dev"]) + len(halves["holdout"]) == len(pool)
