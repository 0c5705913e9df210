from __future__ import annotations

from django import forms

from accounts.time_zones import time_zone_names

EXPIRY_CHOICES = [(7, "7 days"), (30, "30 days"), (90, "90 days"), (365, "1 year")]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=80,
        strip=True,
        help_text="What the token is for, e.g. “backup script on my laptop”.",
    )
    expires_in_days = forms.TypedChoiceField(
        choices=EXPIRY_CHOICES, coerce=int, initial=90, label="Expires after"
    )


class TimeZoneForm(forms.Form):
    """The person's time zone, an IANA name (dates, search days and the tracker use it)."""

    time_zone = forms.ChoiceField(label="Time zone")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["time_zone"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(name, name.replace("_", " ")) for name in time_zone_names()]
