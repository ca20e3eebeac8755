"""background import jobs for the upload page; colour mappings

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
    op.create_table('colour_mappings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('supplier', sa.String(length=40), nullable=False),
    sa.Column('value', sa.String(length=100), nullable=False),
    sa.Column('value_key', sa.String(length=100), nullable=False),
    sa.Column('base_colour', sa.String(length=60), nullable=True),
    sa.Column('decided_by', sa.String(length=100), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_colour_mappings_contract_id_contracts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_colour_mappings')),
    sa.UniqueConstraint('contract_id', 'supplier', 'value_key', name=op.f('uq_colour_mappings_contract_id'))
    )
    with op.batch_alter_table('colour_mappings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_colour_mappings_contract_id'), ['contract_id'], unique=False)

    op.create_table('import_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('supplier', sa.String(length=40), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('status', sa.Enum('queued', 'running', 'done', 'failed', name='jobstatus', native_enum=False, length=20), nullable=False),
    sa.Column('rows_done', sa.Integer(), nullable=False),
    sa.Column('rows_expected', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.Column('result_status', sa.String(length=20), nullable=True),
    sa.Column('error_code', sa.String(length=40), nullable=True),
    sa.Column('error_message', sa.String(length=2000), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['import_id'], ['pricelist_imports.id'], name=op.f('fk_import_jobs_import_id_pricelist_imports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_jobs'))
    )


def downgrade():
    op.drop_table('import_jobs')
    with op.batch_alter_table('colour_mappings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_colour_mappings_contract_id'))
    op.drop_table('colour_mappings')
