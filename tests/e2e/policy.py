"""The access policy of DESIGN.md section 1, as data: every operation of the public API × every kind of caller.

One row per operation (`METHOD /path` as the merged OpenAPI names it, without `/api/v1`), one column per kind
of caller, each cell what that caller gets when it asks for the world's resources of family A (the ids in the
path are family A's, or thA's; a list that takes a client is asked for family A's — tests/e2e/policy_world.py):

    ok   allowed: the answer may be 2xx, or a 4xx about the input or the state (400, 404, 409, 422), never 401/403
    401  refused before anything else: the caller must sign in (or bring the link's token)
    403  refused: signed in, but not this role, or not their family / their client / their own
    404  refused by not showing that the thing exists

The callers, and what "own" means for them:
    anon   nobody signed in
    org    org_admin (the owner: everything, accounts and roles)
    adm    admin (office manager: includes front desk, biller and therapist rights)
    desk   front_desk
    bill   biller
    thA    a therapist assigned to family A's client (A's appointment and task are theirs; `therapist_id` is theirs)
    thB    a therapist not assigned to family A's client (another therapist's records)
    famA   family A's guardian on the portal (the client in the path is their child)
    famB   another family's guardian (the client in the path is not theirs)

A role includes the rights of the roles it contains (org_admin > admin > front desk, biller, therapist), so
`org` and `adm` can do what `desk`, `bill` and `thA` can unless a row says why not. A denial must come before
any validation: tests/e2e/test_policy_matrix.py sends an invalid body, so a 422 where the table says 401/403
is a failure. To add an endpoint: add its row here (the test fails until every operation has one).
"""
from __future__ import annotations

CALLERS = ("anon", "org", "adm", "desk", "bill", "thA", "thB", "famA", "famB")
OUTCOMES = ("ok", "401", "403", "404")

TABLE = """
# operation                                             anon org adm desk bill thA thB famA famB  why (where not obvious)
# -- gateway: sign-in, accounts, the centre
POST   /auth/login                                       ok  ok  ok  ok   ok   ok  ok  ok   ok
POST   /auth/refresh                                     ok  ok  ok  ok   ok   ok  ok  ok   ok    the refresh token is the credential
POST   /auth/logout                                      ok  ok  ok  ok   ok   ok  ok  ok   ok    the refresh token is the credential
POST   /auth/activate                                    ok  ok  ok  ok   ok   ok  ok  ok   ok    the invitation token is the credential
POST   /auth/login/second-factor                         ok  ok  ok  ok   ok   ok  ok  ok   ok    the sign-in's challenge is the credential
POST   /auth/login/second-factor/enrolment               ok  ok  ok  ok   ok   ok  ok  ok   ok    the sign-in's challenge is the credential
POST   /auth/login/second-factor/enrolment/confirm       ok  ok  ok  ok   ok   ok  ok  ok   ok    the sign-in's challenge is the credential
POST   /auth/password-reset                              ok  ok  ok  ok   ok   ok  ok  ok   ok    answers the same whether the address exists or not
POST   /auth/password-reset/complete                     ok  ok  ok  ok   ok   ok  ok  ok   ok    the e-mailed reset token is the credential
POST   /auth/links/check                                 ok  ok  ok  ok   ok   ok  ok  ok   ok    the e-mailed token is the credential
GET    /users/me                                         401 ok  ok  ok   ok   ok  ok  ok   ok
POST   /users/me/password                                401 ok  ok  ok   ok   ok  ok  ok   ok
GET    /users/me/second-factor                           401 ok  ok  ok   ok   ok  ok  ok   ok    one's own; families may turn it on too
POST   /users/me/second-factor                           401 ok  ok  ok   ok   ok  ok  ok   ok
POST   /users/me/second-factor/confirm                   401 ok  ok  ok   ok   ok  ok  ok   ok
DELETE /users/me/second-factor                           401 ok  ok  ok   ok   ok  ok  ok   ok
POST   /users/me/second-factor/recovery-codes            401 ok  ok  ok   ok   ok  ok  ok   ok
GET    /users/me/sessions                                401 ok  ok  ok   ok   ok  ok  ok   ok
DELETE /users/me/sessions/{session_id}                   401 404 404 404  404  404 404 ok   404   family A's other session: another person's does not exist for you
POST   /users/me/sessions/end-others                     401 ok  ok  ok   ok   ok  ok  ok   ok
GET    /users                                            401 ok  ok  ok   403  403 403 403  403   the front desk finds family accounts to invite
POST   /users                                            401 ok  403 403  403  403 403 403  403   staff accounts belong to the owner
GET    /users/{user_id}                                  401 ok  ok  403  403  403 403 403  403
PATCH  /users/{user_id}                                  401 ok  ok  403  403  403 403 403  403   an admin renames or deactivates families; staff changes are the owner's (checked by body)
POST   /users/{user_id}/sessions/end                     401 ok  403 403  403  403 403 403  403
POST   /users/{user_id}/invitation                       401 ok  ok  ok   403  403 403 403  403
POST   /users/{user_id}/second-factor/reset              401 ok  403 403  403  403 403 403  403   a lost phone: the owner's
GET    /audit-events                                     401 ok  403 403  403  403 403 403  403   searchable by the owner (issue 14)
GET    /audit-events.csv                                 401 ok  403 403  403  403 403 403  403   an export: the owner's
GET    /center                                           ok  ok  ok  ok   ok   ok  ok  ok   ok    printed on public pages
PUT    /center                                           401 ok  403 403  403  403 403 403  403   centre settings are the owner's
GET    /center/logo                                      ok  ok  ok  ok   ok   ok  ok  ok   ok
PUT    /center/logo                                      401 ok  403 403  403  403 403 403  403
DELETE /center/logo                                      401 ok  403 403  403  403 403 403  403
# -- booking: catalogue, therapists, rooms, closures
GET    /service-types                                    ok  ok  ok  ok   ok   ok  ok  ok   ok    the public booking page
POST   /service-types                                    401 ok  ok  403  403  403 403 403  403   settings: admins
GET    /service-types/{service_type_id}                  ok  ok  ok  ok   ok   ok  ok  ok   ok
PATCH  /service-types/{service_type_id}                  401 ok  ok  403  403  403 403 403  403
GET    /therapists                                       ok  ok  ok  ok   ok   ok  ok  ok   ok    the public booking page
POST   /therapists                                       401 ok  ok  403  403  403 403 403  403
GET    /therapists/{therapist_id}                        ok  ok  ok  ok   ok   ok  ok  ok   ok
PUT    /therapists/{therapist_id}/working-hours          401 ok  ok  403  403  403 403 403  403
GET    /therapists/{therapist_id}/time-off               401 ok  ok  ok   403  ok  403 403  403   a therapist manages their own time off
POST   /therapists/{therapist_id}/time-off               401 ok  ok  ok   403  ok  403 403  403
DELETE /therapists/{therapist_id}/time-off/{time_off_id} 401 ok  ok  ok   403  ok  403 403  403
POST   /therapists/{therapist_id}/calendar-token         401 ok  ok  403  403  ok  403 403  403   the therapist's own feed link (or an admin)
GET    /therapists/{therapist_id}/calendar.ics           401 401 401 401  401  401 401 401  401   calendar apps cannot sign in: the feed's token is the only credential
GET    /rooms                                            401 ok  ok  ok   403  ok  ok  403  403
POST   /rooms                                            401 ok  ok  403  403  403 403 403  403
GET    /closures                                         401 ok  ok  ok   403  ok  ok  403  403
POST   /closures                                         401 ok  ok  403  403  403 403 403  403
DELETE /closures/{closure_id}                            401 ok  ok  403  403  403 403 403  403
# -- booking: appointments, series, wait list, calendars
GET    /client-availability/{client_id}                  401 ok  ok  ok   403  ok  403 ok   403   a therapist uses it for the clients they see only
PUT    /client-availability/{client_id}                  401 ok  ok  ok   403  403 403 ok   403
GET    /slots                                            401 ok  ok  ok   403  ok  403 ok   403   asked with family A's client_id (suggestions inside their windows); public without it
POST   /appointments                                     ok  ok  ok  ok   ok   ok  ok  ok   ok    online booking is public; a family books only for its own children (checked by body)
GET    /appointments                                     401 ok  ok  ok   403  ok  ok  ok   ok    each sees only their own rows (a filtered list)
GET    /appointments/{appointment_id}                    401 ok  ok  ok   403  ok  403 ok   403
GET    /appointments/{appointment_id}/history            401 ok  ok  ok   403  ok  403 ok   403
POST   /appointments/{appointment_id}/confirm            401 ok  ok  ok   403  403 403 ok   403
POST   /appointments/{appointment_id}/cancel             401 ok  ok  ok   403  403 403 ok   403   staff cancel; a family asks to cancel
POST   /appointments/{appointment_id}/withdraw-cancel    401 ok  ok  ok   403  403 403 ok   403
POST   /appointments/{appointment_id}/accept-cancel      401 ok  ok  ok   403  403 403 403  403
POST   /appointments/{appointment_id}/complete           401 ok  ok  ok   403  ok  403 403  403
POST   /appointments/{appointment_id}/no-show            401 ok  ok  ok   403  ok  403 403  403
POST   /appointments/{appointment_id}/reschedule         401 ok  ok  ok   403  403 403 403  403
POST   /appointment-series                               401 ok  ok  ok   403  403 403 403  403
GET    /appointment-series/{series_id}                   401 ok  ok  ok   403  ok  403 ok   403
POST   /appointment-series/{series_id}/cancel            401 ok  ok  ok   403  403 403 403  403
POST   /appointment-series/{series_id}/reschedule        401 ok  ok  ok   403  403 403 403  403
POST   /waitlist                                         ok  ok  ok  ok   ok   ok  ok  ok   ok    like booking: public
GET    /waitlist                                         401 ok  ok  ok   403  403 403 403  403
GET    /waitlist/{entry_id}                              401 ok  ok  ok   403  403 403 ok   403   or the offer e-mail's token
DELETE /waitlist/{entry_id}                              401 ok  ok  ok   403  403 403 ok   403   or the offer e-mail's token
POST   /waitlist/{entry_id}/accept                       401 ok  ok  ok   403  403 403 ok   403   or the offer e-mail's token
GET    /calendar                                         401 ok  ok  ok   403  ok  ok  ok   403   asked with family A's client_id; a therapist sees their own sessions only
GET    /planning                                         401 ok  ok  ok   403  ok  ok  403  403
# -- crm
GET    /clients                                          401 ok  ok  ok   ok   403 403 ok   ok    a family's list holds its own children only
POST   /clients                                          401 ok  ok  ok   403  403 403 403  403
GET    /clients/{client_id}                              401 ok  ok  ok   ok   403 403 ok   403   the biller reads clients (DESIGN); staff-only notes never reach the portal
PATCH  /clients/{client_id}                              401 ok  ok  ok   403  403 403 403  403
GET    /clients/{client_id}/activities                   401 ok  ok  ok   403  403 403 403  403
GET    /opportunities                                    401 ok  ok  ok   403  403 403 403  403
GET    /opportunities/{opportunity_id}                   401 ok  ok  ok   403  403 403 403  403
POST   /opportunities/{opportunity_id}/lost              401 ok  ok  ok   403  403 403 403  403
# -- sales
GET    /price-list                                       ok  ok  ok  ok   ok   ok  ok  ok   ok    families see prices
POST   /price-list                                       401 ok  ok  403  403  403 403 403  403
GET    /price-list/{item_id}                             ok  ok  ok  ok   ok   ok  ok  ok   ok
PATCH  /price-list/{item_id}                             401 ok  ok  403  403  403 403 403  403
GET    /quotations                                       401 ok  ok  ok   403  403 403 ok   ok
POST   /quotations                                       401 ok  ok  ok   403  403 403 403  403
GET    /quotations/{quotation_id}                        401 ok  ok  ok   403  403 403 ok   403   or the share link's token
GET    /quotations/{quotation_id}/pdf                    401 ok  ok  ok   403  403 403 ok   403   or the share link's token
POST   /quotations/{quotation_id}/send                   401 ok  ok  ok   403  403 403 403  403
POST   /quotations/{quotation_id}/sign                   401 403 403 403  403  403 403 ok   403   only the family signs (portal or the share link)
POST   /quotations/{quotation_id}/decline                401 403 403 403  403  403 403 ok   403   only the family declines (portal or the share link)
GET    /quotations/{quotation_id}/signature              401 ok  ok  ok   403  403 403 403  403
# -- tasks (clinical work: never the portal)
GET    /projects                                         401 ok  ok  ok   403  ok  ok  403  403
GET    /tasks                                            401 ok  ok  ok   403  ok  ok  403  403   a therapist's list holds their own tasks only
GET    /tasks/{task_id}                                  401 ok  ok  ok   403  ok  403 403  403
POST   /tasks/{task_id}/assign                           401 ok  ok  ok   403  403 403 403  403
POST   /tasks/{task_id}/status                           401 ok  ok  ok   403  ok  403 403  403
POST   /tasks/{task_id}/timesheets                       401 ok  ok  403  403  ok  403 403  403   time and progress notes: the task's therapist
GET    /tasks/{task_id}/timesheets                       401 ok  ok  ok   403  ok  403 403  403   the front desk sees minutes, never the notes
GET    /timesheets                                       401 ok  ok  403  403  ok  ok  403  403   a therapist's own entries
# -- billing
GET    /billable-items                                   401 ok  ok  ok   ok   403 403 403  403
GET    /invoices/balances                                401 ok  ok  ok   ok   403 403 403  403
GET    /invoices                                         401 ok  ok  ok   ok   403 403 ok   403   asked with family A's client_id
POST   /invoices                                         401 ok  ok  ok   ok   403 403 403  403
GET    /invoices/{invoice_id}                            401 ok  ok  ok   ok   403 403 ok   403
GET    /invoices/{invoice_id}/pdf                        401 ok  ok  ok   ok   403 403 ok   403   or the invoice link's token
POST   /invoices/{invoice_id}/void                       401 ok  ok  403  ok   403 403 403  403   voiding is the biller's
POST   /invoices/{invoice_id}/payments                   401 ok  ok  ok   ok   403 403 403  403
GET    /payments                                         401 ok  ok  ok   ok   403 403 ok   403   asked with family A's client_id
GET    /credits                                          401 ok  ok  ok   ok   403 403 ok   403   asked with family A's client_id
# -- notifications
GET    /notifications                                    401 ok  ok  ok   ok   403 403 ok   403   the delivery log, asked with family A's client_id
GET    /notifications/{notification_id}                  401 ok  ok  ok   ok   403 403 ok   403
POST   /notifications/{notification_id}/resend           401 ok  ok  403  403  403 403 403  403
GET    /reminder-settings/{client_id}                    401 ok  ok  ok   403  403 403 ok   403
PUT    /reminder-settings/{client_id}                    401 ok  ok  ok   403  403 403 ok   403
GET    /notification-templates                           401 ok  ok  403  403  403 403 403  403
GET    /notification-templates/{kind}                    401 ok  ok  403  403  403 403 403  403
PUT    /notification-templates/{kind}                    401 ok  ok  403  403  403 403 403  403
"""


def parse(text: str = TABLE) -> dict[str, dict[str, str]]:
    """{"GET /clients/{client_id}": {"anon": "401", "org": "ok", ...}}; a malformed row raises at once."""
    policy: dict[str, dict[str, str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        method, path, *cells = line.split()
        outcomes = cells[:len(CALLERS)]
        operation = f"{method} {path}"
        if len(outcomes) != len(CALLERS) or not set(outcomes) <= set(OUTCOMES):
            raise ValueError(f"policy line {number} ({operation}): expected {len(CALLERS)} of {OUTCOMES}")
        if operation in policy:
            raise ValueError(f"policy line {number}: {operation} has two rows")
        policy[operation] = dict(zip(CALLERS, outcomes))
    return policy


POLICY = parse()
