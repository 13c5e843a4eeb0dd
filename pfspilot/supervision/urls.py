from django.urls import path

from . import lists, views

app_name = "supervision"

urlpatterns = [
    path("", views.board, name="board"),
    path("couverture/", views.coverage, name="coverage"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/echantillon/", views.sample, name="sample"),
    path("<int:pk>/elements/<int:item>/", views.evaluate, name="evaluate"),
    path("<int:pk>/debriefing/", views.debrief, name="debrief"),
    path("<int:pk>/signature/", views.sign, name="sign"),
    path("<int:pk>/prise-de-connaissance/", views.acknowledge, name="acknowledge"),
    path("<int:pk>/compte-rendu.pdf", views.report_pdf, name="report"),
    path("agents/<int:pk>/", views.agent_file, name="agent_file"),
    path("rappels/", views.reminders, name="reminders"),
    path("formations/", views.training, name="training"),
    path("grilles/", views.grids, name="grids"),
    path("rappels/<int:pk>/lu/", views.reminder_read, name="reminder_read"),
]
urlpatterns += lists.SUPERVISIONS.urls("liste/")
