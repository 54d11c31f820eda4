from jinxiu.apps.core.api import views


def register(router) -> None:
    router.register("regions", views.RegionViewSet)
    router.register("organizations", views.OrganizationViewSet)
    router.register("jobs", views.JobRunViewSet)
    router.register("changes", views.ObjectChangeViewSet)
