"""Pages of shop-floor tracking: records (``crud``), floor accounts (``accounts``) and the
floor's live figures (``floor``)."""

from jinxiu.apps.tracking.views.accounts import *  # noqa: F403
from jinxiu.apps.tracking.views.crud import *  # noqa: F403
from jinxiu.apps.tracking.views.floor import *  # noqa: F403
