from django.urls import path

from . import views

app_name = "contacts"

urlpatterns = [
    path("imports/", views.imports, name="imports"),
    path("imports/suivi/", views.import_progress, name="import_progress"),
    path("imports/<int:pk>/annuler/", views.undo_import, name="undo_import"),
]
