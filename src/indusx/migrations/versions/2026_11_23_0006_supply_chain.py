"""supply chain: systems, bills of materials, sources, scenarios

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 03:35:55.175275
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import indusx.db

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "supply_scenario",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "spec",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "result",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", indusx.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_supply_scenario_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supply_scenario")),
    )
    with op.batch_alter_table("supply_scenario", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supply_scenario_created_by_id"), ["created_by_id"], unique=False
        )

    op.create_table(
        "supply_system",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("integrator_org_id", sa.Integer(), nullable=True),
        sa.Column("focus_area_id", sa.Integer(), nullable=True),
        sa.Column("annual_demand", sa.Float(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", indusx.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", indusx.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("annual_demand >= 0", name=op.f("ck_supply_system_demand_not_negative")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_supply_system_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["focus_area_id"],
            ["focus_area.id"],
            name=op.f("fk_supply_system_focus_area_id_focus_area"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["integrator_org_id"],
            ["organisation.id"],
            name=op.f("fk_supply_system_integrator_org_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supply_system")),
        sa.UniqueConstraint("code", name=op.f("uq_supply_system_code")),
    )
    with op.batch_alter_table("supply_system", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supply_system_integrator_org_id"), ["integrator_org_id"], unique=False
        )

    op.create_table(
        "supply_part",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("system_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "assembly",
                "part",
                "material",
                name="supply_part_kind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["supply_system.id"],
            name=op.f("fk_supply_part_system_id_supply_system"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supply_part")),
        sa.UniqueConstraint("system_id", "number", name=op.f("uq_supply_part_system_id")),
    )
    with op.batch_alter_table("supply_part", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supply_part_system_id"), ["system_id"], unique=False)

    op.create_table(
        "supply_bom_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("system_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_supply_bom_line_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["supply_part.id"],
            name=op.f("fk_supply_bom_line_child_id_supply_part"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["supply_part.id"],
            name=op.f("fk_supply_bom_line_parent_id_supply_part"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["supply_system.id"],
            name=op.f("fk_supply_bom_line_system_id_supply_system"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supply_bom_line")),
        sa.UniqueConstraint(
            "system_id", "parent_id", "child_id", name=op.f("uq_supply_bom_line_system_id")
        ),
    )
    with op.batch_alter_table("supply_bom_line", schema=None) as batch_op:
        batch_op.create_index("ix_supply_bom_line_child", ["child_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_supply_bom_line_parent_id"), ["parent_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supply_bom_line_system_id"), ["system_id"], unique=False
        )

    op.create_table(
        "supply_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("part_id", sa.Integer(), nullable=False),
        sa.Column("supplier_org_id", sa.Integer(), nullable=True),
        sa.Column("supplier_name", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("share", sa.Float(), nullable=False),
        sa.Column("lead_time_days", sa.Integer(), nullable=False),
        sa.Column("annual_capacity", sa.Float(), nullable=True),
        sa.Column("unit_cost", sa.Float(), nullable=True),
        sa.Column("stock_on_hand", sa.Float(), nullable=False),
        sa.CheckConstraint(
            "supplier_org_id IS NOT NULL OR supplier_name <> ''",
            name=op.f("ck_supply_source_supplier_named"),
        ),
        sa.CheckConstraint(
            "annual_capacity IS NULL OR annual_capacity >= 0",
            name=op.f("ck_supply_source_capacity_range"),
        ),
        sa.CheckConstraint(
            "lead_time_days >= 0", name=op.f("ck_supply_source_lead_time_not_negative")
        ),
        sa.CheckConstraint("share >= 0 AND share <= 1", name=op.f("ck_supply_source_share_range")),
        sa.CheckConstraint("stock_on_hand >= 0", name=op.f("ck_supply_source_stock_not_negative")),
        sa.CheckConstraint(
            "unit_cost IS NULL OR unit_cost >= 0", name=op.f("ck_supply_source_cost_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["part_id"],
            ["supply_part.id"],
            name=op.f("fk_supply_source_part_id_supply_part"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_org_id"],
            ["organisation.id"],
            name=op.f("fk_supply_source_supplier_org_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supply_source")),
    )
    with op.batch_alter_table("supply_source", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supply_source_part_id"), ["part_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_supply_source_supplier_org_id"), ["supplier_org_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("supply_source", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supply_source_supplier_org_id"))
        batch_op.drop_index(batch_op.f("ix_supply_source_part_id"))

    op.drop_table("supply_source")
    with op.batch_alter_table("supply_bom_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supply_bom_line_system_id"))
        batch_op.drop_index(batch_op.f("ix_supply_bom_line_parent_id"))
        batch_op.drop_index("ix_supply_bom_line_child")

    op.drop_table("supply_bom_line")
    with op.batch_alter_table("supply_part", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supply_part_system_id"))

    op.drop_table("supply_part")
    with op.batch_alter_table("supply_system", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supply_system_integrator_org_id"))

    op.drop_table("supply_system")
    with op.batch_alter_table("supply_scenario", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supply_scenario_created_by_id"))

    op.drop_table("supply_scenario")
