"""search indexes: /find by phone or words through each database's own text index

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 00:00:00

PostgreSQL: pg_trgm GIN indexes, which serve ``LIKE``/``ILIKE '%...%'`` directly.
SQLite: FTS5 tables with the ``trigram`` tokenizer (SQLite >= 3.34; it works on
characters, so Chinese needs no word segmentation), external-content tables over
``cases`` and ``people`` kept in sync by triggers. The queries are in
core/db/case_queries.py and core/db/dialect.py; the objects' names in
core/db/dialect.py (SEARCH_TABLES, SEARCH_INDEXES), which the model comparison and
``copy-database`` leave out.

A later migration that rebuilds ``cases`` or ``people`` on SQLite (batch mode copies
the table and drops the old one) drops these triggers with it: recreate them after it.
"""
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

CASE_COLUMNS = ('description', 'product', 'contact_name', 'demand_text', 'place',
                'contact_phone')
# The fts table, its content table and the columns it mirrors.
FTS = {'cases_fts': ('cases', CASE_COLUMNS), 'people_fts': ('people', ('phone',))}
TRIGRAM_INDEXES = {f'ix_cases_{column}_trgm': ('cases', column) for column in CASE_COLUMNS}
TRIGRAM_INDEXES['ix_people_phone_trgm'] = ('people', 'phone')


def _sqlite_upgrade() -> None:
    for fts, (table, columns) in FTS.items():
        listed = ', '.join(columns)
        new = ', '.join(f'new.{column}' for column in columns)
        old = ', '.join(f'old.{column}' for column in columns)
        op.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5({listed}, content='{table}', "
                   "content_rowid='id', tokenize='trigram')")
        # An external-content index forgets a row only when told its old values.
        forget = (f"INSERT INTO {fts}({fts}, rowid, {listed}) "
                  f"VALUES ('delete', old.id, {old});")
        learn = f"INSERT INTO {fts}(rowid, {listed}) VALUES (new.id, {new});"
        op.execute(f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {learn} END")
        op.execute(f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {forget} END")
        # Only when a searched column changes: a case changes state far more often.
        op.execute(f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {listed} ON {table} "
                   f"BEGIN {forget} {learn} END")
        op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def _sqlite_downgrade() -> None:
    for fts in FTS:
        for event in ('insert', 'delete', 'update'):
            op.execute(f'DROP TRIGGER IF EXISTS {fts}_{event}')
        op.execute(f'DROP TABLE IF EXISTS {fts}')


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        _sqlite_upgrade()
        return
    # pg_trgm is a trusted extension (PostgreSQL >= 13): a database owner may create it.
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    for name, (table, column) in TRIGRAM_INDEXES.items():
        op.execute(f'CREATE INDEX IF NOT EXISTS {name} ON {table} '
                   f'USING gin ({column} gin_trgm_ops)')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        _sqlite_downgrade()
        return
    # pg_trgm stays: other databases' objects or a DBA's own indexes may use it.
    for name in TRIGRAM_INDEXES:
        op.execute(f'DROP INDEX IF EXISTS {name}')
