from jinxiu.apps.core.models.base import ChangeLoggedModel, TenantModel
from jinxiu.apps.core.models.changelog import ObjectChange
from jinxiu.apps.core.models.jobs import JobRun
from jinxiu.apps.core.models.organizations import Membership, Organization, User
from jinxiu.apps.core.models.permissions import DataShare, ObjectPermission, StatisticsPolicy
from jinxiu.apps.core.models.regions import Region

__all__ = [
    "ChangeLoggedModel",
    "DataShare",
    "JobRun",
    "Membership",
    "ObjectChange",
    "ObjectPermission",
    "Organization",
    "Region",
    "StatisticsPolicy",
    "TenantModel",
    "User",
]
