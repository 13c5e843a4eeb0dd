"""The one way a work-item page applies a form to a service (desk, email desk)."""

from .services import WorkItemError


def apply_form(form, call):
    """Runs `call(cleaned_data)` when `form` is valid; a service refusal becomes a form error.

    Returns the service's result, or None when the form holds errors; a refusal's HTTP status
    (409 when someone else holds the item…) is kept on `form.refusal_status`.
    """
    if not form.is_valid():
        return None
    try:
        return call(form.cleaned_data)
    except WorkItemError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        form.refusal_status = error.status
        return None
