"""URLs of the agent's desk and the queues that follow it (namespace « poste »)."""

from django.urls import path

from . import views_desk as views
from .lists import REQUESTS, URGENCIES

app_name = "poste"

urlpatterns = [
    path("", views.poste, name="poste"),
    path("remontee/", views.screen_pop, name="screen_pop"),
    path("fiches/<int:pk>/", views.record, name="record"),
    *REQUESTS.urls("demandes/"),
    path("demandes/<int:pk>/", views.request_detail, name="request"),
    path("demandes/<int:pk>/reattribuer/", views.request_reassign, name="request_reassign"),
    path("creneaux/", views.slots, name="slots"),
    *URGENCIES.urls("urgences/"),
    path("urgences/envoyer/", views.urgency_send, name="urgency_send"),
    path("urgences/<int:pk>/", views.urgency_detail, name="urgency"),
    path("incivilites/", views.incivilities, name="incivilities"),
    path("incivilites/<int:pk>/", views.follow_up, name="follow_up"),
    path("consultations/", views.consultations, name="consultations"),
]
