"""Sign-in throttling with django-axes: a limit per account and address, and a larger one per
address (settings ``AXES_FAILURE_LIMIT`` and ``LOGIN_FAILURES_PER_IP``).

Axes counts failures for each entry of ``AXES_LOCKOUT_PARAMETERS`` (here: username + address,
then address alone) but compares them all with one limit. This handler gives each its own, and
lets a successful sign-in clear only its own account's count: otherwise anyone with one working
account could wipe the per-address count between guesses at other accounts.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

from tendril.core.emails import email_fold


def login_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The account a sign-in names, as it is stored: "Ann@Acme.io " counts for ann@acme.io."""
    raw = (credentials or {}).get("username") or request.POST.get("username") or ""
    return email_fold(str(raw))


class LoginThrottleHandler(AxesDatabaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """Failures measured against ``AXES_FAILURE_LIMIT``: the per-address count is shifted
        so that it reaches that limit exactly when it reaches ``LOGIN_FAILURES_PER_IP``."""
        per_account, per_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        shift = settings.LOGIN_FAILURES_PER_IP - settings.AXES_FAILURE_LIMIT
        return max(per_account, per_address - shift)

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        per_account = self.filter_user_attempts(request, credentials)[0]
        count, _ = per_account.delete()
        return count
