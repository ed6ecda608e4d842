"""Transitional re-exports for the apps that still import the view kit from here.

The kit lives in ``lotse.core.web``; delete this module once network and
accommodation import from there (no app imports another app's views).
"""

from __future__ import annotations

from lotse.core.web import acting_user as actor_of
from lotse.core.web import add_errors, form_after_conflict

__all__ = ["actor_of", "add_errors", "form_after_conflict"]
