"""French face of the django-tasks-db backend in the admin (its own labels are English)."""
