"""Uploads: the type is what the bytes are, not the name or the browser's claim;
size and count are limited; hostile names are made safe; HTML and SVG are refused; downloads
are attachments with `nosniff` and a sandboxing CSP."""

from pathlib import PurePosixPath

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from complaints import services
from complaints.models import Attachment
from complaints.uploads import safe_name, upload_validate, uploads_validate
from tests.security.world import PNG

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,"
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(2)</script></svg>"
)
SVG_BARE = b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 64
JS = b"alert(1)//"


def upload(name: str, content: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    ("name", "content", "claimed"),
    [
        ("photo.png", HTML, "image/png"),
        ("page.html", HTML, "text/html"),
        ("drawing.svg", SVG, "image/svg+xml"),
        ("drawing.png", SVG, "image/png"),
        ("plain.svg", SVG_BARE, "image/svg+xml"),
        ("receipt.pdf", EXE, "application/pdf"),
        ("photos.jpg", ZIP, "image/jpeg"),
        ("x.js", JS, "application/javascript"),
        ("empty.png", b"", "image/png"),
    ],
    ids=[
        "html-as-png",
        "html",
        "svg",
        "svg-as-png",
        "svg-bare",
        "exe-as-pdf",
        "zip",
        "js",
        "empty",
    ],
)
def test_anything_but_a_photo_or_pdf_is_refused_whatever_its_name(name, content, claimed):
    with pytest.raises(ValidationError):
        upload_validate(upload(name, content, claimed))


@pytest.mark.parametrize(
    ("name", "content", "mime", "suffix"),
    [
        ("photo.png", PNG, "image/png", ".png"),
        ("invoice.exe", PDF, "application/pdf", ".pdf"),  # a PDF, whatever the name says
        ("scan.html", JPEG, "image/jpeg", ".jpg"),
        ("anim.svg", GIF, "image/gif", ".gif"),
    ],
)
def test_the_type_and_the_stored_suffix_come_from_the_content(name, content, mime, suffix):
    file = upload(name, content, "text/html")  # the browser's claim is ignored too
    upload_validate(file)
    assert file.detected_type == mime
    assert file.safe_name.endswith(suffix)
    assert file.name == file.safe_name


@override_settings(ATTACHMENT_MAX_BYTES=1024)
def test_a_file_over_the_size_limit_is_refused():
    with pytest.raises(ValidationError) as error:
        upload_validate(upload("big.png", PNG + b"\x00" * 1024))
    assert error.value.code == "too_large"
    upload_validate(upload("ok.png", PNG))


@override_settings(ATTACHMENT_MAX_COUNT=3)
def test_no_more_files_than_a_complaint_may_hold():
    with pytest.raises(ValidationError) as error:
        uploads_validate([upload(f"{i}.png", PNG) for i in range(4)])
    assert error.value.error_list[0].code == "too_many"
    with pytest.raises(ValidationError):
        uploads_validate([upload("a.png", PNG), upload("b.png", PNG)], already_attached=2)
    assert len(uploads_validate([upload("a.png", PNG)], already_attached=2)) == 1


HOSTILE_NAMES = [
    "../../../../etc/passwd.png",
    "..\\..\\..\\windows\\system32\\drivers\\etc\\hosts.png",
    "/var/lib/postgresql/data/pg_hba.conf",
    "C:\\boot.ini",
    "....//....//x.png",
    "receipt\x00.html.png",
    "photo\r\nContent-Type: text/html.png",
    '"><img src=x onerror=alert(1)>.png',
    "<script>alert(1)</script>.png",
    "\u202egnp.exe",  # right-to-left override: shows as "exe.png"
    "$(rm -rf ~);`id`|x&y.png",
    "con.png",
    ".htaccess",
    "...",
    "",
    "a" * 500 + ".png",
    "照片 收据 2026.png",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_file_names_are_made_safe(name):
    cleaned = safe_name(name, mime="image/png")
    assert cleaned.endswith(".png")
    assert 4 < len(cleaned) <= 100
    assert "/" not in cleaned and "\\" not in cleaned
    assert ".." not in cleaned.removesuffix(".png")
    assert not cleaned.startswith(".")
    assert not any(ch in cleaned for ch in "<>\"'`$|;&\r\n\x00\u202e")
    assert PurePosixPath(cleaned).name == cleaned


def test_chinese_names_survive(complaint):
    assert safe_name("照片 收据 2026.png", mime="image/png") == "照片 收据 2026.png"


def test_the_stored_file_gets_a_generated_name(complaint, frontdesk):
    file = upload("../../../../tmp/evil.png", PNG)
    upload_validate(file)
    attachment = services.attachment_add(complaint=complaint, actor=frontdesk, upload=file)
    stored = PurePosixPath(attachment.file.name)
    assert stored.parts[0] == "attachments"
    assert "evil" not in stored.name and ".." not in stored.parts
    assert stored.suffix == ".png"
    assert attachment.original_name == "evil.png"


def test_downloads_are_attachments_with_nosniff_and_a_sandbox(client, complaint, frontdesk):
    file = upload('"><svg onload=alert(1)>.png', PNG)
    upload_validate(file)
    attachment = services.attachment_add(complaint=complaint, actor=frontdesk, upload=file)
    client.force_login(frontdesk)
    response = client.get(f"/complaints/{complaint.reference}/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "<" not in disposition and '">' not in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert "no-store" in response.headers["Cache-Control"]
    assert b"".join(response.streaming_content) == PNG


def test_another_complaints_attachment_is_not_reachable_through_mine(
    client, complaint, other_complaint, frontdesk, frontdesk2
):
    file = upload("theirs.png", PNG)
    upload_validate(file)
    theirs = services.attachment_add(complaint=other_complaint, actor=frontdesk2, upload=file)
    client.force_login(frontdesk)
    response = client.get(f"/complaints/{complaint.reference}/attachments/{theirs.pk}/")
    assert response.status_code == 404
    assert Attachment.objects.filter(pk=theirs.pk).exists()


# ---- through the pages ----------------------------------------------------------------------


def test_intake_with_an_html_file_dressed_as_a_photo_saves_nothing(client, frontdesk, store):
    from django.utils import timezone

    from complaints.models import Complaint
    from tests.factories import leaf_category

    client.force_login(frontdesk)
    before = (Complaint.objects.count(), Attachment.objects.count())
    response = client.post(
        "/complaints/new/",
        {
            "store": store.pk,
            "channel": "walk_in",
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "category": leaf_category().pk,
            "severity": "low",
            "account": "See the photo.",
            "customer_name": "Upload Test",
            "customer_phone": "13933334444",
            "customer_language": "en",
            "customer_channel": "sms",
            "submit": "log",
            "attachments": [upload("photo.png", HTML), upload("ok.png", PNG)],
        },
    )
    assert response.status_code == 200
    assert "photo.png" in response.content.decode()  # the error names the file
    assert (Complaint.objects.count(), Attachment.objects.count()) == before


def test_attaching_an_svg_to_a_complaint_is_refused(client, frontdesk, complaint):
    client.force_login(frontdesk)
    client.post(
        f"/complaints/{complaint.reference}/act/upload/",
        {"upload-version": complaint.version, "upload-files": [upload("logo.svg", SVG)]},
    )
    assert not complaint.attachments.exists()
    client.post(
        f"/complaints/{complaint.reference}/act/upload/",
        {"upload-version": complaint.version, "upload-files": [upload("scan.pdf", PDF)]},
    )
    assert list(complaint.attachments.values_list("content_type", flat=True)) == ["application/pdf"]
