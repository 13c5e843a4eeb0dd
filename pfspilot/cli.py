"""Base for the project's command-line contracts: French errors on stderr, exit status 2, JSON out.

argparse speaks English and exits on its own; our scripts are promised French messages and a
fixed status, so parsing errors are routed through `CliError` like every validation error.
"""

import datetime as dt
import json
import math
import sys

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from pfspilot.engine import calendar

EXIT_BAD_INPUT = 2


class CliError(Exception):
    """Bad input: the message (French) goes to stderr and the command exits with status 2."""


class _FrenchParser(CommandParser):
    def error(self, message):
        raise CliError(_translate_argparse(message))


def _translate_argparse(message: str) -> str:
    replacements = [
        ("the following arguments are required:", _("arguments obligatoires manquants :")),
        ("unrecognized arguments:", _("arguments inconnus :")),
        ("expected one argument", _("une valeur est attendue")),
        ("invalid choice:", _("choix invalide :")),
        ("choose from", _("choisir parmi")),
        ("invalid float value:", _("nombre invalide :")),
        ("invalid int value:", _("entier invalide :")),
        ("not allowed with argument", _("incompatible avec l'argument")),
        ("argument ", _("argument ")),
    ]
    for english, french in replacements:
        message = message.replace(english, french)
    return _("Erreur : %(message)s") % {"message": message}


UNEXPECTED = (
    "Erreur inattendue (%(kind)s) : la commande s'est arrêtée sans terminer. Relancez-la "
    "avec --traceback pour le détail technique et transmettez-le à l'administrateur."
)


def unexpected_error_message(exc: BaseException) -> str:
    """The French line shown instead of a traceback (the detail stays behind --traceback)."""
    try:
        template = _(UNEXPECTED)
    except Exception:
        # Settings that failed to load leave no translation machinery: the French source.
        template = UNEXPECTED
    return template % {"kind": type(exc).__name__}


def exit_on_error(exc: BaseException) -> None:
    """Writes the French message of `exc` on stderr and exits with status 2."""
    message = str(exc) if isinstance(exc, CliError) else unexpected_error_message(exc)
    sys.stderr.write(f"{message}\n")
    sys.exit(EXIT_BAD_INPUT)


class ProjectCommand(BaseCommand):
    """Base of every project command: French argument errors, and no command ever ends in a
    traceback (bad input or unexpected error: a French message on stderr, exit status 2;
    `--traceback` keeps Django's behaviour for debugging)."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        # argparse needs a real str: a lazily translated `help` is resolved here.
        self.help = str(self.help)
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = _FrenchParser
        return parser

    def run_from_argv(self, argv):
        try:
            super().run_from_argv(argv)
        except CliError as exc:
            exit_on_error(exc)
        except Exception as exc:
            if "--traceback" in argv:
                raise
            exit_on_error(exc)


class JsonCommand(ProjectCommand):
    """A management command whose `run(**options)` returns data printed as JSON with --json."""

    json_flag = True

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        if self.json_flag:
            parser.add_argument("--json", action="store_true", help=_("Sortie JSON."))
        return parser

    def handle(self, *args, **options):
        result = self.run(**options)
        if options.get("json"):
            # Strict JSON: a non-finite number (NaN, ±Infinity) is unknown, written null.
            self.stdout.write(
                json.dumps(finite_json(result), ensure_ascii=False, default=str, allow_nan=False)
            )
        else:
            self.stdout.write(self.render_text(result))

    def run(self, **options):
        raise NotImplementedError

    def render_text(self, result) -> str:
        """Human-readable output; the default is indented JSON."""
        return json.dumps(result, ensure_ascii=False, indent=2, default=str)


def finite_json(value):
    """`value` with every non-finite float (NaN, ±inf) replaced by None, at any depth."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite_json(v) for v in value]
    return value


def parse_number(name: str, value) -> float:
    """Parses a number, else a French error naming the option; the range is the caller's."""
    try:
        return float(value)
    except (TypeError, ValueError):
        raise CliError(
            _("Erreur : %(name)s doit être un nombre (reçu « %(value)s »).")
            % {"name": name, "value": value}
        ) from None


def positive_float(name: str, value) -> float:
    """Parses a strictly positive number, else a French error naming the option."""
    parsed = parse_number(name, value)
    if not (parsed > 0 and math.isfinite(parsed)):
        raise CliError(
            _("Erreur : %(name)s doit être strictement positif (reçu « %(value)s »).")
            % {"name": name, "value": value}
        )
    return parsed


def non_negative_float(name: str, value) -> float:
    """Parses a number ≥ 0 (a zero delay is a valid service-level threshold)."""
    parsed = parse_number(name, value)
    if not (parsed >= 0 and math.isfinite(parsed)):
        raise CliError(
            _("Erreur : %(name)s doit être positif ou nul (reçu « %(value)s »).")
            % {"name": name, "value": value}
        )
    return parsed


def parse_date(name: str, value: str) -> dt.date:
    """Parses an AAAA-MM-JJ date of the supported years, else a French error naming the option."""
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise CliError(
            _("Erreur : %(name)s doit être une date AAAA-MM-JJ (reçu « %(value)s »).")
            % {"name": name, "value": value}
        ) from None
    if not calendar.in_supported_range(day):
        raise CliError(
            _(
                "Erreur : %(name)s doit être une date entre le %(first)s-01-01 et le "
                "%(last)s-12-31 (reçu « %(value)s »)."
            )
            % {
                "name": name,
                "value": value,
                "first": calendar.FIRST_YEAR,
                "last": calendar.LAST_YEAR,
            }
        )
    return day


def parse_profile(value: str | None, profiles) -> str:
    """The agent profile of `--profile` (one of `profiles`: fi or confirme); CliError otherwise."""
    if not value:
        raise CliError(
            _("Erreur : --profile est obligatoire : fi (formation initiale) ou confirme.")
        )
    if value not in profiles:
        raise CliError(
            _(
                "Erreur : profil « %(profile)s » invalide pour --profile : "
                "fi (formation initiale) ou confirme."
            )
            % {"profile": value}
        )
    return value
