"""The upload field and checks at their edges (hostile names and types: tests/security)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from complaints.uploads import MultipleFileField, upload_validate, uploads_validate

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00" + b"\x00" * 24


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_webp_is_a_photo():
    file = upload("shot", WEBP)
    upload_validate(file)
    assert file.detected_type == "image/webp"
    assert file.name == "shot.webp"


@override_settings(ATTACHMENT_MAX_BYTES=len(PNG))
def test_exactly_at_the_size_limit_is_accepted():
    upload_validate(upload("ok.png", PNG))
    with pytest.raises(ValidationError):
        upload_validate(upload("big.png", PNG + b"\x00"))


@override_settings(ATTACHMENT_MAX_COUNT=2)
def test_exactly_the_allowed_count_is_accepted():
    assert len(uploads_validate([upload("a.png", PNG), upload("b.png", PNG)])) == 2


def test_every_bad_file_is_reported_not_only_the_first():
    with pytest.raises(ValidationError) as error:
        uploads_validate([upload("a.png", b"<html>"), upload("b.png", b"#!/bin/sh")])
    assert len(error.value.error_list) == 2


def test_the_field_takes_none_one_or_several_files():
    field = MultipleFileField()
    assert field.clean([]) == []
    one = upload("a.png", PNG)
    assert field.clean(one) == [one]
    assert len(field.clean([upload("a.png", PNG), upload("b.png", PNG)])) == 2
    assert "multiple" in field.widget.render("f", None)
