"""`advisor db upgrade` and `advisor staff create|list|unlock|deactivate|activate|reset-password`.

The password is prompted with getpass (never echoed) or read from stdin with --password-stdin
for scripts; it is never printed or logged.
"""

import argparse
import getpass
import sys

from ..messages import message, message_both
from .exitcodes import EXIT_DATA


def _cmd_db_upgrade(args: argparse.Namespace) -> int:
    import logging

    from .. import logs
    from ..storage import database_url, engine_for, upgrade
    from ..storage.migrate import current_revision
    from .exitcodes import EXIT_CONFIG
    from .startup import checked_settings

    logs.configure("info")  # the lock's "waiting for another upgrade" and the warnings, as JSON lines on stderr
    settings = checked_settings("db upgrade", logging.getLogger("advisor.db"))
    if settings is None:
        return EXIT_CONFIG
    engine = engine_for(settings)
    upgrade(engine)
    url = database_url(settings)
    shown = url.split("@", 1)[-1] if "@" in url else url  # never print a password from the URL
    print(f"database {shown} at revision {current_revision(engine)}")
    return 0


def _read_password(from_stdin: bool) -> str | None:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"{message('cli_password', 'en')}/ {message('cli_password', 'zh')}")
    if getpass.getpass(f"{message('cli_password_again', 'en')}/ {message('cli_password_again', 'zh')}") != first:
        print(message_both("cli_passwords_differ"), file=sys.stderr)
        return None
    return first


def _cmd_staff_create(args: argparse.Namespace) -> int:
    from ..storage import session_scope, upgrade
    from ..storage.staff import StaffError, create_staff

    password = _read_password(args.password_stdin)
    if password is None:
        return EXIT_DATA
    upgrade()
    try:
        with session_scope() as session:
            user = create_staff(session, args.name, password, "admin" if args.admin else "staff")
            role = user.role
    except StaffError as error:
        print(f"staff create: {error}", file=sys.stderr)
        return EXIT_DATA
    print(f"created {role} {args.name}")
    return 0


def _cmd_staff_list(args: argparse.Namespace) -> int:
    from ..storage import session_scope, upgrade
    from ..storage.staff import list_staff

    upgrade()
    with session_scope() as session:
        rows = list_staff(session)
    for row in rows:
        state = ", ".join(word for word, on in (("inactive", not row.active), ("locked", row.locked)) if on)
        print(f"{row.name}\t{row.role}\t{state or 'active'}")
    return 0


def _staff_change(args: argparse.Namespace) -> int:
    """unlock, deactivate, activate and reset-password: one change, audited, by the operator (no actor)."""
    from ..storage import session_scope, upgrade
    from ..storage import staff as accounts

    password = None
    if args.staff_command == "reset-password":
        password = _read_password(args.password_stdin)
        if password is None:
            return 1
    upgrade()
    try:
        with session_scope() as session:
            if args.staff_command == "unlock":
                accounts.unlock(session, args.name)
            elif args.staff_command == "reset-password":
                accounts.reset_password(session, args.name, password or "")
            else:
                accounts.set_active(session, args.name, args.staff_command == "activate")
    except accounts.StaffError as error:
        print(f"staff {args.staff_command}: {error}", file=sys.stderr)
        return 1
    print(f"{args.staff_command}: {args.name}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the db and staff commands to the advisor command."""
    db = subparsers.add_parser("db", help="the service-window database")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply the schema migrations (creates the SQLite file)").set_defaults(
        func=_cmd_db_upgrade)
    staff = subparsers.add_parser("staff", help="window staff accounts")
    staff_commands = staff.add_subparsers(dest="staff_command", required=True)
    create = staff_commands.add_parser("create", help="create a staff account; the password is prompted")
    create.add_argument("name")
    create.add_argument("--admin", action="store_true", help="may delete records, see the audit log, manage keys")
    create.add_argument("--password-stdin", action="store_true", help="read the password from stdin (scripts)")
    create.set_defaults(func=_cmd_staff_create)
    staff_commands.add_parser("list", help="every account: role, active, locked out").set_defaults(
        func=_cmd_staff_list)
    for command, text in (("unlock", "clear a locked-out name"), ("deactivate", "stop an account logging in"),
                          ("activate", "let a deactivated account log in again"),
                          ("reset-password", "set a new password (prompted) and end its sessions")):
        change = staff_commands.add_parser(command, help=text)
        change.add_argument("name")
        if command == "reset-password":
            change.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
        change.set_defaults(func=_staff_change)
