"""Alembic environment: runs on the connection the sandbox hands over (or a URL)."""

from alembic import context
from sqlalchemy import create_engine

from sandbox.adapters.orm import metadata

config = context.config
connection = config.attributes.get("connection")


def run(conn) -> None:
    context.configure(connection=conn, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    run(connection)
else:
    url = config.attributes.get("connection_url") or config.get_main_option("sqlalchemy.url")
    with create_engine(url).begin() as conn:
        run(conn)
