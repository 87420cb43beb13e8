"""`advisor apikey create NAME | list | revoke ID`: partner API keys from the command line.

The same keys as the admin page /staff/admin/keys, in the same database (ADVISOR_DATABASE_URL or the
SQLite file). A new key is printed once, on stdout alone (so a script can capture it), and never stored:
only its SHA-256 is kept. Changes are written to the audit log without a staff name.
"""

import argparse
import json
import sys
from datetime import datetime
from typing import Any

from ..clock import shown
from ..messages import message
from .exitcodes import EXIT_DATA, EXIT_OK


def _cmd_create(args: argparse.Namespace) -> int:
    from ..storage import session_scope, upgrade
    from ..storage.apikeys import create_key

    if not args.name.strip():
        print("apikey create: the name must not be empty", file=sys.stderr)
        return EXIT_DATA
    upgrade()
    with session_scope() as session:
        client, key = create_key(session, args.name, None)
        ident, name = client.id, client.name
    print(key)
    print(f"key {ident} for {name}: {message('cli_key_once', 'en')} / {message('cli_key_once', 'zh')}",
          file=sys.stderr)
    return EXIT_OK


def _row(client: Any) -> dict[str, Any]:
    return {"id": client.id, "name": client.name, "prefix": client.prefix,
            "created_at": client.created_at.isoformat(timespec="seconds"),
            "revoked_at": client.revoked_at.isoformat(timespec="seconds") if client.revoked_at else None,
            "requests": client.request_count,
            "last_used_at": client.last_used_at.isoformat(timespec="seconds") if client.last_used_at else None}


def _cmd_list(args: argparse.Namespace) -> int:
    from ..storage import session_scope, upgrade
    from ..storage.apikeys import list_keys

    upgrade()
    with session_scope() as session:
        rows = [_row(client) for client in list_keys(session)]
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"{'id':>4}  {'prefix':<12} {'state':<8} {'requests':>9}  {'last used':<22}  name")
    for row in rows:
        state = "revoked" if row["revoked_at"] else "active"
        used = shown(datetime.fromisoformat(row["last_used_at"])) if row["last_used_at"] else "-"
        print(f"{row['id']:>4}  {row['prefix'] + '…':<12} {state:<8} {row['requests']:>9}  {used:<22}  {row['name']}")
    return EXIT_OK


def _cmd_revoke(args: argparse.Namespace) -> int:
    from ..storage import session_scope, upgrade
    from ..storage.apikeys import revoke_key

    upgrade()
    with session_scope() as session:
        revoked = revoke_key(session, args.id, None)
    if not revoked:
        print(f"apikey revoke: no active key {args.id}", file=sys.stderr)
        return EXIT_DATA
    print(f"revoked key {args.id}")
    return EXIT_OK


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Add the `apikey` subcommands."""
    apikey = subparsers.add_parser("apikey", help="partner API keys for /api/v1")
    commands = apikey.add_subparsers(dest="apikey_command", required=True)
    create = commands.add_parser("create", help="create a key for a partner; the key is printed once")
    create.add_argument("name", help="who the key is for, e.g. 蓉易享")
    create.set_defaults(func=_cmd_create)
    listing = commands.add_parser("list", help="every key: id, prefix, state, requests, last use")
    listing.add_argument("--format", choices=["text", "json"], default="text")
    listing.set_defaults(func=_cmd_list)
    revoke = commands.add_parser("revoke", help="revoke a key by its id (see list)")
    revoke.add_argument("id", type=int)
    revoke.set_defaults(func=_cmd_revoke)
