from django import forms


class WebAddressInput(forms.URLInput):
    """A web address in a text input: a form sent back with errors shows what was typed,
    which an input of type "url" may only hold when it is a URL. Phones still offer the
    keyboard for addresses."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "url", "autocomplete": "url", **(attrs or {})})
