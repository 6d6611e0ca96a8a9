"""gateway.audit: which requests the audit log records, as data, and how a request finds its rule."""
import pytest

from gateway import audit

ADAPTER = audit.route_map().bind("audit")


@pytest.mark.parametrize("method,path,action,subject", [
    ("POST", "/api/v1/auth/login", "auth.login", None),
    ("PATCH", "/api/v1/users/6f1c1d5e-0000-4000-8000-000000000001", audit.ACCOUNT_CHANGE,
     "6f1c1d5e-0000-4000-8000-000000000001"),
    ("GET", "/api/v1/clients/c-1", "clinical.client_file", "c-1"),
    ("GET", "/api/v1/clients/c-1/activities", "clinical.client_timeline", "c-1"),
    ("GET", "/api/v1/invoices/i-9/pdf", "export.invoice_pdf", "i-9"),
    ("POST", "/api/v1/appointments/a-1/withdraw-cancel", "appointment.cancel_withdrawn", "a-1"),
    ("GET", "/q/q-7", "quotation.opened", "q-7"),
    ("POST", "/r/unsubscribe/abc", "reminders.unsubscribed", None),
    ("POST", "/r/abc", "appointment.answered", None),
])
def test_a_request_finds_its_rule_and_the_subject_its_path_names(method, path, action, subject):
    rule, params = audit.match(ADAPTER, method, path)
    assert rule.action == action
    assert (params.get(rule.subject) if rule.subject else None) == subject


@pytest.mark.parametrize("method,path", [
    ("GET", "/api/v1/clients"),                  # a list of names is not a clinical read
    ("PATCH", "/api/v1/clients/c-1"),            # a change, not a read
    ("GET", "/api/v1/invoices/i-9"),
    ("HEAD", "/api/v1/invoices/i-9/pdf"),        # no document leaves
    ("GET", "/api/v1/clients/c-1/activities/x"),
    ("GET", "/staff/clients/c-1"),               # web's pages call the API, which is where reads are seen
    ("GET", "/r/abc"),                           # a one-click link's page before its button: scanners open it
])
def test_requests_without_a_rule_are_not_recorded(method, path):
    assert audit.match(ADAPTER, method, path) is None


def test_each_rule_is_one_method_and_path_and_names_a_parameter_its_path_has():
    seen = set()
    for rule in audit.RULES:
        assert (rule.method, rule.path) not in seen, rule
        seen.add((rule.method, rule.path))
        if rule.subject and not rule.subject.startswith("answer:") and "{" in rule.path:
            assert "{" + rule.subject + "}" in rule.path, rule
        assert len(rule.action) + len("portal.") <= 60, rule  # fits audit_events.action


def test_no_secret_path_parameter_becomes_a_subject():
    for rule in audit.RULES:
        assert rule.subject not in audit.SECRET_PARAMETERS, rule


def test_the_gateway_relay_purges_the_log_about_once_a_day():
    from gateway.audit_log import purge
    from gateway.service import SPEC

    [job] = [job for job in SPEC.periodic if job.run is purge]
    assert 12 * 3600 <= job.every <= 24 * 3600
