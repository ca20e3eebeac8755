"""pricelist rows keep the contract model the verdict rules matched

Publishing and the review read the contract's terms through this column instead of
matching each row's model text against the contract a second time. Rows judged
before this revision get it filled in here, matched the way the rules match
(trimmed, inner whitespace collapsed, NFKC, casefolded), so their drafts still publish.

Revision ID: f2b7c4d9e105
Revises: e7a1c0d2f501
Create Date: 2026-12-04 05:30:00

"""
import re
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f2b7c4d9e105'
down_revision = 'e7a1c0d2f501'
branch_labels = None
depends_on = None

MATCHED = ('allowed', 'outside_validity', 'non_base_colour')  # the verdicts reached after a model matched


def _model_key(value):
    # importers.values.normalise_key as of this revision, frozen here
    if value is None or not str(value).strip():
        return ""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(value).strip())).casefold()


def upgrade():
    with op.batch_alter_table('pricelist_rows', schema=None) as batch_op:
        batch_op.add_column(sa.Column('procured_model_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_pricelist_rows_procured_model_id_procured_models'),
            'procured_models',
            ['procured_model_id'],
            ['id'],
        )
    _fill_matched_models()


def _fill_matched_models():
    connection = op.get_bind()
    models = {
        (contract_id, supplier, key): model_id
        for model_id, contract_id, supplier, key in connection.execute(
            sa.text('SELECT id, contract_id, supplier, model_key FROM procured_models')
        )
    }
    rows = connection.execute(
        sa.text(
            'SELECT r.id, i.contract_id, i.supplier, r.model FROM pricelist_rows r '
            'JOIN pricelist_imports i ON i.id = r.import_id WHERE r.verdict IN :matched'
        ).bindparams(sa.bindparam('matched', expanding=True)),
        {'matched': list(MATCHED)},
    )
    updates = [
        {'row_id': row_id, 'model_id': models[(contract_id, supplier, _model_key(model))]}
        for row_id, contract_id, supplier, model in rows
        if (contract_id, supplier, _model_key(model)) in models
    ]
    if updates:
        connection.execute(
            sa.text('UPDATE pricelist_rows SET procured_model_id = :model_id WHERE id = :row_id'), updates
        )


def downgrade():
    with op.batch_alter_table('pricelist_rows', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_pricelist_rows_procured_model_id_procured_models'), type_='foreignkey')
        batch_op.drop_column('procured_model_id')
