import pytest


@pytest.fixture(autouse=True)
def mail_dir(settings, tmp_path):
    """Attachments and quarantined messages of each test in its own temporary folder."""
    settings.MAIL_DIR = tmp_path / "mail"
    return settings.MAIL_DIR
