"""The one page of the incoming email: an attachment, as a download only.

Never inline: `Content-Disposition: attachment`, the declared type only when it is an admitted
one (else application/octet-stream), `X-Content-Type-Options: nosniff` (SecurityMiddleware) and a
sandboxing Content-Security-Policy in case a browser opens it anyway.
"""

from django.conf import settings
from django.http import FileResponse, Http404

from pfspilot.people.access import requires

from . import selectors, services


@requires("email_attachments")
def attachment(request, pk):
    item = selectors.attachment_for_download(request.user, pk)
    path = services.attachment_path(item)
    if path is None or not path.is_file():
        raise Http404("Pièce jointe introuvable.")
    content_type = (
        item.content_type
        if item.content_type in settings.MAIL_ATTACHMENT_TYPES
        else "application/octet-stream"
    )
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=item.filename, content_type=content_type
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
