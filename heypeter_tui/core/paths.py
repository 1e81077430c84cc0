"""Where files live, and the one way files are written and read.

- `write_private_file` is the only writer of whole files (exports, imports, config, the current-run
  pointer, torn-line side files): an exclusive, no-follow temporary file beside the target, 0600,
  fsync, rename, fsync the folder. A FIFO, a device or `/dev/stdout` is written into, never replaced;
  a read-only target, a symbolic link to a regular file and a directory are refused.
- `read_limited` is the only reader of files people hand us (checklists, config, themes): regular
  files only (a FIFO would hang, `/dev/zero` never ends), and never more than the limit, by reading.
- `not_yours` is the one rule for what decides anything for this user (config.yaml, the allowed signers file it
  names, themes and checklists of the config dir, trust files): a file another user owns, or one group or others
  may write, is someone else's word, and is not read (`read_limited(own=True)` judges the very file it opened).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

import platformdirs

from heypeter_tui.core.errors import UserError

TYPE_CHECKING = False  # typing stays unimported where only commands like `status` run
if TYPE_CHECKING:
    from collections.abc import Iterable

APP_NAME = "heypeter-tui"
FILE_MODE = 0o600
DIR_MODE = 0o700


def config_dir() -> Path:
    """config.yaml, and the user's own checklists/ and themes/."""
    return platformdirs.user_config_path(APP_NAME)


def default_state_dir() -> Path:
    """The runs: each one's append-only log, and which one is current."""
    return platformdirs.user_state_path(APP_NAME)


def cache_dir() -> Path:
    """What can be made again from the runs: checkpoints of their folds (core/checkpoint.py)."""
    return platformdirs.user_cache_path(APP_NAME)


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) readable by its owner alone.

    Contacts hold names and phone numbers, so a directory of ours that exists with wider rights is
    narrowed too. Raises UserError where `path` is not a directory.
    """
    missing = []
    for level in (path, *path.parents):
        if level.exists() or level.is_symlink():
            break
        missing.append(level)
    try:
        for level in reversed(missing):  # each missing level 0700, not only the last (mkdir's parents=)
            level.mkdir(mode=DIR_MODE, exist_ok=True)
        path.mkdir(mode=DIR_MODE, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as error:
        raise UserError(f"{path}: not a directory") from error
    info = path.stat()
    if not stat.S_ISDIR(info.st_mode):
        raise UserError(f"{path}: not a directory")
    if info.st_mode & 0o077 and info.st_uid == os.geteuid():
        os.chmod(path, DIR_MODE)
    return path


def describe_os_error(error: OSError) -> str:
    """An OSError as a person can act on it: `disk full`, `read-only file system`…"""
    known = {
        errno.ENOSPC: "disk full: free some space and try again",
        errno.EDQUOT: "disk quota exceeded",
        errno.EROFS: "read-only file system",
        errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted",
        errno.ENOENT: "no such file or directory",
        errno.ENOTDIR: "a part of the path is not a directory",
        errno.EISDIR: "is a directory",
        errno.ELOOP: "is a symbolic link (refused)",
        errno.ENXIO: "no process is reading it (or it is a socket)",
        errno.EIO: "input/output error",
    }
    message = known.get(error.errno or 0) or error.strerror or str(error)
    where = error.filename
    return f"{where}: {message}" if where else message


def not_yours(info: os.stat_result) -> str:
    """Why a file is not this user's own word ('' where it is): another user owns it, or others may change it.
    Readable by others is no harm: they cannot make it say anything."""
    if info.st_uid != os.getuid():
        return f"owned by another user (uid {info.st_uid})"
    if info.st_mode & 0o022:
        return "writable by group or others (chmod go-w)"
    return ""


def refusal(path: Path) -> str:
    """`not_yours` of the file at `path` (through a link, as it would be read); '' where there is none."""
    try:
        return not_yours(os.stat(path))
    except OSError:
        return ""


# -- writing -------------------------------------------------------------------------------------


def write_private_file(path: Path, data: bytes | Iterable[bytes], stream: bool = False) -> None:
    """Put `data` at `path` whole or not at all, 0600. With `stream` (an output a person named: `-o`), a
    FIFO, a terminal or a device there is written into instead; the program's own files (the pointer,
    config, side files) are never written through anything but a regular file.

    Raises UserError for a target that must not be replaced, OSError (temporary file removed)
    where the system refuses.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise UserError(f"{path}: is a directory")
    if info is not None and not stream and not stat.S_ISREG(info.st_mode):
        kind = "a symbolic link" if stat.S_ISLNK(info.st_mode) else "not a regular file"
        raise UserError(f"{path}: {kind}; refused (remove it, and this file is made anew)")
    if info is not None and stat.S_ISLNK(info.st_mode):
        try:
            target = os.stat(path)
        except FileNotFoundError:
            raise UserError(f"{path}: a symbolic link to nothing; refused") from None
        if stat.S_ISREG(target.st_mode):
            raise UserError(
                f"{path}: a symbolic link to {os.path.realpath(path)}; refused (a planted link must not redirect "
                "the record): give the file's own path"
            )
        info = target
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise UserError(f"{path}: is a directory")
    if info is not None and not stat.S_ISREG(info.st_mode):
        _write_into(path, data)  # a FIFO, a terminal, /dev/null: written to, never replaced
        return
    if info is not None and (not info.st_mode & 0o222 or not os.access(path, os.W_OK)):
        if os.statvfs(path.parent).f_flag & os.ST_RDONLY:
            raise OSError(errno.EROFS, "read-only file system", str(path))
        raise UserError(f"{path}: read-only; not replaced (make it writable or choose another file)")
    parent = path.parent
    if not parent.exists():
        ensure_private_dir(parent)
    try:
        fd, temporary = _exclusive_temporary(path)
    except OSError as error:
        error.filename = str(path)  # the message names the file the person asked for, not our temporary one
        raise
    try:
        try:
            os.fchmod(fd, FILE_MODE)
            write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.rename(temporary, path)
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            error.filename = str(path)
        raise
    fsync_dir(parent)


def _exclusive_temporary(path: Path) -> tuple[int, Path]:
    """A new file beside `path`, created by us alone: a random name, O_EXCL, never through a link."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    for _ in range(100):
        temporary = path.with_name(f".{path.name[:100]}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(temporary, flags, FILE_MODE), temporary
        except FileExistsError:
            continue
    raise OSError(errno.EEXIST, "could not create a temporary file", str(path.parent))


def _write_into(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Into a FIFO, a terminal or a device. Opened without blocking, so a FIFO nobody reads is one line, not a hang
    (ENXIO), and judged as opened: a FIFO another user made (and reads) is refused before a byte is written. Then
    blocking again, so that a slow reader gets all of it."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as error:
        if error.errno == errno.ENXIO:
            raise UserError(f"{path}: a FIFO no process is reading; nothing written") from None
        raise
    try:
        info = os.fstat(fd)
        if stat.S_ISREG(info.st_mode):  # replaced by a regular file since we looked
            raise UserError(f"{path}: changed while being written; refused")
        if stat.S_ISFIFO(info.st_mode) and info.st_uid != os.getuid():
            raise UserError(f"{path}: a FIFO {not_yours(info)}; refused, nothing written (a planted FIFO must not "
                            "receive the record): give a path of your own")
        os.set_blocking(fd, True)
        write_all(fd, data)
    finally:
        os.close(fd)


def write_all(fd: int, data: bytes | Iterable[bytes]) -> None:
    """All of `data`, however many writes it takes; a write that makes no progress is a full disk. `data` may come
    in pieces (a record written as it is read: cli/commands.py, export), written a megabyte at a time."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        buffered = bytearray()
        for piece in data:
            buffered += piece
            if len(buffered) >= 1 << 20:
                write_all(fd, bytes(buffered))
                buffered.clear()
        write_all(fd, bytes(buffered))
        return
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.ENOSPC, "short write: is the disk full?")
        view = view[written:]


def fsync_dir(path: Path) -> None:
    """A rename or a new file survives a crash only once its folder is synced too."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.EROFS):  # some file systems cannot sync a folder
            raise
    finally:
        os.close(fd)


# -- reading -------------------------------------------------------------------------------------


class ReadRefused(Exception):
    """A file we will not read: not a regular file, or larger than its limit. `str()` says which."""


def read_limited(path: Path, limit: int, follow: bool = True, own: bool = False) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; with `follow=False`, never through a link; with `own`,
    only a file that is this user's own word (`not_yours`, judged on the file opened).

    Raises ReadRefused (a FIFO, a device, too large: found by reading, not by stat, which a
    growing file or /proc would fool; not yours) or OSError.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC | (0 if follow else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags)  # O_NONBLOCK: a FIFO opens at once instead of waiting for a writer
    except OSError as error:
        if error.errno == errno.ELOOP and not follow:
            raise ReadRefused("a symbolic link; refused") from error
        raise
    try:
        info = os.fstat(fd)
        mode = info.st_mode
        if own and not_yours(info):
            raise ReadRefused(f"{not_yours(info)}; refused: only your own file, which no one else can change, is read")
        if stat.S_ISDIR(mode):
            raise ReadRefused("is a directory")
        if not stat.S_ISREG(mode):
            raise ReadRefused("not a regular file (a FIFO, device or socket); refused")
        chunks, size = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise ReadRefused(f"larger than {limit:,} bytes; refused")
        return b"".join(chunks)
    finally:
        os.close(fd)
