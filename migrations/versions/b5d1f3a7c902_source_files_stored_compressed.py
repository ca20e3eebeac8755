"""source files may be stored gzip-compressed (content_encoding); a Peppol catalogue or a CSV shrinks
about twentyfold, and a 364 MB catalogue was held whole in memory and written whole to the database

Revision ID: b5d1f3a7c902
Revises: a3c9e5f1d207
Create Date: 2026-12-04 20:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b5d1f3a7c902'
down_revision = 'a3c9e5f1d207'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('source_files', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_encoding', sa.String(length=16), nullable=True))


def downgrade():
    # Compressed rows are written back as they were uploaded before the column goes.
    import gzip

    connection = op.get_bind()
    table = sa.table(
        'source_files',
        sa.column('id', sa.Integer),
        sa.column('content', sa.LargeBinary),
        sa.column('content_encoding', sa.String),
    )
    compressed = connection.execute(sa.select(table.c.id).where(table.c.content_encoding == 'gzip')).scalars().all()
    for file_id in compressed:
        content = connection.execute(sa.select(table.c.content).where(table.c.id == file_id)).scalar_one()
        connection.execute(table.update().where(table.c.id == file_id).values(content=gzip.decompress(content)))
    with op.batch_alter_table('source_files', schema=None) as batch_op:
        batch_op.drop_column('content_encoding')
