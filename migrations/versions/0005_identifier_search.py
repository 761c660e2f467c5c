"""identifier search: an index on upper(local_identifier) for case-insensitive prefix search (app/reviews/identifier_search.py)

Revision ID: 0005_identifier_search
Revises: 0004_report_indexes
Create Date: 2026-11-26 00:45:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0005_identifier_search'
down_revision = '0004_report_indexes'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # byte order whatever the database's collation, so a prefix is one index range
        op.execute('CREATE INDEX ix_review_local_identifier_key ON review ((upper(local_identifier) COLLATE "C"))')
    else:
        op.execute("CREATE INDEX ix_review_local_identifier_key ON review (upper(local_identifier))")


def downgrade():
    op.execute("DROP INDEX ix_review_local_identifier_key")
