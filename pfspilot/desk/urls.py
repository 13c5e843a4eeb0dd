from django.urls import path

from . import views

app_name = "desk"

urlpatterns = [
    path("", views.guide, name="guide"),
    path("recherche/", views.search, name="search"),
]
