from django.contrib.auth.backends import AllowAllUsersModelBackend


class AccountBackend(AllowAllUsersModelBackend):
    """Lets inactive or ended accounts authenticate so the login form can say why they are refused."""
