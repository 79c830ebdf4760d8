"""Import every model module so that Base.metadata knows all tables (for Alembic)."""

from indusx.accounts import models as accounts_models
from indusx.audit import models as audit_models
from indusx.awards import models as awards_models
from indusx.challenges import models as challenges_models
from indusx.matching import models as matching_models
from indusx.notifications import models as notifications_models
from indusx.ops.jobs import models as jobs_models
from indusx.orgs import models as orgs_models
from indusx.partnerships import dataroom_models
from indusx.partnerships import models as partnerships_models
from indusx.pathway import models as pathway_models
from indusx.privacy import models as privacy_models
from indusx.roadmap import models as roadmap_models
from indusx.screening import models as screening_models
from indusx.supply import models as supply_models
from indusx.supply.sos import models as sos_models

__all__ = [
    "accounts_models",
    "audit_models",
    "awards_models",
    "challenges_models",
    "dataroom_models",
    "jobs_models",
    "matching_models",
    "notifications_models",
    "orgs_models",
    "partnerships_models",
    "pathway_models",
    "privacy_models",
    "roadmap_models",
    "screening_models",
    "sos_models",
    "supply_models",
]
