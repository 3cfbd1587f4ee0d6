"""Microsoft 365 links as people copy them from SharePoint or OneDrive, and Graph's sharing token
for one; light (no HTTP client), so picking a source does not import one."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, quote, urlsplit

_HOSTS = ("sharepoint.com", "sharepoint.us", "sharepoint.de", "sharepoint.cn", "1drv.ms")


def is_m365_link(spec: str) -> bool:
    """A SharePoint or OneDrive link as a person copies it (`m365:` takes any host)."""
    if spec.startswith("m365:"):
        return True
    parts = urlsplit(spec.strip())
    host = (parts.hostname or "").lower()
    return parts.scheme == "https" and any(host == h or host.endswith("." + h) for h in _HOSTS)


def file_url(link: str) -> str:
    """The link to resolve: a `…/Forms/AllItems.aspx?id=/sites/…/x.xlsx` view becomes the file's
    own address; a sharing link (`:x:/s/…`) or a file address stays as it is."""
    text = link.strip().removeprefix("m365:")
    parts = urlsplit(text)
    if parts.path.lower().endswith(".aspx"):
        path = parse_qs(parts.query).get("id", [""])[0]
        if path.startswith("/"):
            return f"{parts.scheme}://{parts.netloc}{quote(path)}"
    return text


def share_id(link: str) -> str:
    """Graph's sharing token for a URL: `u!` + unpadded base64url of it."""
    encoded = base64.urlsafe_b64encode(file_url(link).encode("utf-8")).decode("ascii")
    return "u!" + encoded.rstrip("=")


def shown_link(link: str) -> str:
    """The link without its query (sharing links carry tokens there) and without user:password."""
    parts = urlsplit(file_url(link))
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}{parts.path}"
