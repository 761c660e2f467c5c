"""status history: a review's status as dated intervals (known day by day), and signed-off period returns

Revision ID: 0008_status_history
Revises: 0009_statutory_stages
Create Date: 2026-12-03 10:00:00

Existing reviews get a history reconstructed from their stored dates and the audit trail
(app/reviews/history_rebuild.py; docs/REPORTS.md "How migrated history was reconstructed").
"""
import warnings

from alembic import op
import sqlalchemy as sa
import app.types

from app.reviews.history_rebuild import rebuild_history


# revision identifiers, used by Alembic.
revision = '0008_status_history'
down_revision = '0009_statutory_stages'
branch_labels = None
depends_on = None

FIGURE_COLUMNS = ["known_until", "known_from", "valid_from", "valid_to", "status", "change", "review_type",
                  "organisation_code", "recorded_region_code", "recorded_icb_code", "media_interest", "rapid_outcome"]

RETURN_GUARD_PG = """
CREATE OR REPLACE FUNCTION period_return_is_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'period_return rows are kept as signed off: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER period_return_no_update BEFORE UPDATE ON period_return
    FOR EACH ROW EXECUTE FUNCTION period_return_is_immutable();
CREATE TRIGGER period_return_no_delete BEFORE DELETE ON period_return
    FOR EACH ROW EXECUTE FUNCTION period_return_is_immutable();
CREATE TRIGGER period_return_no_truncate BEFORE TRUNCATE ON period_return
    FOR EACH STATEMENT EXECUTE FUNCTION period_return_is_immutable();
"""
RETURN_GUARD_SQLITE = [
    "CREATE TRIGGER period_return_no_update BEFORE UPDATE ON period_return "
    "BEGIN SELECT RAISE(ABORT, 'period_return rows are kept as signed off: UPDATE refused'); END",
    "CREATE TRIGGER period_return_no_delete BEFORE DELETE ON period_return "
    "BEGIN SELECT RAISE(ABORT, 'period_return rows are kept as signed off: DELETE refused'); END",
]


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        # A deleted review's id is never reused (its audit trail and history keep it): SQLite needs AUTOINCREMENT.
        with warnings.catch_warnings():  # the expression index it cannot reflect is put back below
            warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
            with op.batch_alter_table('review', recreate='always', table_kwargs={'sqlite_autoincrement': True}):
                pass
        # Batch mode cannot reflect an expression index, so recreating the table drops migration 0005's: put it back.
        op.execute("CREATE INDEX IF NOT EXISTS ix_review_local_identifier_key ON review (upper(local_identifier))")
    op.create_table(
        'review_status_interval',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('review_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('change', sa.String(length=10), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('valid_to', sa.Date(), nullable=True),
        sa.Column('known_from', sa.Date(), nullable=False),
        sa.Column('known_until', sa.Date(), nullable=True),
        sa.Column('entered_on', sa.Date(), nullable=False),
        sa.Column('review_type', sa.String(length=20), nullable=False),
        sa.Column('organisation_code', sa.String(length=5), nullable=False),
        sa.Column('recorded_icb_code', sa.String(length=5), nullable=False),
        sa.Column('recorded_region_code', sa.String(length=3), nullable=False),
        sa.Column('media_interest', sa.Boolean(), nullable=False),
        sa.Column('theme_1', sa.String(length=40), nullable=True),
        sa.Column('theme_2', sa.String(length=40), nullable=True),
        sa.Column('theme_3', sa.String(length=40), nullable=True),
        sa.Column('notification_date', sa.Date(), nullable=True),
        sa.Column('decision_date', sa.Date(), nullable=True),
        sa.Column('rapid_outcome', sa.String(length=4), nullable=True),
        sa.Column('converted_to_id', sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_review_status_interval')),
    )
    with op.batch_alter_table('review_status_interval', schema=None) as batch_op:
        batch_op.create_index('ix_review_status_interval_review', ['review_id', 'known_until'], unique=False)
        batch_op.create_index('ix_review_status_interval_change_from', ['change', 'valid_from'], unique=False)
        batch_op.create_index('ix_review_status_interval_status_from', ['status', 'valid_from', 'valid_to'],
                              unique=False)
        batch_op.create_index('ix_review_status_interval_region_from', ['recorded_region_code', 'valid_from'],
                              unique=False)
        batch_op.create_index('ix_review_status_interval_icb_from', ['recorded_icb_code', 'valid_from'], unique=False)
        batch_op.create_index('ix_review_status_interval_org_from', ['organisation_code', 'valid_from'], unique=False)
        batch_op.create_index('ix_review_status_interval_converted_to', ['converted_to_id'], unique=False)
        batch_op.create_index('ix_review_status_interval_figures', FIGURE_COLUMNS, unique=False)

    op.create_table(
        'period_return',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('period_code', sa.String(length=10), nullable=False),
        sa.Column('scope_code', sa.String(length=5), nullable=False),
        sa.Column('geography', sa.String(length=10), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('as_at', sa.Date(), nullable=False),
        sa.Column('signed_off_at', app.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('signed_off_by_id', sa.Integer(), nullable=True),
        sa.Column('signed_off_by', sa.String(length=255), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('figures', sa.Text(), nullable=False),
        sa.Column('extract_rows', sa.Integer(), nullable=False),
        sa.Column('extract_csv', sa.LargeBinary(), nullable=False),
        sa.Column('extract_xlsx', sa.LargeBinary(), nullable=False),
        sa.Column('extract_sha256', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_period_return')),
        sa.UniqueConstraint('period_code', 'scope_code', 'geography', 'revision', name='uq_period_return_revision'),
    )
    with op.batch_alter_table('period_return', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_period_return_period_code'), ['period_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_period_return_scope_code'), ['scope_code'], unique=False)
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(RETURN_GUARD_PG)
    elif dialect == "sqlite":
        for statement in RETURN_GUARD_SQLITE:
            op.execute(statement)

    rebuild_history(op.get_bind())


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for trigger in ("period_return_no_update", "period_return_no_delete", "period_return_no_truncate"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON period_return")
        op.execute("DROP FUNCTION IF EXISTS period_return_is_immutable()")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS period_return_no_update")
        op.execute("DROP TRIGGER IF EXISTS period_return_no_delete")
    with op.batch_alter_table('period_return', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_period_return_scope_code'))
        batch_op.drop_index(batch_op.f('ix_period_return_period_code'))
    op.drop_table('period_return')
    with op.batch_alter_table('review_status_interval', schema=None) as batch_op:
        for name in ('figures', 'converted_to', 'org_from', 'icb_from', 'region_from', 'status_from', 'change_from',
                     'review'):
            batch_op.drop_index(f'ix_review_status_interval_{name}')
    op.drop_table('review_status_interval')
