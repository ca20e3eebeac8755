"""stock decisions

HMC's stock decisions (one row per decision; the highest number per article is
current), and when each feed document was rendered: a decision re-renders the
current version's feed documents, so Last-Modified is no longer the publish time.

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
    op.create_table('stock_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('supplier', sa.String(length=40), nullable=False),
    sa.Column('article_number', sa.String(length=100), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('stock', sa.Boolean(), nullable=False),
    sa.Column('rationale', sa.String(length=500), nullable=False),
    sa.Column('decided_by', sa.String(length=100), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_decisions')),
    sa.UniqueConstraint('supplier', 'article_number', 'number', name='uq_stock_decisions_article_number')
    )
    with op.batch_alter_table('stock_decisions', schema=None) as batch_op:
        batch_op.create_index('ix_stock_decisions_supplier_article', ['supplier', 'article_number'], unique=False)

    with op.batch_alter_table('feed_documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rendered_at', sa.DateTime(timezone=True), nullable=True))
    # documents rendered before this column existed were rendered when their version was published
    op.execute(
        'UPDATE feed_documents SET rendered_at = (SELECT published_at FROM assortment_versions '
        'WHERE assortment_versions.id = feed_documents.version_id)'
    )


def downgrade():
    with op.batch_alter_table('feed_documents', schema=None) as batch_op:
        batch_op.drop_column('rendered_at')

    with op.batch_alter_table('stock_decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_stock_decisions_supplier_article')

    op.drop_table('stock_decisions')
