"""The core job kinds."""

from django.utils.translation import gettext_lazy as _

from jinxiu.apps.core.jobs.registry import job_kind


@job_kind("core.demo_load", label=_("Load the demo data set"), superuser_only=True)
def demo_load_job(ctx):
    from jinxiu.apps.core.demo import demo_load

    state = demo_load(progress=ctx.progress)
    return {
        "organizations": len(state.organizations),
        "users": len(state.users),
    }
