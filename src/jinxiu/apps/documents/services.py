"""Writes for documents."""

from __future__ import annotations

from jinxiu.apps.documents.models import Document


def document_save(*, document: Document, user, uploaded=None) -> Document:
    """Save a document; a new upload replaces the file and remembers its original name."""
    if uploaded is not None and hasattr(uploaded, "content_type"):
        document.original_name = uploaded.name[:200]
    if document.pk is None:
        document.uploaded_by = user
    document.full_clean()
    document.save()
    return document
