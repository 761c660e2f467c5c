"""figure snapshots: dashboards kept for a few minutes (app/reports/snapshots.py)

Revision ID: 0007_figure_snapshot
Revises: 0006_figures_index
Create Date: 2026-11-26 01:10:00

"""
from alembic import op
import sqlalchemy as sa
import app.types


# revision identifiers, used by Alembic.
revision = '0007_figure_snapshot'
down_revision = '0006_figures_index'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'figure_snapshot',
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('computed_at', app.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('payload', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_figure_snapshot')),
    )


def downgrade():
    op.drop_table('figure_snapshot')
