"""Attachments users upload (photos of the product, receipts): checked by what the bytes are,
not by the name or the browser's claim, limited in size and count, and renamed safely.

`uploads_validate` is what forms call; it sets `upload.safe_name`, `upload.detected_type`
(and renames `upload.name`, so the stored file gets the right suffix) before the services'
`attachment_add` sees the file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import PurePosixPath, PureWindowsPath

import filetype
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext as _

# What staff may attach: photos and PDFs. The value is the suffix the stored name gets.
ALLOWED_TYPES: dict[str, str] = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/gif": ".gif",
    "application/pdf": ".pdf",
}
ACCEPT_ATTRIBUTE = ",".join([*ALLOWED_TYPES, ".jpg", ".jpeg", ".png", ".webp", ".gif", ".pdf"])
_HEADER_BYTES = 8192
_NAME_MAX = 100
_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"/\\|?*;`$&'%#{}\[\]]+")


def detected_type(upload) -> str | None:
    """The MIME type the file's first bytes say it is, if it is one we accept."""
    upload.seek(0)
    header = upload.read(_HEADER_BYTES)
    upload.seek(0)
    kind = filetype.guess(header)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        return None
    return kind.mime


def safe_name(name: str, *, mime: str) -> str:
    """A name fit to show and to send back as a download: no path, no control or shell
    characters, not too long, and the suffix of what the file really is."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    stem = PurePosixPath(base).stem if "." in base else base
    stem = unicodedata.normalize("NFKC", stem)
    stem = "".join(ch for ch in stem if unicodedata.category(ch)[0] != "C")
    stem = _UNSAFE.sub("_", stem)
    stem = re.sub(r"\s+", " ", stem).strip(" ._-")
    suffix = ALLOWED_TYPES[mime]
    stem = stem[: _NAME_MAX - len(suffix)] or "attachment"
    return f"{stem}{suffix}"


def upload_validate(upload) -> None:
    """One file: a photo or PDF by content, and not larger than the limit."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("%(name)s is %(size)s: files may be at most %(limit)s.")
            % {
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(limit),
            },
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": upload.name}, code="empty")
    mime = detected_type(upload)
    if mime is None:
        raise ValidationError(
            _(
                "%(name)s is not a photo (JPEG, PNG, WebP or GIF) or a PDF. "
                "Only those can be attached."
            )
            % {"name": upload.name},
            code="wrong_type",
        )
    upload.detected_type = mime
    upload.safe_name = safe_name(upload.name, mime=mime)
    upload.name = upload.safe_name


def uploads_validate(uploads: Sequence, *, already_attached: int = 0) -> list:
    """Several files at once: each checked, and no more than the complaint may hold."""
    limit = settings.ATTACHMENT_MAX_COUNT
    if already_attached + len(uploads) > limit:
        room = max(limit - already_attached, 0)
        raise ValidationError(
            _("A complaint can have at most %(limit)d attachments: choose %(room)d or fewer files.")
            % {"limit": limit, "room": room},
            code="too_many",
        )
    errors = []
    for upload in uploads:
        try:
            upload_validate(upload)
        except ValidationError as exc:
            errors.extend(exc.error_list)
    if errors:
        raise ValidationError(errors)
    return list(uploads)


def _attachment_help_text() -> str:
    return _("Photos (JPEG, PNG, WebP, GIF) or PDF, up to %(size)s each, %(count)d at most.") % {
        "size": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
        "count": settings.ATTACHMENT_MAX_COUNT,
    }


# Fields are built at import time; the help text must be translated when shown.
_attachment_help = lazy(_attachment_help_text, str)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is validated by `uploads_validate` in the form."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _attachment_help())
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", ACCEPT_ATTRIBUTE)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []
