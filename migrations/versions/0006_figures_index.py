"""figures index: a covering index for the dashboard and report aggregates (app/reviews/models.py FIGURE_COLUMNS)

Revision ID: 0006_figures_index
Revises: 0005_identifier_search
Create Date: 2026-11-26 01:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0006_figures_index'
down_revision = '0005_identifier_search'
branch_labels = None
depends_on = None

COLUMNS = ["status", "review_type", "date_added", "closed_on", "media_interest", "organisation_code",
           "recorded_region_code", "recorded_icb_code", "decision_date", "notification_date", "latest_update_on",
           "signed_off_date", "publication_status", "embargo_review_date", "rapid_outcome"]


def upgrade():
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.create_index('ix_review_figures', COLUMNS, unique=False)


def downgrade():
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_index('ix_review_figures')
