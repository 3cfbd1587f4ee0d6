"""getChatMember for the fake Bot API: who administers which group, in Bot API shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.fakes.telegram_api import ApiError

_RIGHTS = (
    "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
    "can_manage_video_chats", "can_restrict_members", "can_promote_members", "can_change_info",
    "can_invite_users", "can_post_stories", "can_edit_stories", "can_delete_stories",
)  # fmt: skip


def chat_members(admins: dict[int, set[int]]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A getChatMember handler: users in `admins[chat]` are administrators, others members."""

    def get_chat_member(params: dict[str, Any]) -> dict[str, Any]:
        chat, user = int(params["chat_id"]), int(params["user_id"])
        if chat > 0 and chat != user:
            raise ApiError(400, "Bad Request: member not found")
        who = {"id": user, "is_bot": False, "first_name": f"User {user}"}
        if user in admins.get(chat, set()):
            return {"status": "administrator", "user": who, **dict.fromkeys(_RIGHTS, False)}
        return {"status": "member", "user": who}

    return get_chat_member
