"""Issue 12, item 11: schemathesis on the API's OpenAPI schema — no request ever answers 500.

Every operation of /api/v1/schema gets generated requests (bounded, derandomized), sent
through the WSGI application with a valid token of an agent, a supervisor and an expert.
"""

import pytest

schemathesis = pytest.importorskip("schemathesis")

from django.core.wsgi import get_wsgi_application  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

APP = get_wsgi_application()
SCHEMA = schemathesis.openapi.from_wsgi("/api/v1/schema", APP)


@pytest.fixture
def tokens(personas):
    return {name: Token.objects.get_or_create(user=personas[name])[0].key for name in personas}


@pytest.mark.django_db(transaction=True)
@SCHEMA.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.parametrize("persona", ["bob", "sam", "eric"])
def test_no_operation_answers_a_server_error(case, tokens, persona):
    response = case.call(headers={"Authorization": f"Token {tokens[persona]}"})
    case.validate_response(response, checks=[not_a_server_error])
