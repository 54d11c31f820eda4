from django import forms

from jinxiu.apps.core.forms import TenantModelForm
from jinxiu.apps.core.uploads import validate_upload
from jinxiu.apps.documents.models import Document


class DocumentForm(TenantModelForm):
    class Meta:
        model = Document
        fields = ["organization", "title", "kind", "number", "issued_by", "issued_on",
                  "expires_on", "file", "note"]
        widgets = {
            "issued_on": forms.DateInput(attrs={"type": "date"}),
            "expires_on": forms.DateInput(attrs={"type": "date"}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded and hasattr(uploaded, "content_type"):  # a new upload, not the stored file
            validate_upload(uploaded)
        return uploaded
