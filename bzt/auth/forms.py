import re

from django import forms


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=12,
        help_text="De zes cijfers die uw authenticator-app nu toont.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        error_messages={"required": "Vul de code uit uw authenticator-app in."},
    )

    def clean_code(self):
        code = re.sub(r"\s", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError("De code bestaat uit zes cijfers.")
        return code
