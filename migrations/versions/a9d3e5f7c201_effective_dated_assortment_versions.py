"""assortment versions take effect at a moment, and a scheduled one can be cancelled

``effective_from`` is when a version takes effect (UTC); versions published before this
revision took effect when they were published, so it is filled in from ``published_at``.
``cancelled_at``/``cancelled_by``/``cancel_reason`` record a scheduled version withdrawn
before it took effect.

Revision ID: a9d3e5f7c201
Revises: f2b7c4d9e105
Create Date: 2026-12-04 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a9d3e5f7c201'
down_revision = 'f2b7c4d9e105'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assortment_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('effective_from', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('cancelled_by', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('cancel_reason', sa.String(length=500), nullable=True))
    op.execute('UPDATE assortment_versions SET effective_from = published_at')
    with op.batch_alter_table('assortment_versions', schema=None) as batch_op:
        batch_op.alter_column('effective_from', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.create_index('ix_assortment_versions_supplier_effective', ['supplier', 'effective_from'], unique=False)


def downgrade():
    with op.batch_alter_table('assortment_versions', schema=None) as batch_op:
        batch_op.drop_index('ix_assortment_versions_supplier_effective')
        batch_op.drop_column('cancel_reason')
        batch_op.drop_column('cancelled_by')
        batch_op.drop_column('cancelled_at')
        batch_op.drop_column('effective_from')
