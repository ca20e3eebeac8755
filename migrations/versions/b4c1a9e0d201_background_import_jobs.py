"""background import jobs for the upload page

Revision ID: b4c1a9e0d201
Revises: d4750273e539
Create Date: 2026-11-25 20:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b4c1a9e0d201'
down_revision = 'd4750273e539'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
