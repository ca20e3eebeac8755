"""prices in 8-byte öre

A price list row with a price above 21,474,836.47 kr did not fit PostgreSQL's 4-byte integer and
answered 500. Prices now have a ceiling (CATALOG_MAX_PRICE_SEK, at most 10^15 kr) and the columns
hold any price below it on both engines.

Revision ID: e7a1c0d2f501
Revises: d6e3c7a2f403
Create Date: 2026-12-04 05:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "e7a1c0d2f501"
down_revision = "d6e3c7a2f403"
branch_labels = None
depends_on = None

PRICE_COLUMNS = (
    ("procured_models", "price_ore", False),
    ("pricelist_rows", "price_ore", True),
    ("assortment_items", "price_ore", False),
    ("assortment_items", "list_price_ore", True),
)


def _alter(old, new):
    # SQLite's INTEGER holds 8 bytes whatever the declared type; copying its tables would gain nothing.
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, column, nullable in PRICE_COLUMNS:
        op.alter_column(table, column, existing_type=old, type_=new, existing_nullable=nullable)


def upgrade():
    _alter(sa.Integer(), sa.BigInteger())


def downgrade():
    _alter(sa.BigInteger(), sa.Integer())
