"""Background jobs: a :class:`~jinxiu.apps.core.models.JobRun` row per user-visible job.

Add a job kind with :func:`~jinxiu.apps.core.jobs.registry.job_kind`; start one with
:func:`~jinxiu.apps.core.jobs.services.job_enqueue`. See ``docs/development.md``.
"""

from jinxiu.apps.core.jobs import handlers  # noqa: F401  (registers the core job kinds)
