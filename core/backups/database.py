"""A consistent copy of the database while the site runs, and putting one back.

SQLite: the online backup API copies the database in one read transaction (in WAL mode
writers go on meanwhile), and copies it back into the live file in one write transaction.
PostgreSQL: pg_dump's custom format, made from one snapshot; put back by psql in one
transaction that drops every table the site has now and runs pg_restore's script, so that
the database ends as the archive's even when the code has tables the archive has not.
"""

import os
import sqlite3
import subprocess
from contextlib import closing

from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

from core import db

from . import BackupError

# The file each vendor's copy is kept under in an archive.
FILE_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
DISPLAY_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def file_name(connection):
    try:
        return FILE_NAMES[connection.vendor]
    except KeyError:
        raise BackupError(
            _("Backups support SQLite and PostgreSQL, not %(vendor)s.")
            % {"vendor": connection.display_name}
        ) from None


def schema(connection):
    """The latest applied migration of each app: {app: name}."""
    applied = MigrationRecorder(connection).migration_qs.order_by("id")
    return dict(applied.values_list("app", "name"))


def dump(connection, path):
    """A consistent copy of the database, written to the file `path`."""
    file_name(connection)
    if connection.vendor == "sqlite":
        name = _sqlite_name(connection)
        with (
            closing(_sqlite_connect(connection, name)) as live,
            closing(sqlite3.connect(path)) as copy,
        ):
            live.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    else:
        _run(connection, ["pg_dump", "--format=custom", "--compress=0", f"--file={path}"])


def load(connection, path, scratch):
    """Replace the whole database with the copy in the file `path`, in one transaction;
    `scratch` is a folder for what that needs on the way."""
    file_name(connection)
    if connection.vendor == "sqlite":
        # A missing file is made: a site restored on a new machine.
        name = str(connection.settings_dict["NAME"])
        with (
            closing(sqlite3.connect(path)) as copy,
            closing(_sqlite_connect(connection, name)) as live,
        ):
            copy.backup(live)
        return
    # The script is written whole first: psql would commit a script that ends early.
    script = os.path.join(scratch, "restore.sql")
    _run(connection, ["pg_restore", "--clean", "--if-exists", "--no-owner",
                      "--no-privileges", f"--file={script}", str(path)])  # fmt: skip
    tables = connection.introspection.table_names()
    drop = (
        f"DROP TABLE IF EXISTS {', '.join(map(connection.ops.quote_name, tables))} CASCADE;"
        if tables
        else "SELECT 1;"
    )
    _run(connection, ["psql", "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1",
                      "--single-transaction", f"--command={drop}", f"--file={script}"])  # fmt: skip
    # A dump holds no planner statistics (a SQLite copy carries its own).
    db.analyze(connection.alias)


def _sqlite_name(connection):
    name = str(connection.settings_dict["NAME"])
    if not os.path.isfile(name):
        raise BackupError(_("There is no SQLite database file at %(name)s.") % {"name": name})
    return name


def _sqlite_connect(connection, name):
    # As long as the site's own connections wait for a writer to finish.
    timeout = connection.settings_dict.get("OPTIONS", {}).get("timeout", 20)
    return sqlite3.connect(name, timeout=timeout)


def _run(connection, command):
    """Run one of PostgreSQL's client programs on the connection's database."""
    try:
        result = subprocess.run(  # noqa: S603 - fixed programs, arguments of our own
            command, env=_environment(connection.settings_dict), capture_output=True, text=True
        )
    except FileNotFoundError:
        raise BackupError(
            _(
                "%(program)s was not found: install PostgreSQL's client programs "
                "(Debian: postgresql-client), of the server's version or newer."
            )
            % {"program": command[0]}
        ) from None
    if result.returncode:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": command[0], "error": result.stderr.strip()}
        )


def _environment(settings_dict):
    """libpq's variables for the database in `settings_dict` (so no password is on a
    command line)."""
    options = settings_dict.get("OPTIONS", {})
    values = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
        "PGSSLMODE": options.get("sslmode"),
        "PGSERVICE": options.get("service"),
        "PGPASSFILE": options.get("passfile"),
    }
    return {**os.environ, **{key: str(value) for key, value in values.items() if value}}
