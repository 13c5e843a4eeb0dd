from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from pfspilot import views
from pfspilot.people.forms import LoginForm

admin.site.site_header = "PFS Pilot — administration"
admin.site.site_title = "PFS Pilot"
admin.site.index_title = "Référentiel, personnes et paramètres"
# The admin uses the project's login page, which refuses ended accounts with a French message.
admin.site.login = auth_views.LoginView.as_view(
    template_name="registration/login.html", authentication_form=LoginForm
)

urlpatterns = [
    path("", views.home, name="home"),
    path("sante/", views.health, name="health"),
    path(
        "connexion/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("guide/", include("pfspilot.desk.urls")),
    path("contacts/", include("pfspilot.contacts.urls")),
    path("indicateurs/", include("pfspilot.indicators.urls")),
    path("planification/", include("pfspilot.planning.urls")),
    path("personnes/", include("pfspilot.people.urls")),
    path("poste/", include("pfspilot.desk.urls_desk")),
    path("courriels/", include("pfspilot.emaildesk.urls")),
    path("supervision/", include("pfspilot.supervision.urls")),
    path("messagerie/", include("pfspilot.mailbox.urls")),
    path("api/v1/", include("pfspilot.api.urls")),
    path("admin/", admin.site.urls),
]
