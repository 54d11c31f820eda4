"""One API router; each app registers its viewsets here."""

from rest_framework.routers import DefaultRouter

from jinxiu.apps.chain.api import register as register_chain
from jinxiu.apps.core.api.urls import register as register_core
from jinxiu.apps.cultivation.api import register as register_cultivation
from jinxiu.apps.cutting.api import register as register_cutting
from jinxiu.apps.documents.api import register as register_documents
from jinxiu.apps.enterprises.api import register as register_enterprises
from jinxiu.apps.production.api import register as register_production
from jinxiu.apps.tracking.api import ingest_urlpatterns
from jinxiu.apps.tracking.api import register as register_tracking

router = DefaultRouter()
register_core(router)
register_documents(router)
register_production(router)
register_enterprises(router)
register_cutting(router)
register_chain(router)
register_cultivation(router)
register_tracking(router)
urlpatterns = [*ingest_urlpatterns, *router.urls]
