"""`pfspilot remind_follow_ups [--json]`: counts one more reminder on every incivility
follow-up past its due date and still incomplete (run daily, e.g. by cron); managers see them
on every page until the three steps of note §D are filled."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pfspilot.cli import JsonCommand
from pfspilot.desk import services


class Command(JsonCommand):
    help = gettext_lazy("Relance les suivis d'incivilité en retard (une relance de plus chacun).")

    def run(self, **options):
        return {"reminded": services.follow_up_remind()}

    def render_text(self, result) -> str:
        return _("Suivis d'incivilité relancés : %(n)s") % {"n": result["reminded"]}
