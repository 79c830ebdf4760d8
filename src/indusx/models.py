"""Import every model module so that Base.metadata knows all tables (for Alembic)."""

from indusx.accounts import models as accounts_models
from indusx.audit import models as audit_models
from indusx.notifications import models as notifications_models
from indusx.orgs import models as orgs_models

__all__ = ["accounts_models", "audit_models", "notifications_models", "orgs_models"]
