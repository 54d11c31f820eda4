from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from jinxiu.apps.core.views import core as core_views
from jinxiu.apps.core.views.auth import ThrottledLoginView

urlpatterns = [
    path("", core_views.home, name="home"),
    path("login/", ThrottledLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("", include("jinxiu.apps.core.urls")),
    path("documents/", include("jinxiu.apps.documents.urls")),
    path("production/", include("jinxiu.apps.production.urls")),
    path("registry/", include("jinxiu.apps.enterprises.urls")),
    path("cutting/", include("jinxiu.apps.cutting.urls")),
    path("chain/", include("jinxiu.apps.chain.urls")),
    path("cultivation/", include("jinxiu.apps.cultivation.urls")),
    path("tracking/", include("jinxiu.apps.tracking.urls")),
    path("api/", include("jinxiu.config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # Redoc injects its own <style> elements at run time: this one page allows inline styles
    # (never inline scripts).
    path("api/redoc/", csp_update({"style-src": [UNSAFE_INLINE]})(
        SpectacularRedocView.as_view(url_name="api-schema")), name="api-redoc"),
    path("admin/", admin.site.urls),
]
