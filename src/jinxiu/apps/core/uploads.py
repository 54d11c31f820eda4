"""Uploads: refused before they are read when too large; validated by type and content."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext as _


class RequestSizeLimitMiddleware:
    """Answers 413 to a request whose declared body is over the upload limit, unread."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_UPLOAD_BYTES:
            from django.shortcuts import render

            return render(
                request, "core/upload_too_large.html",
                {"size_mb": length / 1048576, "limit_mb": settings.MAX_UPLOAD_MB}, status=413,
            )
        return self.get_response(request)


class SizeLimitedUploadHandler(FileUploadHandler):
    """Stops reading a file (sent without a length) once it passes ``MAX_UPLOAD_BYTES``."""

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.MAX_UPLOAD_BYTES:
            self.request.upload_too_large = True  # see upload_was_cut_short()
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def upload_was_cut_short(request) -> bool:
    """True when a file in the request was larger than the limit and parsing stopped: the
    form's later fields are missing, so nothing may be saved from it."""
    request.POST  # noqa: B018  (parse the body if nobody has yet)
    return bool(getattr(request, "upload_too_large", False))


def too_large_response(request):
    from django.shortcuts import render

    return render(request, "core/upload_too_large.html",
                  {"size_mb": 0, "limit_mb": settings.MAX_UPLOAD_MB}, status=413)


# extension -> the first bytes such a file starts with (None: text, checked for NUL bytes)
ALLOWED_TYPES: dict[str, tuple[bytes, ...] | None] = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".xlsx": (b"PK\x03\x04",),
    ".docx": (b"PK\x03\x04",),
    ".csv": None,
    ".txt": None,
    ".dxf": None,
}


def validate_upload(uploaded, *, allowed: dict | None = None) -> None:
    """Raise ValidationError naming the reason when the file's size, type or content is wrong."""
    allowed = ALLOWED_TYPES if allowed is None else allowed
    if uploaded.size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is %(size).1f MB; the limit is %(limit)d MB.")
            % {"size": uploaded.size / 1048576, "limit": settings.MAX_UPLOAD_MB}
        )
    suffix = Path(uploaded.name).suffix.lower()
    if suffix not in allowed:
        raise ValidationError(
            _("Files of type “%(suffix)s” are not accepted; accepted: %(allowed)s.")
            % {"suffix": suffix or "?", "allowed": ", ".join(sorted(allowed))}
        )
    head = uploaded.read(2048)
    uploaded.seek(0)
    magic = allowed[suffix]
    if magic is None:
        if b"\x00" in head:
            raise ValidationError(_("The file claims to be text but contains binary data."))
    elif not any(head.startswith(m) for m in magic):
        raise ValidationError(
            _("The file's content does not match its “%(suffix)s” extension.") % {"suffix": suffix}
        )
