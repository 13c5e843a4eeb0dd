from django.urls import path

from . import views

app_name = "mailbox"

urlpatterns = [
    path("piece-jointe/<int:pk>/", views.attachment, name="attachment"),
]
