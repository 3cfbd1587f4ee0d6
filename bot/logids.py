"""Chats in the log without their Telegram id: the log reaches operators of every province.

A Telegram id is personal data (it finds the person). Lines at INFO and above name a chat as
'gesprek #3fa2c1d0' or 'groep #…': a keyed hash that stays the same within one run, so the lines
about one chat can still be followed, but that cannot be turned back into the id (the key lives
only in this process's memory).
"""

from __future__ import annotations

import hashlib
import secrets

_KEY = secrets.token_bytes(16)


def chat_ref(chat_id: int) -> str:
    """'gesprek #3fa2c1d0' (a private chat) or 'groep #…' (a negative id): no id in the log."""
    kind = "groep" if chat_id < 0 else "gesprek"
    digest = hashlib.blake2b(str(chat_id).encode(), key=_KEY, digest_size=4).hexdigest()
    return f"{kind} #{digest}"


def recipient_ref(recipient: int | str) -> str:
    """A ledger recipient in the log: a chat as `chat_ref`; an e-mail address ('email:…', as
    personal as a Telegram id) as 'e-mail #…', a keyed hash; a Teams channel ('teams:kind:name')
    by its area, which is not personal (its webhook URL, a secret, is never in a recipient)."""
    if isinstance(recipient, int):
        return chat_ref(recipient)
    channel, _, rest = recipient.partition(":")
    if channel == "teams":
        return f"Teams-kanaal {rest}"
    digest = hashlib.blake2b(rest.casefold().encode(), key=_KEY, digest_size=4).hexdigest()
    return f"e-mail #{digest}"
