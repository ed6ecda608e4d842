"""Session engine: Django's database sessions, with the user recorded on each row."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DBStore


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls) -> Any:
        from lotse.core.models import UserSession

        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        obj: Any = super().create_model_instance(data)
        try:
            obj.user_id = int(data.get("_auth_user_id") or 0) or None
        except (TypeError, ValueError):
            obj.user_id = None
        return obj
