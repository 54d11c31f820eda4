"""A job kind for tests that need a job to run for a while in a real worker process."""

import time

from jinxiu.apps.core.jobs.registry import job_kind


@job_kind("tests.slow_writer", label="test: write documents slowly")
def slow_writer(ctx):
    from jinxiu.apps.core.models import Organization
    from jinxiu.apps.documents.models import Document

    org = Organization.objects.get(pk=ctx.params["org"])
    steps = ctx.params["steps"]
    for i in range(steps):
        Document.objects.create(organization=org, title=f"slow {i}")
        ctx.progress(100 * (i + 1) / steps, f"{i + 1}/{steps}")
        time.sleep(ctx.params.get("sleep", 0.0))
    return {"written": steps}
