"""Fetching the files attached to an issue: from GitHub's own attachment addresses only, each
checked for size and type before anything is written into the repository.

GitHub stores a file dragged into an issue at an address of its own and writes a link to it
in the body. Anything else in the body (another site, a page on GitHub, a look-alike address)
is a link a person typed, and is never fetched. The network sits behind `Web`, so that the
tests serve files from a local fake."""

from __future__ import annotations

import re
import shutil
import tempfile
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

from ada_url import URL

from ..core.attachments import ALLOWED, check_file, human_size, inside

# Where a file dragged into an issue is linked from: host -> the paths GitHub gives it.
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_NAME = r"[A-Za-z0-9._~%-]+"  # one path segment, as GitHub writes it (no '/' nor '\\')
ATTACHMENT_PATHS: dict[str, tuple[re.Pattern[str], ...]] = {
    "github.com": (
        re.compile(rf"/user-attachments/files/\d+/{_NAME}"),
        re.compile(rf"/user-attachments/assets/{_UUID}"),
        re.compile(rf"/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/files/\d+/{_NAME}"),
        re.compile(rf"/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/assets/\d+/{_UUID}"),
    ),
    "user-images.githubusercontent.com": (re.compile(rf"/\d+/{_UUID}\.[A-Za-z0-9]{{1,5}}"),),
}
# Where those addresses redirect to: GitHub's file storage, nowhere else.
STORAGE_HOSTS = frozenset(
    {
        "objects.githubusercontent.com",
        "private-user-images.githubusercontent.com",
        "user-images.githubusercontent.com",
    }
)
MAX_REDIRECTS = 3
_ESCAPED_SEPARATOR = re.compile(r"%(2e|2f|5c|00)", re.IGNORECASE)


def _parsed(address: str) -> URL | None:
    """The address as a browser reads it, if it reads it unchanged: written exactly in its
    canonical form, with no user, password or port, over https."""
    if not address.isascii() or re.search(r"[\x00-\x20\x7f\\]", address):
        return None
    try:
        url = URL(address)
    except ValueError:
        return None
    if url.href != address or url.protocol != "https:" or url.username or url.password or url.port:
        return None
    return url


def attachment_address(address: str) -> bool:
    """Whether `address` is one GitHub gives a file attached to an issue."""
    url = _parsed(address)
    if url is None or url.search or url.hash or _ESCAPED_SEPARATOR.search(url.pathname):
        return False
    patterns = ATTACHMENT_PATHS.get(url.hostname, ())
    return any(p.fullmatch(url.pathname) for p in patterns)


def storage_address(address: str) -> bool:
    """Whether an attachment address may redirect to `address` (GitHub's file storage)."""
    url = _parsed(address)
    return url is not None and url.hostname in STORAGE_HOSTS and not url.hash


class Response(Protocol):
    status: int
    headers: Mapping[str, str]

    def read(self, size: int) -> bytes: ...

    def close(self) -> None: ...


class Web(Protocol):
    """One request at a time, redirects not followed (the caller judges each one)."""

    def get(self, address: str) -> Response: ...


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class _Answer:
    status: int
    headers: Mapping[str, str]
    stream: IO[bytes] | None

    def read(self, size: int) -> bytes:
        return self.stream.read(size) if self.stream else b""

    def close(self) -> None:
        if self.stream:
            self.stream.close()


class Internet:
    """The real `Web`: urllib, no redirects followed, a time limit on every request."""

    def __init__(self, timeout: float = 30.0) -> None:
        self.opener = urllib.request.build_opener(_NoRedirects())
        self.timeout = timeout

    def get(self, address: str) -> Response:
        request = urllib.request.Request(address, headers={"User-Agent": "opencpd-intake"})
        try:
            answer = self.opener.open(request, timeout=self.timeout)
        except urllib.error.HTTPError as error:  # 3xx and 4xx/5xx come back as errors
            return _Answer(error.code, dict(error.headers or {}), None)
        return _Answer(answer.status, dict(answer.headers), answer)


@dataclass
class Fetched:
    name: str
    url: str
    size: int = 0
    refused: str = ""  # why it was not written, in plain words; "" if it was


class Refused(Exception):
    pass


def fetch(web: Web, address: str, name: str, folder: Path, max_bytes: int) -> Fetched:
    """Fetch one attachment into `folder` as `name`, or say why not. Nothing is written in
    `folder` unless the address is GitHub's, every redirect stays in GitHub's file storage,
    and the file is within `max_bytes` and is what its extension says. A name `stem.*` is a
    picture whose content gives the extension (png, jpg or gif)."""
    try:
        name, size = _fetch(web, address, name, folder, max_bytes)
    except Refused as refusal:
        return Fetched(name, address, refused=str(refusal))
    return Fetched(name, address, size)


PICTURES = ("png", "jpg", "gif")


def _named_by_content(kept: Path, folder: Path) -> tuple[str, Path]:
    """A picture's name with the extension its content shows, free in `folder`."""
    with kept.open("rb") as handle:
        head = handle.read(64)
    ext = next((e for e in PICTURES if ALLOWED[e][1](kept, head)), None)
    if ext is None:
        raise Refused(
            "not fetched: it is not a picture GitHub could show (expected a PNG, "
            "JPEG or GIF image, got something else)"
        )
    stem, number = kept.stem, 2
    name = f"{stem}.{ext}"
    while (folder / name).exists():
        name, number = f"{stem}-{number}.{ext}", number + 1
    named = kept.with_name(name)
    kept.rename(named)
    return name, named


def _fetch(web: Web, address: str, name: str, folder: Path, max_bytes: int) -> tuple[str, int]:
    if not attachment_address(address):
        raise Refused("not fetched: it is not the address of a file attached to the issue")
    sniff = name.endswith(".*")
    if sniff:
        name = name[:-2] + ".png"  # for the checks below; the content names its type
    target = inside(folder, name)
    if target is None or target.name != name or target.exists():
        raise Refused(f"not fetched: {name!r} is not a new file name in the resource's folder")
    response = _follow(web, address)
    try:
        length = response.headers.get("Content-Length") or response.headers.get("content-length")
        if length and length.isdigit() and int(length) > max_bytes:
            raise Refused(
                f"not fetched: it is too large (expected at most "
                f"{human_size(max_bytes)}, got {human_size(int(length))})"
            )
        with tempfile.TemporaryDirectory(prefix="opencpd-intake-") as scratch:
            kept = Path(scratch) / name
            size = 0
            with kept.open("xb") as handle:
                while chunk := response.read(64 * 1024):
                    size += len(chunk)
                    if size > max_bytes:
                        raise Refused(
                            f"not fetched: it is too large (expected at most "
                            f"{human_size(max_bytes)}, got more)"
                        )
                    handle.write(chunk)
            if sniff:
                name, kept = _named_by_content(kept, folder)
                target = folder / name
            problem = check_file(kept.parent, name, max_bytes)
            if problem is not None:
                raise Refused(f"not fetched: {problem.message}")
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(kept, target)
        return name, size
    finally:
        response.close()


def _follow(web: Web, address: str) -> Response:
    for _ in range(MAX_REDIRECTS + 1):
        response = web.get(address)
        if response.status in (301, 302, 303, 307, 308):
            location = response.headers.get("Location") or response.headers.get("location")
            response.close()
            if not location or not storage_address(location):
                raise Refused("not fetched: it redirects away from GitHub's file storage")
            address = location
            continue
        if response.status != 200:
            response.close()
            raise Refused(f"not fetched: GitHub answered {response.status}")
        return response
    raise Refused("not fetched: too many redirects")
