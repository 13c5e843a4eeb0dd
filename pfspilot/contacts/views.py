from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from pfspilot.formatting import fr_figure
from pfspilot.people.access import can, requires

from .forms import UndoForm, UploadForm, french_size
from .mapping import MappingError
from .models import ImportBatch
from .selectors import batches_with_people, recent_batches
from .services import UndoRefused, start_upload, undo_batch
from .uploads import SizeLimitHandler

# Multipart overhead allowed on top of the file itself before refusing on Content-Length.
FORM_OVERHEAD = 1024 * 1024


@requires({"GET": "imports", "POST": "contacts.import"})
@csrf_exempt
def imports(request):
    """Upload page; the size is checked before the body is read (handlers must be set first)."""
    if request.method == "POST":
        declared = _content_length(request)
        if declared is None:
            return _page(request, UploadForm(), error=_bad_length(), status=400)
        if declared > settings.IMPORT_MAX_BYTES + FORM_OVERHEAD:
            return _page(request, UploadForm(), error=_too_large(), status=413)
        handler = SizeLimitHandler(request)
        request.upload_handlers.insert(0, handler)
        return _upload(request, handler)
    return _page(request, UploadForm())


@csrf_protect
def _upload(request, handler):
    form = UploadForm(request.POST, request.FILES)
    if handler.exceeded:
        return _page(request, UploadForm(), error=_too_large(), status=413)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        start_upload(
            kind=form.cleaned_data["kind"],
            mapping=form.cleaned_data["mapping"],
            upload=form.cleaned_data["file"],
            user=request.user,
        )
    except MappingError as exc:
        return _page(request, form, error=str(exc), status=400)
    return redirect("contacts:imports")


def _content_length(request) -> int | None:
    """The declared body size (0 when absent); None when the header is not a size."""
    value = request.META.get("CONTENT_LENGTH") or "0"
    text = value.strip()
    if not text.isascii() or not text.isdigit():
        return None
    return int(text)


def _bad_length() -> str:
    return _(
        "Envoi illisible : la taille annoncée par le navigateur (en-tête Content-Length) "
        "n'est pas un nombre. Réessayez l'envoi du fichier."
    )


def _too_large() -> str:
    return _("Fichier trop volumineux : maximum %(max)s. Découpez l'export.") % {
        "max": french_size(settings.IMPORT_MAX_BYTES)
    }


def _page(request, form, *, error=None, status=200):
    batches = recent_batches()
    return render(
        request,
        "contacts/imports.html",
        {
            "form": form,
            "error": error,
            "batches": batches,
            "polling": _polling(batches),
            "can_undo": can(request.user, "contacts.undo"),
        },
        status=status,
    )


def _polling(batches) -> bool:
    return any(not b.is_finished for b in batches)


@requires("imports")
def import_progress(request):
    """The batches table alone, polled by htmx while an import is running."""
    # A batch whose worker died shows as failed, so the polling stops.
    batches = recent_batches()
    return render(
        request,
        "contacts/_batches.html",
        {
            "batches": batches,
            "polling": _polling(batches),
            "can_undo": can(request.user, "contacts.undo"),
        },
    )


@requires({"GET": "contacts.undo", "POST": "contacts.undo"})
def undo_import(request, pk):
    """Confirmation page of an import's undoing (GET), then the undoing itself (POST)."""
    batch = get_object_or_404(batches_with_people(), pk=pk)
    form, status = UndoForm(), 200
    if request.method == "POST":
        form = UndoForm(request.POST)
        if form.is_valid():
            try:
                removed = undo_batch(batch=batch, user=request.user)
            except UndoRefused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Import « %(file)s » annulé : %(count)s enregistrement(s) retiré(s).")
                    % {"file": batch.file_name, "count": fr_figure(removed, "count")},
                )
                return redirect("contacts:imports")
        status = 400
    return render(
        request,
        "contacts/undo.html",
        {"batch": batch, "form": form, "undoable": batch.status == ImportBatch.Status.DONE},
        status=status,
    )
