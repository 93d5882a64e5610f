"""Form helpers shared by every app."""


def apply_errors(form, error, aliases=None):
    """Show a service's ValidationError on the form: on the field it names, else above the form."""
    aliases = aliases or {}
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            name = aliases.get(name, name)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
