from django.conf import settings

from jinxiu.apps.core.navigation import menu_for


def jinxiu(request):
    user = getattr(request, "user", None)
    return {
        "active_organization": getattr(request, "organization", None),
        "memberships": getattr(request, "memberships", []),
        "menu": menu_for(request) if user is not None and user.is_authenticated else [],
        "LANGUAGES": settings.LANGUAGES,
    }
