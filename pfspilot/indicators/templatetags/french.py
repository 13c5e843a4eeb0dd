"""The `fr` template filter, builtin in every template (settings.TEMPLATES): French figures.

`{{ value|fr:"rate" }}` → « 87,0 % »; the kinds and their decimals are those of
`pfspilot.indicators.formatting.KINDS` (count, mean, agents, fte, per_hour, rate, percent,
seconds, hours, ratio, value).
"""

from django import template

from pfspilot.indicators.formatting import fr_figure

register = template.Library()


@register.filter(name="fr")
def fr(value, kind: str = "count") -> str:
    return fr_figure(value, kind)
