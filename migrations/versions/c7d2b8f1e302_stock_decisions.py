"""stock decisions

Revision ID: c7d2b8f1e302
Revises: b4c1a9e0d201
Create Date: 2026-11-25 20:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c7d2b8f1e302'
down_revision = 'b4c1a9e0d201'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
