"""Static files storage in production: whitenoise's compressed, content-hashed files."""

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashes CSS references but leaves `sourceMappingURL` comments of JavaScript alone.

    Vendored bundles (Chart.js) name a source map that is not shipped; rewriting that comment
    would make `collectstatic` fail on the missing file, and browsers only fetch maps in their
    developer tools.
    """

    patterns = tuple(
        (glob, rules) for glob, rules in ManifestStaticFilesStorage.patterns if glob != "*.js"
    )
