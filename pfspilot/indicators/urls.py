from django.urls import path

from . import views
from .lists import AGENTS

app_name = "indicators"

urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("export/", views.export, name="export"),
    *AGENTS.urls("agents/"),
]
