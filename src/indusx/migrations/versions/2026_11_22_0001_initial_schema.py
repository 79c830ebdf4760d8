"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 20:30:45.368080
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_email", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=64), nullable=False),
        sa.Column("object_id", sa.String(length=64), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column(
            "before",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "after",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_action", ["action"], unique=False)
        batch_op.create_index("ix_audit_event_actor_id", ["actor_id"], unique=False)
        batch_op.create_index("ix_audit_event_at", ["at"], unique=False)
        batch_op.create_index("ix_audit_event_object", ["object_type", "object_id"], unique=False)

    op.create_table(
        "focus_area",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bit", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("bit BETWEEN 0 AND 62", name=op.f("ck_focus_area_bit_range")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_focus_area")),
        sa.UniqueConstraint("bit", name=op.f("uq_focus_area_bit")),
        sa.UniqueConstraint("name", name=op.f("uq_focus_area_name")),
        sa.UniqueConstraint("slug", name=op.f("uq_focus_area_slug")),
    )
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "country",
            sa.Enum("IN", "US", name="country", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "kind",
            sa.Enum(
                "startup",
                "msme",
                "large_company",
                "prime",
                "investor",
                "accelerator",
                "academic",
                "government",
                "test_facility",
                name="org_kind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("capabilities", sa.Text(), nullable=False),
        sa.Column(
            "funding_stage",
            sa.Enum(
                "pre_seed",
                "seed",
                "series_a",
                "series_b",
                "series_c_plus",
                "growth",
                "public",
                "bootstrapped",
                name="funding_stage",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("headcount", sa.Integer(), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=100), nullable=False),
        sa.Column("website", sa.String(length=300), nullable=False),
        sa.Column("uei", sa.String(length=12), nullable=True),
        sa.Column("cage", sa.String(length=5), nullable=True),
        sa.Column("cin", sa.String(length=21), nullable=True),
        sa.Column("udyam", sa.String(length=19), nullable=True),
        sa.Column("dpiit", sa.String(length=16), nullable=True),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("contact_phone", sa.String(length=40), nullable=False),
        sa.Column("needs", sa.Text(), nullable=False),
        sa.Column("private_notes", sa.Text(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("max_trl", sa.Integer(), nullable=True),
        sa.Column("focus_mask", sa.BigInteger(), nullable=False),
        sa.Column("facet_mask", sa.BigInteger(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "headcount IS NULL OR headcount >= 0",
            name=op.f("ck_organisation_headcount_non_negative"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("cage", name=op.f("uq_organisation_cage")),
        sa.UniqueConstraint("cin", name=op.f("uq_organisation_cin")),
        sa.UniqueConstraint("dpiit", name=op.f("uq_organisation_dpiit")),
        sa.UniqueConstraint("slug", name=op.f("uq_organisation_slug")),
        sa.UniqueConstraint("udyam", name=op.f("uq_organisation_udyam")),
        sa.UniqueConstraint("uei", name=op.f("uq_organisation_uei")),
    )
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.create_index(
            "ix_organisation_facets",
            ["facet_mask", "focus_mask", "max_trl", "name", "updated_at", "created_at"],
            unique=False,
        )
        batch_op.create_index("ix_organisation_name", ["name"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_organisation_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column(
            "platform_role",
            sa.Enum(
                "admin", "officer", "member", name="platform_role", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("email", name=op.f("uq_user_account_email")),
    )
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("personal", "access", name="token_kind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_api_token_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_index("ix_api_token_user_kind", ["user_id", "kind"], unique=False)

    op.create_table(
        "investor_thesis",
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column(
            "focus_areas",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "stages",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "countries",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("ticket_min_usd", sa.Integer(), nullable=True),
        sa.Column("ticket_max_usd", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.id"],
            name=op.f("fk_investor_thesis_org_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("org_id", name=op.f("pk_investor_thesis")),
    )
    op.create_table(
        "membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum("owner", "editor", "viewer", name="org_role", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.id"],
            name=op.f("fk_membership_org_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_membership_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership")),
        sa.UniqueConstraint("user_id", "org_id", name="uq_membership_user_org"),
    )
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_membership_org_id"), ["org_id"], unique=False)

    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("to_email", sa.String(length=254), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=False),
        sa.Column("in_app", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "delivery_status",
            sa.Enum(
                "pending",
                "sent",
                "logged",
                "failed",
                name="delivery_status",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_notification_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notification_due", ["delivery_status", "next_attempt_at"], unique=False
        )
        batch_op.create_index("ix_notification_user_read", ["user_id", "read_at"], unique=False)

    op.create_table(
        "offering",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("trl", sa.Integer(), nullable=False),
        sa.Column("export_control", sa.String(length=60), nullable=True),
        sa.CheckConstraint("trl BETWEEN 1 AND 9", name=op.f("ck_offering_trl_range")),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.id"],
            name=op.f("fk_offering_org_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offering")),
    )
    with op.batch_alter_table("offering", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offering_org_id"), ["org_id"], unique=False)

    op.create_table(
        "one_time_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "password_reset", "invitation", name="one_time_kind", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column(
            "org_role",
            sa.Enum("owner", "editor", "viewer", name="org_role", native_enum=False, length=32),
            nullable=True,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.id"],
            name=op.f("fk_one_time_token_org_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_one_time_token_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_one_time_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_one_time_token_token_hash")),
    )
    with op.batch_alter_table("one_time_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_one_time_token_user_id"), ["user_id"], unique=False)

    op.create_table(
        "org_focus_area",
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("focus_area_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["focus_area_id"],
            ["focus_area.id"],
            name=op.f("fk_org_focus_area_focus_area_id_focus_area"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.id"],
            name=op.f("fk_org_focus_area_org_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("org_id", "focus_area_id", name=op.f("pk_org_focus_area")),
    )
    with op.batch_alter_table("org_focus_area", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_org_focus_area_focus_area_id"), ["focus_area_id"], unique=False
        )

    op.create_table(
        "org_seeking",
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column(
            "seeking",
            sa.Enum(
                "co_development",
                "co_production",
                "investment",
                "customers",
                "test_facilities",
                "mentoring",
                "research_partner",
                name="seeking",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.id"],
            name=op.f("fk_org_seeking_org_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("org_id", "seeking", name=op.f("pk_org_seeking")),
    )
    with op.batch_alter_table("org_seeking", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_org_seeking_seeking"), ["seeking"], unique=False)

    op.create_table(
        "web_session",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_web_session_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_session")),
    )
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_session_user_id"), ["user_id"], unique=False)

    _create_search_index()
    _make_audit_append_only()


def downgrade() -> None:
    _drop_dialect_objects()
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_session_user_id"))

    op.drop_table("web_session")
    with op.batch_alter_table("org_seeking", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_seeking_seeking"))

    op.drop_table("org_seeking")
    with op.batch_alter_table("org_focus_area", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_focus_area_focus_area_id"))

    op.drop_table("org_focus_area")
    with op.batch_alter_table("one_time_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_one_time_token_user_id"))

    op.drop_table("one_time_token")
    with op.batch_alter_table("offering", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offering_org_id"))

    op.drop_table("offering")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_user_read")
        batch_op.drop_index("ix_notification_due")

    op.drop_table("notification")
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_membership_org_id"))

    op.drop_table("membership")
    op.drop_table("investor_thesis")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_index("ix_api_token_user_kind")

    op.drop_table("api_token")
    op.drop_table("user_account")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisation_updated_at"))
        batch_op.drop_index("ix_organisation_name")
        batch_op.drop_index("ix_organisation_facets")

    op.drop_table("organisation")
    op.drop_table("focus_area")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_object")
        batch_op.drop_index("ix_audit_event_at")
        batch_op.drop_index("ix_audit_event_actor_id")
        batch_op.drop_index("ix_audit_event_action")

    op.drop_table("audit_event")


SQLITE_SEARCH = [
    "CREATE VIRTUAL TABLE organisation_fts USING fts5(name, search_text, "
    "content='organisation', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER organisation_fts_insert AFTER INSERT ON organisation BEGIN "
    "INSERT INTO organisation_fts(rowid, name, search_text) "
    "VALUES (new.id, new.name, new.search_text); END",
    "CREATE TRIGGER organisation_fts_delete AFTER DELETE ON organisation BEGIN "
    "INSERT INTO organisation_fts(organisation_fts, rowid, name, search_text) "
    "VALUES ('delete', old.id, old.name, old.search_text); END",
    "CREATE TRIGGER organisation_fts_update AFTER UPDATE OF name, search_text "
    "ON organisation BEGIN "
    "INSERT INTO organisation_fts(organisation_fts, rowid, name, search_text) "
    "VALUES ('delete', old.id, old.name, old.search_text); "
    "INSERT INTO organisation_fts(rowid, name, search_text) "
    "VALUES (new.id, new.name, new.search_text); END",
]
POSTGRES_SEARCH = [
    "ALTER TABLE organisation ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', coalesce(name, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(search_text, '')), 'B')) STORED",
    "CREATE INDEX ix_organisation_search_vector ON organisation USING gin (search_vector)",
]


def _create_search_index() -> None:
    """Full-text search: a generated tsvector on PostgreSQL, an FTS5 table on SQLite."""
    dialect = op.get_bind().dialect.name
    for statement in POSTGRES_SEARCH if dialect == "postgresql" else SQLITE_SEARCH:
        op.execute(statement)


def _make_audit_append_only() -> None:
    """Refuse UPDATE and DELETE on the audit log in the database itself."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'audit_event is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
                "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"
            )


def _drop_dialect_objects() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
        op.execute("DROP INDEX IF EXISTS ix_organisation_search_vector")
    else:
        for name in (
            "audit_event_no_update",
            "audit_event_no_delete",
            "organisation_fts_insert",
            "organisation_fts_delete",
            "organisation_fts_update",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS organisation_fts")
