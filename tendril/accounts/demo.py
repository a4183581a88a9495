"""Accounts' part of the demo data: a marketer and two sales reps with a published password."""

from __future__ import annotations

from tendril.accounts.models import Role, User
from tendril.core.demo import DemoContext, demo_step

DEMO_PASSWORD = "demo-password-123"
DEMO_USERS = (
    ("linh.marketing@demo.tendril", "Linh", "Nguyễn", Role.MARKETER),
    ("somchai.sales@demo.tendril", "Somchai", "Srisuk", Role.SALES),
    ("thao.sales@demo.tendril", "Thảo", "Trần", Role.SALES),
)


@demo_step("accounts", order=10)
def users_demo(context: DemoContext) -> dict[str, int]:
    made = 0
    for email, first, last, role in DEMO_USERS:
        if not User.objects.filter(email=email).exists():
            User.objects.create_user(
                email, DEMO_PASSWORD, role=role, first_name=first, last_name=last
            )
            made += 1
    context.say(f"users {len(DEMO_USERS)} (password {DEMO_PASSWORD})")
    return {"users": len(DEMO_USERS)}
