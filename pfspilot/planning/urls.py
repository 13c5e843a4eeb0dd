from django.urls import path

from . import views, views_forecast

app_name = "planning"

urlpatterns = [
    path("", views.day, name="day"),
    path("optimiser/", views.optimise, name="optimise"),
    path("calcul/", views.plan_status, name="plan_status"),
    path("simulation/", views.what_if, name="what_if"),
    path("semaine/", views.week, name="week"),
    path("prevision/", views_forecast.forecast, name="forecast"),
    path(
        "prevision/corrections/supprimer/",
        views_forecast.forecast_override_delete,
        name="forecast_override_delete",
    ),
    path("capacite/", views_forecast.capacity, name="capacity"),
    path("capacite/calcul/", views_forecast.capacity_status, name="capacity_status"),
]
