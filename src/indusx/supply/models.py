"""Systems, their multi-level bills of materials, qualified sources, and saved scenarios."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from indusx.accounts.models import _enum
from indusx.db import Base, JSONType, UTCDateTime, utcnow


class PartKind(StrEnum):
    ASSEMBLY = "assembly"
    PART = "part"
    MATERIAL = "material"


class SupplySystem(Base):
    """A co-produced system (an engine, a howitzer, a vehicle) whose supply chain is tracked."""

    __tablename__ = "supply_system"
    __table_args__ = (CheckConstraint("annual_demand >= 0", name="demand_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Short unique code used by CSV files and the CLI (e.g. "TF-40").
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # The prime or integrator that builds it, when it is in the directory.
    integrator_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    focus_area_id: Mapped[int | None] = mapped_column(
        ForeignKey("focus_area.id", ondelete="SET NULL")
    )
    # Planned build rate, units per year: the demand a disruption is measured against.
    annual_demand: Mapped[float] = mapped_column(Float, default=0.0)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Bumped on every change to the system, its parts, lines or sources (analysis cache key).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Part(Base):
    """An assembly, part or material of one system's bill of materials."""

    __tablename__ = "supply_part"
    __table_args__ = (UniqueConstraint("system_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    system_id: Mapped[int] = mapped_column(
        ForeignKey("supply_system.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(String(80))  # part number, unique within the system
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[PartKind] = mapped_column(_enum(PartKind, "supply_part_kind"))
    # What the part is and does, in words: alternate sources are matched on it.
    description: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(20), default="ea")


class BomLine(Base):
    """One parent-child link of the bill of materials: `quantity` children per parent.

    A line with no parent puts the part at the top of the system (quantity per system unit).
    A part may sit under several parents (the BOM is a directed acyclic graph, not a tree).
    """

    __tablename__ = "supply_bom_line"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        UniqueConstraint("system_id", "parent_id", "child_id"),
        Index("ix_supply_bom_line_child", "child_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    system_id: Mapped[int] = mapped_column(
        ForeignKey("supply_system.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("supply_part.id", ondelete="CASCADE"), index=True
    )
    child_id: Mapped[int] = mapped_column(ForeignKey("supply_part.id", ondelete="CASCADE"))
    quantity: Mapped[float] = mapped_column(Float, default=1.0)


class Source(Base):
    """A qualified source of a part: a directory organisation or an external supplier."""

    __tablename__ = "supply_source"
    __table_args__ = (
        CheckConstraint("share >= 0 AND share <= 1", name="share_range"),
        CheckConstraint("lead_time_days >= 0", name="lead_time_not_negative"),
        CheckConstraint("annual_capacity IS NULL OR annual_capacity >= 0", name="capacity_range"),
        CheckConstraint("unit_cost IS NULL OR unit_cost >= 0", name="cost_not_negative"),
        CheckConstraint("stock_on_hand >= 0", name="stock_not_negative"),
        CheckConstraint(
            "supplier_org_id IS NOT NULL OR supplier_name <> ''", name="supplier_named"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    part_id: Mapped[int] = mapped_column(
        ForeignKey("supply_part.id", ondelete="CASCADE"), index=True
    )
    # A directory organisation, or (when null) an external supplier named below.
    supplier_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    supplier_name: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2 of the supplying site
    share: Mapped[float] = mapped_column(Float)  # fraction 0..1 of the part's supply
    lead_time_days: Mapped[int] = mapped_column(Integer)
    annual_capacity: Mapped[float | None] = mapped_column(Float)  # units per year; None unknown
    unit_cost: Mapped[float | None] = mapped_column(Float)  # USD; None unknown
    stock_on_hand: Mapped[float] = mapped_column(Float, default=0.0)  # units held


class Scenario(Base):
    """A named, saved disruption scenario with the result it gave when it was run."""

    __tablename__ = "supply_scenario"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # The scenario as given: {"systems": [...codes] | [], "suppliers_out": [...],
    # "countries_out": [...], "regions_out": [...], "demand_factor": f, "days": n}.
    spec: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # The simulation's result when saved (systems, shortfalls, alternates), kept so that
    # saved scenarios compare side by side even after the BOM changes.
    result: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
