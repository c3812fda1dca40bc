"""Persistence. Importing the package registers every table on ``Base.metadata``."""

from core.db import models, staff_models  # noqa: F401
