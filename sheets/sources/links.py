"""Microsoft 365 links as people copy them from SharePoint or OneDrive, and Graph's sharing token
for one; light (no HTTP client), so picking a source does not import one."""

from __future__ import annotations

import base64
import re
from urllib.parse import parse_qs, quote, unquote, urlsplit

_SITE = re.compile(r"^(/(?:sites|teams|personal)/[^/]+)/(.+)$")
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


def site_path(link: str) -> tuple[str, str, str] | None:
    """(host, site, path in the site) of a file's own address, e.g. ('x.sharepoint.com',
    '/sites/Wonen', 'Gedeelde documenten/taakstelling.xlsx'); None for a sharing link (`/:x:/…`),
    which only /shares resolves."""
    parts = urlsplit(file_url(link))
    m = _SITE.match(unquote(parts.path))
    if not m or not parts.hostname:
        return None
    return parts.hostname, m.group(1), m.group(2)
