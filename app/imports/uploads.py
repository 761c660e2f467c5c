"""Uploaded files waiting between their dry run and their commit: kept server-side, never sent back by the browser.

Each upload lives in the instance folder under the uploading user's id and a random id, with its sha256 and an
expiry time. Only its owner can load it; a file whose bytes no longer match its sha256 is refused.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import shutil
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

UPLOAD_ID = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
FILE, MAPPING, META = "upload.bin", "mapping.bin", "meta.json"


class UploadMissing(LookupError):
    """No such upload for this user (never uploaded, someone else's, expired or tampered with)."""


@dataclass
class StoredUpload:
    """An upload's record: who, what, when it expires, and its reports."""

    upload_id: str
    user_id: int
    filename: str
    sha256: str
    size: int
    sheet: str | None
    has_mapping: bool
    uploaded_at: str
    expires_at: str
    dry_run: dict[str, Any] | None = None
    commit: dict[str, Any] | None = None

    @property
    def committed(self) -> bool:
        """Whether the file was imported."""
        return bool(self.commit and self.commit.get("committed"))


def display_name(filename: str | None) -> str:
    """A file name safe to keep and show: the last path part, printable, at most 120 characters."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return (name or "upload")[:120]


class UploadStore:
    """The folder of uploads (instance/imports)."""

    def __init__(self, root: Path, *, ttl: timedelta):
        self.root = Path(root)
        self.ttl = ttl

    def _folder(self, user_id: int, upload_id: str) -> Path:
        if not UPLOAD_ID.match(upload_id or "") or not isinstance(user_id, int):
            raise UploadMissing("no such upload")
        return self.root / str(user_id) / upload_id

    def save(self, *, user_id: int, data: bytes, filename: str, sheet: str | None, mapping: bytes | None,
             now: datetime) -> StoredUpload:
        """Keep an uploaded file (and its mapping file) for its owner; returns its record."""
        self.purge_expired(now)
        upload = StoredUpload(secrets.token_urlsafe(24), user_id, display_name(filename),
                              hashlib.sha256(data).hexdigest(), len(data), (sheet or "").strip() or None,
                              mapping is not None, now.isoformat(), (now + self.ttl).isoformat())
        folder = self._folder(user_id, upload.upload_id)
        folder.mkdir(parents=True, mode=0o700)
        self._write(folder / FILE, data)
        if mapping is not None:
            self._write(folder / MAPPING, mapping)
        self.update(upload)
        return upload

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.write_bytes(data)
        path.chmod(0o600)

    def update(self, upload: StoredUpload) -> None:
        """Save an upload's record (its reports)."""
        folder = self._folder(upload.user_id, upload.upload_id)
        temporary = folder / (META + ".tmp")
        self._write(temporary, json.dumps(asdict(upload)).encode("utf-8"))
        temporary.replace(folder / META)

    def load(self, upload_id: str, *, user_id: int, now: datetime) -> StoredUpload:
        """The owner's upload, unless it has expired (UploadMissing otherwise)."""
        folder = self._folder(user_id, upload_id)
        try:
            upload = StoredUpload(**json.loads((folder / META).read_text("utf-8")))
        except (OSError, ValueError, TypeError):
            raise UploadMissing("no such upload") from None
        if upload.user_id != user_id or upload.upload_id != upload_id:
            raise UploadMissing("no such upload")
        if datetime.fromisoformat(upload.expires_at) <= now:
            shutil.rmtree(folder, ignore_errors=True)
            raise UploadMissing("the upload has expired")
        return upload

    def data(self, upload: StoredUpload) -> bytes:
        """The uploaded bytes, checked against the sha256 taken at upload (UploadMissing when gone or changed)."""
        try:
            data = (self._folder(upload.user_id, upload.upload_id) / FILE).read_bytes()
        except OSError:
            raise UploadMissing("the uploaded file is no longer kept") from None
        if hashlib.sha256(data).hexdigest() != upload.sha256:
            raise UploadMissing("the uploaded file has changed since its dry run")
        return data

    def mapping(self, upload: StoredUpload) -> bytes | None:
        """The mapping file uploaded with it, if any."""
        if not upload.has_mapping:
            return None
        try:
            return (self._folder(upload.user_id, upload.upload_id) / MAPPING).read_bytes()
        except OSError:
            raise UploadMissing("the mapping file is no longer kept") from None

    def discard_file(self, upload: StoredUpload) -> None:
        """Delete the uploaded bytes (after a commit), keeping the reports until the upload expires."""
        folder = self._folder(upload.user_id, upload.upload_id)
        for name in (FILE, MAPPING):
            (folder / name).unlink(missing_ok=True)

    def recent(self, *, user_id: int, now: datetime) -> list[StoredUpload]:
        """The owner's uploads that have not expired, newest first."""
        folder = self.root / str(user_id)
        uploads = []
        for child in folder.iterdir() if folder.is_dir() else []:
            try:
                uploads.append(self.load(child.name, user_id=user_id, now=now))
            except UploadMissing:
                continue
        return sorted(uploads, key=lambda u: u.uploaded_at, reverse=True)

    def purge_expired(self, now: datetime) -> int:
        """Delete every expired upload (of every user); returns how many."""
        removed = 0
        for meta in self.root.glob(f"*/*/{META}"):
            try:
                expires = datetime.fromisoformat(json.loads(meta.read_text("utf-8"))["expires_at"])
            except (OSError, ValueError, KeyError, TypeError):
                continue
            if expires <= now:
                shutil.rmtree(meta.parent, ignore_errors=True)
                removed += 1
        return removed
