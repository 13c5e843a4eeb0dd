"""The `pfspilot` console command: Django's manage.py with the settings preset."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pfspilot.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except Exception as exc:
        # Django's own commands and the start-up (settings) too: never a traceback for users.
        if "--traceback" in sys.argv:
            raise
        from pfspilot.cli import exit_on_error

        exit_on_error(exc)


if __name__ == "__main__":
    main()
