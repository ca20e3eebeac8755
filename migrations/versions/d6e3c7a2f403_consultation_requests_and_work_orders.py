"""consultation requests and work orders

Revision ID: d6e3c7a2f403
Revises: c7d2b8f1e302
Create Date: 2026-11-25 20:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd6e3c7a2f403'
down_revision = 'c7d2b8f1e302'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
