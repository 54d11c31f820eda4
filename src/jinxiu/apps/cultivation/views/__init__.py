"""Pages of tiered cultivation (梯度培育)."""

from jinxiu.apps.cultivation.views.applications import *  # noqa: F403
from jinxiu.apps.cultivation.views.pipeline import *  # noqa: F403
from jinxiu.apps.cultivation.views.rules import *  # noqa: F403
