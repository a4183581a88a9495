"""The ``tendril`` command: set-up, serving, workers, status, demo data, API keys, import, export.

Every command reads the same environment as the web app; a bad setting or an unreachable
database ends the command with one line and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ADMIN_FILE = "initial-admin.txt"


class CommandError(Exception):
    """A problem the person at the terminal can fix; printed as one line."""


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tendril.settings")
    import django

    django.setup()


def _say(message: str) -> None:
    print(message, flush=True)


class Progress:
    """Prints ``<what> <n>`` at most every second, so long work shows it is alive."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.started = time.monotonic()
        self.last = 0.0

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if now - self.last >= 1.0:
            rate = done / max(now - self.started, 1e-6)
            print(f"  {self.what}: {done:,} ({rate:,.0f}/s)", file=sys.stderr, flush=True)
            self.last = now


# --- commands --------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> None:
    from django.conf import settings
    from django.core.management import call_command

    from tendril.accounts.services import admin_ensure

    _say("Applying database migrations…")
    call_command("migrate", interactive=False, verbosity=0)
    email = os.environ.get("TENDRIL_ADMIN_EMAIL", "admin@tendril.local")
    password = os.environ.get("TENDRIL_ADMIN_PASSWORD") or None
    admin, generated = admin_ensure(email=email, password=password)
    if generated:
        from tendril.core.files import private_write

        # Kept (mode 0600) until the admin changes the password, for `tendril run` to remind
        # a newcomer of it; see _login_hint.
        private_write(Path(settings.VAR_DIR) / ADMIN_FILE, f"{admin.email}\n{generated}\n")
        _say(f"Created the admin {admin.email} with the password {generated}")
    else:
        _say(f"Database ready; admin: {admin.email}")


def _login_hint(*, terminal: bool) -> str:
    """How to sign in the first time, until the first admin has signed in once.

    A newcomer who typed ``make run`` reads the password on their terminal. A server's output
    goes to a log that others may read and that keeps it for good, so there it names the file
    (mode 0600) instead. Once the admin has signed in, or has changed the generated password,
    there is nothing left to remind.
    """
    from django.conf import settings

    from tendril.accounts.models import User

    login_file = Path(settings.VAR_DIR) / ADMIN_FILE
    if not login_file.exists():
        return ""
    lines = login_file.read_text().split()
    if len(lines) != 2:
        return ""
    email, password = lines
    user = User.objects.filter(email=email).first()
    if user is None or user.last_login is not None or not user.check_password(password):
        return ""
    if terminal:
        return f"Log in as {email} with the password {password}"
    return f"Log in as {email} with the password in {login_file}"


def _check_migrated() -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise CommandError("the database is not up to date: run 'tendril init' first")


# Built by the frontend step (npm), never committed; every page links them.
BUILT_STATIC = (
    "build/app.css",
    "build/app.js",
    "build/htmx.min.js",
    "build/api-docs.js",
    "build/chart.umd.min.js",
    "build/dashboard.js",
    "build/segments.js",
    "build/where-editor.js",
    "build/bar-chart.js",
    "build/segment-history.js",
    "build/fonts/fonts.css",
    "build/swagger-ui/swagger-ui-bundle.js",
    "build/swagger-ui/swagger-ui.css",
)


def _check_static() -> None:
    """Serving pages without their styles and scripts would look broken; say how to fix it."""
    from django.contrib.staticfiles import finders

    missing = [name for name in BUILT_STATIC if finders.find(name) is None]
    if missing:
        raise CommandError(
            f"the web interface's static files are not built ({missing[0]} is missing): "
            "run 'make static' in a source checkout (it needs Node.js and npm)"
        )


def cmd_run(args: argparse.Namespace) -> None:
    from django.conf import settings

    from tendril.runner import serve

    _check_migrated()
    _check_static()
    url = f"http://{args.host}:{args.port}/"
    mode = (
        "Celery (" + settings.BROKER_URL.split("://")[0] + ")"
        if settings.BROKER_URL
        else ("in-process worker and scheduler")
    )
    if not settings.BROKER_URL:
        from tendril.core.startup import startup_run

        startup_run()  # this process does the background work: clean up after a crash first
    lines = [f"Tendril is running at {url}  (background work: {mode})"]
    hint = _login_hint(terminal=sys.stdout.isatty())
    if hint:
        lines.append(hint)
    lines.append("Press Ctrl+C to stop.")
    serve(host=args.host, port=args.port, threads=args.threads, banner="\n".join(lines))


def _require_broker(what: str) -> str:
    from django.conf import settings

    if not settings.BROKER_URL:
        raise CommandError(
            f"BROKER_URL is not set, so there is no {what} to run: 'tendril run' does the "
            "background work in-process"
        )
    return settings.BROKER_URL


def cmd_worker(args: argparse.Namespace) -> None:
    _require_broker("worker")
    from tendril.celery import app
    from tendril.core.startup import startup_run

    startup_run()
    app.worker_main(["worker", f"--loglevel={args.loglevel}", f"--concurrency={args.concurrency}"])


def cmd_scheduler(args: argparse.Namespace) -> None:
    _require_broker("scheduler")
    from django.conf import settings

    from tendril.celery import app
    from tendril.core.scheduler import beat_schedule

    app.conf.beat_schedule = beat_schedule()
    schedule_file = Path(settings.VAR_DIR) / "celerybeat-schedule"
    app.start(["beat", f"--loglevel={args.loglevel}", f"--schedule={schedule_file}"])


def cmd_demo(args: argparse.Namespace) -> None:
    from tendril.demo import demo_load

    _check_migrated()
    _say("Loading demo data…")
    summary = demo_load(progress=lambda line: _say(f"  {line}"))
    if summary.get("skipped"):
        _say("Demo data is already loaded; nothing to do.")
    else:
        _say("Demo data loaded: " + ", ".join(f"{k} {v}" for k, v in summary.items()))


def cmd_apikey_create(args: argparse.Namespace) -> None:
    from tendril.accounts.services import apikey_create

    _check_migrated()
    key, secret = apikey_create(name=args.name, role=args.role, by=None)
    _say(f"Created API key '{key.name}' with role {key.role}. Keep it safe; it is shown once:")
    _say(secret)


def _mapping(pairs: Sequence[str]) -> dict[str, str] | None:
    mapping = {}
    for pair in pairs:
        header, sep, field = pair.partition("=")
        if not sep:
            raise CommandError(f"--map takes 'CSV header=field', not {pair!r}")
        mapping[header.strip()] = field.strip()
    return mapping or None


def cmd_import_contacts(args: argparse.Namespace) -> None:
    from tendril.contacts.importer import import_contacts_path

    _check_migrated()
    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"no such file: {path}")
    started = time.monotonic()
    report = import_contacts_path(
        path=path,
        mapping=_mapping(args.map),
        source=args.source,
        by=None,
        progress=Progress("rows"),
    )
    took = time.monotonic() - started
    _say(
        f"Imported {path.name} in {took:.1f}s: {report['rows']:,} rows read: "
        f"{report['created']:,} created, {report['updated']:,} updated, "
        f"{report['merged']:,} merged into an earlier row, {report['rejected_count']:,} rejected"
    )
    for rejected in report["rejected"][: args.show_rejected]:
        _say(f"  row {rejected['row']}: {rejected['detail']}")
    if report["rejected_count"] > args.show_rejected:
        _say(f"  … and {report['rejected_count'] - args.show_rejected:,} more rejected rows")


def cmd_export_contacts(args: argparse.Namespace) -> None:
    from tendril.contacts.exporter import export_contacts
    from tendril.contacts.selectors import ContactFilters, contact_list

    _check_migrated()
    progress = Progress("contacts")
    contacts = contact_list(filters=ContactFilters(segment=args.segment))
    if args.output in (None, "-"):
        count = export_contacts(out=sys.stdout, contacts=contacts, progress=progress)
    else:
        with open(args.output, "w", newline="", encoding="utf-8") as out:
            count = export_contacts(out=out, contacts=contacts, progress=progress)
    print(f"Exported {count:,} contacts", file=sys.stderr)


def cmd_status(args: argparse.Namespace) -> None:
    """What an operator checks first: the database, and each event consumer's lag."""
    from tendril.system.selectors import health_report

    _check_migrated()
    code, report = health_report()
    _say(f"Tendril: {report['status']} (background work: {report['background']})")
    if code != 200:
        raise CommandError(f"the database does not answer: {report['database']}")
    _say(f"{'consumer':<28} {'behind':>9} {'oldest unread':>14} {'parked':>7}  state")
    for c in report["consumers"]:
        behind = f"{c['behind']:,}" + ("+" if c["behind_capped"] else "")
        age = f"{c['oldest_unread_age_seconds']:.1f}s" if c["behind"] else "-"
        state = "failing: " + c["last_error"] if c["failing"] else "ok"
        _say(f"{c['name']:<28} {behind:>9} {age:>14} {c['parked']:>7}  {state}")
    if report["status"] != "ok":
        sys.exit(3)


def cmd_deadletters(args: argparse.Namespace) -> None:
    from tendril.core.models import DeadLetterStatus
    from tendril.core.selectors import dead_letter_list
    from tendril.system.services import dead_letter_resolve

    _check_migrated()
    if args.action == "list":
        letters = list(dead_letter_list(consumer=args.consumer)[: args.limit])
        if not letters:
            _say("Nothing is parked.")
        for letter in letters:
            _say(
                f"{letter.pk:>7}  {letter.parked_at:%Y-%m-%d %H:%M}  {letter.consumer}  "
                f"event {letter.event_id} ({letter.event.type}): {letter.error.splitlines()[0]}"
            )
        return
    if args.id is None:
        raise CommandError(f"'tendril deadletters {args.action}' needs the id of a parked event")
    letter = dead_letter_resolve(letter_id=args.id, action=args.action, by=None)
    if letter.status == DeadLetterStatus.PARKED:
        raise CommandError(f"event {letter.event_id} failed again: {letter.error}")
    _say(f"Dead letter {letter.pk} (event {letter.event_id}): {letter.status}")


def cmd_manage(args: argparse.Namespace) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tendril manage", *args.rest])


# --- parser ----------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tendril", description="Tendril marketing automation")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(
        name: str, handler: Callable[[argparse.Namespace], None], help: str, parent: Any = commands
    ) -> argparse.ArgumentParser:
        sub = parent.add_parser(name, help=help, description=help)
        sub.set_defaults(handler=handler)
        return sub

    add("init", cmd_init, "migrate the database and create the first admin (idempotent)")
    run = add("run", cmd_run, "serve the web app with the in-process worker and scheduler")
    run.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--threads", type=int, default=8)
    worker = add("worker", cmd_worker, "run a Celery worker (needs BROKER_URL)")
    worker.add_argument("--concurrency", type=int, default=2)
    worker.add_argument("--loglevel", default="info")
    scheduler = add("scheduler", cmd_scheduler, "run the Celery beat scheduler (needs BROKER_URL)")
    scheduler.add_argument("--loglevel", default="info")
    add("demo", cmd_demo, "load a realistic B2B demo data set (once)")

    apikey = commands.add_parser("apikey", help="manage API keys")
    apikey_commands = apikey.add_subparsers(dest="apikey_command", required=True)
    create = add(
        "create", cmd_apikey_create, "create an API key; the key is the last line", apikey_commands
    )
    create.add_argument("--name", required=True)
    create.add_argument("--role", choices=["admin", "marketer", "sales"], default="marketer")

    imp = commands.add_parser("import", help="import data from a file")
    imp_commands = imp.add_subparsers(dest="import_command", required=True)
    imp_contacts = add(
        "contacts", cmd_import_contacts, "import contacts from a CSV file", imp_commands
    )
    imp_contacts.add_argument("file")
    imp_contacts.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="HEADER=FIELD",
        help="map a CSV column to a contact field (repeatable)",
    )
    imp_contacts.add_argument("--source", default="import")
    imp_contacts.add_argument("--show-rejected", type=int, default=20)

    exp = commands.add_parser("export", help="export data to CSV")
    exp_commands = exp.add_subparsers(dest="export_command", required=True)
    exp_contacts = add("contacts", cmd_export_contacts, "export contacts as CSV", exp_commands)
    exp_contacts.add_argument("--segment", type=int)
    exp_contacts.add_argument("--output", "-o", help="file to write (default: standard output)")

    add("status", cmd_status, "the database and each event consumer's lag (exit 3 if lagging)")
    dead = add("deadletters", cmd_deadletters, "list, retry or skip events a consumer parked")
    dead.add_argument("action", choices=["list", "retry", "skip"])
    dead.add_argument("id", type=int, nargs="?")
    dead.add_argument("--consumer")
    dead.add_argument("--limit", type=int, default=50)

    manage = add("manage", cmd_manage, "run a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from django.db import Error as DatabaseError

    from tendril.core.config import ConfigError
    from tendril.core.errors import DomainError

    try:
        _setup_django()
        args.handler(args)
    except ConfigError as exc:
        print(f"tendril: configuration error: {exc}", file=sys.stderr)
        return 2
    except CommandError as exc:
        print(f"tendril: {exc}", file=sys.stderr)
        return 1
    except DomainError as exc:
        print(f"tendril: {exc.message}", file=sys.stderr)
        return 1
    except DatabaseError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"tendril: database error: {first_line}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
