"""URLs of the email desk (namespace « courriels »)."""

from django.urls import path

from . import views

app_name = "courriels"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("suivant/", views.next_email, name="next"),
    path("<int:pk>/", views.email, name="email"),
    path("<int:pk>/bail/", views.renew, name="renew"),
    path("<int:pk>/reattribuer/", views.reassign, name="reassign"),
    path("<int:pk>/nature/", views.requalify, name="requalify"),
    path("modeles/", views.templates, name="templates"),
    path("modeles/nouveau/", views.template_new, name="template_new"),
    path("modeles/<int:pk>/", views.template, name="template"),
    path("promotion/", views.promotion, name="promotion"),
]
