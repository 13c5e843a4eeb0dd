"""Base for the project's command-line contracts: French errors on stderr, exit status 2, JSON out.

argparse speaks English and exits on its own; our scripts are promised French messages and a
fixed status, so parsing errors are routed through `CliError` like every validation error.
"""

import datetime as dt
import json
import sys

from django.core.management.base import BaseCommand, CommandParser

EXIT_BAD_INPUT = 2


class CliError(Exception):
    """Bad input: the message (French) goes to stderr and the command exits with status 2."""


class _FrenchParser(CommandParser):
    def error(self, message):
        raise CliError(_translate_argparse(message))


def _translate_argparse(message: str) -> str:
    replacements = [
        ("the following arguments are required:", "arguments obligatoires manquants :"),
        ("unrecognized arguments:", "arguments inconnus :"),
        ("expected one argument", "une valeur est attendue"),
        ("invalid choice:", "choix invalide :"),
        ("choose from", "choisir parmi"),
        ("invalid float value:", "nombre invalide :"),
        ("invalid int value:", "entier invalide :"),
        ("not allowed with argument", "incompatible avec l'argument"),
        ("argument ", "argument "),
    ]
    for english, french in replacements:
        message = message.replace(english, french)
    return f"Erreur : {message}"


class JsonCommand(BaseCommand):
    """A management command whose `run(**options)` returns data printed as JSON with --json."""

    json_flag = True

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = _FrenchParser
        if self.json_flag:
            parser.add_argument("--json", action="store_true", help="Sortie JSON.")
        return parser

    def run_from_argv(self, argv):
        try:
            super().run_from_argv(argv)
        except CliError as exc:
            sys.stderr.write(f"{exc}\n")
            sys.exit(EXIT_BAD_INPUT)

    def handle(self, *args, **options):
        result = self.run(**options)
        if options.get("json"):
            self.stdout.write(json.dumps(result, ensure_ascii=False, default=str))
        else:
            self.stdout.write(self.render_text(result))

    def run(self, **options):
        raise NotImplementedError

    def render_text(self, result) -> str:
        """Human-readable output; the default is indented JSON."""
        return json.dumps(result, ensure_ascii=False, indent=2, default=str)


def positive_float(name: str, value) -> float:
    """Parses a strictly positive number, else a French error naming the option."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise CliError(f"Erreur : {name} doit être un nombre (reçu « {value} »).") from None
    if not number > 0 or number != number or number == float("inf"):
        raise CliError(f"Erreur : {name} doit être strictement positif (reçu « {value} »).")
    return number


def parse_date(name: str, value: str) -> dt.date:
    """Parses an AAAA-MM-JJ date, else a French error naming the option."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CliError(
            f"Erreur : {name} doit être une date AAAA-MM-JJ (reçu « {value} »)."
        ) from None
