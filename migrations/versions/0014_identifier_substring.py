"""identifier search anywhere in the identifier: an FTS5 trigram index (SQLite) / pg_trgm GIN index (PostgreSQL)
over StEIS number, LFPSE reference and local identifier; full indexes for the list's "Latest update" and
"Organisation" sorts (app/reviews/identifier_search.py)

Revision ID: 0014_identifier_substring
Revises: 0009_statutory_stages
Create Date: 2026-12-03 12:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0014_identifier_substring'
down_revision = '0012_import_worklist'
branch_labels = None
depends_on = None

COLUMNS = "steis_number, lfpse_reference, local_identifier"
# The same expression as app/reviews/identifier_search.py IDENTIFIER_TEXT (the index is used only if they match).
PG_TEXT = ("(coalesce(steis_number, '') || ' ' || coalesce(lfpse_reference, '') || ' ' || "
           "coalesce(local_identifier, ''))")


def upgrade():
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.create_index('ix_review_latest_update_sort', ['latest_update_on', 'id'], unique=False)
        batch_op.create_index('ix_review_org_sort', ['organisation_code', 'id'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(f"CREATE INDEX ix_review_identifier_trgm ON review USING gin ({PG_TEXT} gin_trgm_ops)")
        return
    # An external-content FTS5 table: the text stays in review; triggers keep the index in step on every path
    # (forms, imports, the bulk writer's executemany, the CLI).
    op.execute(f"CREATE VIRTUAL TABLE review_identifier_fts USING fts5({COLUMNS}, content='review', "
               "content_rowid='id', tokenize='trigram')")
    op.execute("CREATE TRIGGER review_identifier_fts_insert AFTER INSERT ON review BEGIN "
               f"INSERT INTO review_identifier_fts(rowid, {COLUMNS}) "
               "VALUES (new.id, new.steis_number, new.lfpse_reference, new.local_identifier); END")
    op.execute("CREATE TRIGGER review_identifier_fts_delete AFTER DELETE ON review BEGIN "
               f"INSERT INTO review_identifier_fts(review_identifier_fts, rowid, {COLUMNS}) "
               "VALUES ('delete', old.id, old.steis_number, old.lfpse_reference, old.local_identifier); END")
    op.execute(f"CREATE TRIGGER review_identifier_fts_update AFTER UPDATE OF {COLUMNS} ON review BEGIN "
               f"INSERT INTO review_identifier_fts(review_identifier_fts, rowid, {COLUMNS}) "
               "VALUES ('delete', old.id, old.steis_number, old.lfpse_reference, old.local_identifier); "
               f"INSERT INTO review_identifier_fts(rowid, {COLUMNS}) "
               "VALUES (new.id, new.steis_number, new.lfpse_reference, new.local_identifier); END")
    op.execute("INSERT INTO review_identifier_fts(review_identifier_fts) VALUES ('rebuild')")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_review_identifier_trgm")
    else:
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS review_identifier_fts_{name}")
        op.execute("DROP TABLE IF EXISTS review_identifier_fts")
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_index('ix_review_org_sort')
        batch_op.drop_index('ix_review_latest_update_sort')
