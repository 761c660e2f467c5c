"""import worklist: review.to_complete (what an imported review still lacks, dp_initials may be blank then); partnership local authority and source

Revision ID: 0012_import_worklist
Revises: 0009_statutory_stages
Create Date: 2026-12-03 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_import_worklist'
down_revision = '0008_status_history'
branch_labels = None
depends_on = None


def upgrade():
    # review keeps AUTOINCREMENT through SQLite's table rebuild (0008: a deleted review's id is never reused)
    with op.batch_alter_table('review', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('to_complete', sa.String(length=300), nullable=True))
        batch_op.alter_column('dp_initials', existing_type=sa.String(length=4), nullable=True)
        batch_op.create_index('ix_review_to_complete', ['to_complete'], unique=False,
                              sqlite_where=sa.text('to_complete IS NOT NULL'),
                              postgresql_where=sa.text('to_complete IS NOT NULL'))
    _restore_expression_index()
    with op.batch_alter_table('partnership', schema=None) as batch_op:
        batch_op.add_column(sa.Column('local_authority', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('source', sa.String(length=300), nullable=True))


def downgrade():
    with op.batch_alter_table('partnership', schema=None) as batch_op:
        batch_op.drop_column('source')
        batch_op.drop_column('local_authority')
    # review keeps AUTOINCREMENT through SQLite's table rebuild (0008: a deleted review's id is never reused)
    with op.batch_alter_table('review', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_index('ix_review_to_complete', sqlite_where=sa.text('to_complete IS NOT NULL'),
                            postgresql_where=sa.text('to_complete IS NOT NULL'))
        batch_op.drop_column('to_complete')
        batch_op.alter_column('dp_initials', existing_type=sa.String(length=4), nullable=False)
    _restore_expression_index()


def _restore_expression_index():
    """On SQLite, changing a column's nullability rebuilds the review table, and the rebuild cannot carry the
    expression index of 0005_identifier_search (reflection skips it): create it again."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE INDEX IF NOT EXISTS ix_review_local_identifier_key ON review (upper(local_identifier))")
