"""statutory stages: DHR Home Office QA Panel dates, the date the partnership learned of the incident (CSPR Panel
notification clock), and links between reviews of one incident

Existing rows keep NULL in every new column (a DHR with no QA dates is "not yet submitted"; a rapid review with no
learned date counts its notification clock from the incident date). The partnership stays nullable in the table:
older rows without one still load and save (the field rules require it for reviews added from
config/review_types.PARTNERSHIP_REQUIRED_FROM, and never let a recorded one be blanked; see docs/WORKFLOWS.md).

Revision ID: 0009_statutory_stages
Revises: 0007_figure_snapshot
Create Date: 2026-12-03 12:00:00

"""
from alembic import op
import sqlalchemy as sa
import app.types


# revision identifiers, used by Alembic.
revision = '0009_statutory_stages'
down_revision = '0007_figure_snapshot'
branch_labels = None
depends_on = None

NEW_DATES = ('incident_learned_date', 'qa_submitted_date', 'qa_feedback_date', 'qa_approved_date')


def upgrade():
    with op.batch_alter_table('review', schema=None) as batch_op:
        for name in NEW_DATES:
            batch_op.add_column(sa.Column(name, sa.Date(), nullable=True))
    op.create_table(
        'review_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('review_id', sa.Integer(), nullable=False),
        sa.Column('linked_review_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=20), nullable=False),
        sa.Column('created_at', app.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_review_link_created_by_id_app_user')),
        sa.ForeignKeyConstraint(['linked_review_id'], ['review.id'],
                                name=op.f('fk_review_link_linked_review_id_review'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_review_link_review_id_review'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_review_link')),
        sa.UniqueConstraint('review_id', 'linked_review_id', name='uq_review_link_pair'),
    )
    with op.batch_alter_table('review_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_link_review_id'), ['review_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_link_linked_review_id'), ['linked_review_id'], unique=False)


def downgrade():
    op.drop_table('review_link')
    with op.batch_alter_table('review', schema=None) as batch_op:
        for name in reversed(NEW_DATES):
            batch_op.drop_column(name)
