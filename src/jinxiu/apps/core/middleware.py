"""Request-wide context: the interface language, the active organization, the change log."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.utils import translation
from django.utils.deprecation import MiddlewareMixin

from jinxiu.apps.core.changelog import change_context
from jinxiu.apps.core.models.changelog import ChangeSource

ACTIVE_ORG_SESSION_KEY = "jinxiu_active_organization"


class ChineseFirstLocaleMiddleware(MiddlewareMixin):
    """Simplified Chinese unless the user chose another language (the language cookie).

    Django's own LocaleMiddleware would follow the browser's Accept-Language; a government
    platform in China shows Chinese first, whatever the browser says.
    """

    def process_request(self, request):
        supported = {code for code, _name in settings.LANGUAGES}
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class ActiveOrganizationMiddleware:
    """``request.organization``: the organization the user acts for (the switcher's choice)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organization = None
        request.memberships = []
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            from jinxiu.apps.core.permissions import user_permissions

            memberships = user_permissions(user).memberships
            request.memberships = memberships
            chosen = request.session.get(ACTIVE_ORG_SESSION_KEY)
            active = next((m for m in memberships if m.organization_id == chosen), None)
            if active is None and memberships:
                # by default, act for the organization where the user's role is strongest
                rank = {"admin": 0, "officer": 1, "member": 2, "viewer": 3}
                active = min(memberships, key=lambda m: (rank.get(m.role, 9),
                                                          m.organization.name))
            request.membership = active
            request.organization = active.organization if active else None
        return self.get_response(request)


class ChangeContextMiddleware:
    """Changes made while handling a request are recorded as from the web or the API."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = ChangeSource.API if request.path.startswith("/api/") else ChangeSource.WEB
        request.id = uuid.uuid4()
        from jinxiu.apps.core.permissions import _scope, permission_scope

        token = permission_scope(request.id)
        try:
            # API token authentication happens in the view; the context reads the user lazily.
            with change_context(user=_LazyUser(request), source=source, request_id=request.id):
                return self.get_response(request)
        finally:
            _scope.reset(token)


class _LazyUser:
    """Resolves to ``request.user`` at the moment a change is recorded (after DRF auth)."""

    def __init__(self, request):
        self._request = request

    def _user(self):
        return getattr(self._request, "user", None)

    @property
    def is_authenticated(self) -> bool:
        user = self._user()
        return bool(user is not None and user.is_authenticated)

    def __getattr__(self, name):
        return getattr(self._user(), name)
