"""Reading uploaded spreadsheets and CSV files so that a hostile file cannot take a worker down.

Every import of a list (the casework workbook, the actor list, the volunteers
next) reads its files through :func:`open_workbook` or :func:`open_csv`. The
file is checked and parsed in a child process (``lotse.core.upload_reader``)
with a ceiling on its memory and CPU time; the rows come back through a pipe
in chunks, while the import works on the ones before. A file beyond a limit
(its size, unpacked size, compression ratio, the rows, columns or cells of a
sheet, the memory or time its reading takes) raises :class:`UploadRefused`, a
``ValidationError`` with a German message naming the limit: the staged-import
lifecycle shows it on the upload form or the command line, and writes
nothing. The limits are settings (``LOTSE_IMPORT_*``), documented in
``docs/import-format.md``.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import asdict
from multiprocessing.connection import Connection
from pathlib import Path
from types import TracebackType
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lotse.core import upload_reader
from lotse.core.upload_reader import Limits

logger = logging.getLogger(__name__)

MEGABYTE = 1024 * 1024
# Beyond its CPU time the child may wait this long for the import to take its rows.
_GRACE_SECONDS = 60
# Linux lets an unprivileged process grow a pipe to 1 MB (/proc/sys/fs/pipe-max-size).
_PIPE_BYTES = 1 << 20
_READER = str(Path(upload_reader.__file__).resolve())


class UploadRefused(ValidationError):
    """The file exceeds a limit of what Lotse reads; the message says which."""


class Unreadable(ValueError):
    """The file, or one of its sheets, is damaged (the readers report it as they report calamine's errors)."""


def limits() -> Limits:
    """The limits of the settings, in bytes."""
    return Limits(
        upload_bytes=settings.LOTSE_IMPORT_MAX_MEGABYTES * MEGABYTE,
        unpacked_bytes=settings.LOTSE_IMPORT_MAX_UNPACKED_MEGABYTES * MEGABYTE,
        ratio=settings.LOTSE_IMPORT_MAX_COMPRESSION_RATIO,
        ratio_from_bytes=settings.LOTSE_IMPORT_RATIO_FROM_MEGABYTES * MEGABYTE,
        rows=settings.LOTSE_IMPORT_MAX_ROWS,
        columns=settings.LOTSE_IMPORT_MAX_COLUMNS,
        cells=settings.LOTSE_IMPORT_MAX_CELLS,
        memory_bytes=settings.LOTSE_IMPORT_READER_MEGABYTES * MEGABYTE,
        cpu_seconds=settings.LOTSE_IMPORT_READER_SECONDS,
    )


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


def _megabytes(size: int) -> str:
    return _number(size // MEGABYTE)


def check_size(sizes: list[int], limit_megabytes: int) -> None:
    """Refuse files larger than ``limit_megabytes`` together, before anything reads them."""
    if sum(sizes) <= limit_megabytes * MEGABYTE:
        return
    if len(sizes) == 1:
        message = _("The file is larger than %(limit)s MB.")
    else:
        message = _("The files are larger than %(limit)s MB together.")
    raise UploadRefused(message % {"limit": _number(limit_megabytes)})


def refusal_message(code: str, figures: dict[str, Any], limits: Limits) -> str:
    """The German message of a refusal by the child."""
    if code == upload_reader.UNPACKED:
        return _(
            "The file is larger than %(limit)s MB when unpacked (at least %(size)s MB). "
            "Split the list into several files."
        ) % {"limit": _megabytes(figures["limit"]), "size": _megabytes(figures["size"])}
    if code == upload_reader.RATIO:
        return _(
            "The file is packed more densely than a spreadsheet ever is: its part “%(part)s” unpacks to "
            "%(ratio)s times its size (at most %(limit)s times). It is not read."
        ) % {"part": figures["part"], "ratio": _number(figures["ratio"]), "limit": _number(figures["limit"])}
    if code == upload_reader.ROWS:
        return _("The table “%(sheet)s” reaches row %(rows)s; a table may have at most %(limit)s rows.") % {
            "sheet": figures["sheet"],
            "rows": _number(figures["rows"]),
            "limit": _number(figures["limit"]),
        }
    if code == upload_reader.COLUMNS:
        return _(
            "The table “%(sheet)s” reaches column %(column)s (column no. %(columns)s); "
            "a table may have at most %(limit)s columns."
        ) % {
            "sheet": figures["sheet"],
            "column": figures["column"],
            "columns": _number(figures["columns"]),
            "limit": _number(figures["limit"]),
        }
    if code == upload_reader.CELLS:
        return _(
            "The table “%(sheet)s” spans %(rows)s rows and %(columns)s columns, %(cells)s cells; "
            "a table may have at most %(limit)s cells."
        ) % {
            "sheet": figures["sheet"],
            "rows": _number(figures["rows"]),
            "columns": _number(figures["columns"]),
            "cells": _number(figures["cells"]),
            "limit": _number(figures["limit"]),
        }
    if code == upload_reader.CELL_LENGTH:
        return _(
            "Row %(row)s of the table “%(sheet)s” has a cell of more than %(limit)s characters, "
            "more than a spreadsheet program allows."
        ) % {"sheet": figures["sheet"], "row": _number(figures["row"]), "limit": _number(figures["limit"])}
    return _memory_message(limits)


def _memory_message(limits: Limits) -> str:
    return _(
        "Reading the file needs more than %(limit)s MB of memory; it was stopped. "
        "Split the list into several files, or delete empty but formatted rows and columns."
    ) % {"limit": _megabytes(limits.memory_bytes)}


def _time_message(limits: Limits) -> str:
    return ngettext(
        "Reading the file takes longer than %(limit)s second; it was stopped. Split the list into several files.",
        "Reading the file takes longer than %(limit)s seconds; it was stopped. Split the list into several files.",
        limits.cpu_seconds,
    ) % {"limit": _number(limits.cpu_seconds)}


class TableReader:
    """One uploaded file, read in a child process: its sheets' titles, and the numbered rows of each.

    A CSV file has one sheet, titled with its name. Use it as a context
    manager (or call :meth:`close`): closing ends the child.
    """

    def __init__(self, name: str, content: bytes, *, csv_encoding: str | None = None, csv_delimiter: str = ";"):
        self.limits = limits()
        check_size([len(content)], settings.LOTSE_IMPORT_MAX_MEGABYTES)
        self._current: int | None = None
        # How many rows the sheet last asked for spans (for a CSV file: its lines), to show progress against.
        self.row_count = 0
        child_reads, parent_writes = os.pipe()
        parent_reads, child_writes = os.pipe()
        try:
            # Isolated (-I) and in an empty environment: the reader sees neither the settings nor their secrets.
            self._process = subprocess.Popen(  # noqa: S603 (our own script, no shell)
                [sys.executable, "-I", _READER, str(child_reads), str(child_writes)],
                pass_fds=(child_reads, child_writes),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                env={},
            )
        except BaseException:
            os.close(parent_writes)
            os.close(parent_reads)
            raise
        finally:
            os.close(child_reads)  # only the child's copies stay open: their end is the pipes' end
            os.close(child_writes)
        # A larger pipe lets the child parse ahead while the import works on the rows it has.
        with contextlib.suppress(OSError):
            fcntl.fcntl(parent_reads, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
        self._sender = Connection(parent_writes, readable=False)
        self._connection = Connection(parent_reads, writable=False)
        try:
            self._send(
                {
                    "name": name,
                    "limits": asdict(self.limits),
                    "csv_encoding": csv_encoding,
                    "csv_delimiter": csv_delimiter,
                }
            )
            try:
                self._sender.send_bytes(content)
            except (BrokenPipeError, ConnectionResetError):
                raise self._ended() from None
            answer = self._receive()
            if answer[0] == "unreadable":
                raise Unreadable(name)
            assert answer[0] == "titles", answer
            self.titles: list[str] = answer[1]
            # Per sheet: hidden in Excel (a workbook's drop-down lists are often kept on such a sheet).
            self.hidden: list[bool] = list(answer[2])
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> TableReader:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """End the child: with its pipes closed it stops at its next message, and is killed should it not."""
        self._sender.close()
        self._connection.close()
        try:
            self._process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def rows(self, index: int) -> Iterator[tuple[int, list[Any]]]:
        """The rows of sheet ``index``, numbered as the spreadsheet shows them.

        Raises :class:`Unreadable` at once when the sheet cannot be read, and
        while iterating when it breaks off. Asking for the next sheet drops
        what was not taken of this one.
        """
        self._drop_current()
        self._send(("sheet", index))
        answer = self._receive()
        if answer[0] == "sheet_unreadable":
            raise Unreadable(self.titles[index])
        assert answer[:2] == ("sheet", index), answer
        self._current = index
        self.row_count = int(answer[3])
        return self._numbered(index, int(answer[2]))

    def _numbered(self, index: int, first_row: int) -> Iterator[tuple[int, list[Any]]]:
        number = first_row
        while True:
            message = self._receive()
            if message[0] == "end":
                self._current = None
                return
            if message[0] == "broken":
                self._current = None
                self._expect_end(index)
                raise Unreadable(message[2])
            for row in message[2]:
                yield number, row
                number += 1

    def _drop_current(self) -> None:
        if self._current is None:
            return
        index, self._current = self._current, None
        self._send(("skip", index))
        self._expect_end(index)

    def _expect_end(self, index: int) -> None:
        while True:
            message = self._receive()
            if message[0] == "end" and message[1] == index:
                return

    def _send(self, message: Any) -> None:
        try:
            self._sender.send(message)
        except (BrokenPipeError, ConnectionResetError):
            raise self._ended() from None

    def _receive(self) -> Any:
        """The child's next message; a refusal, its death or its silence beyond the time limit is UploadRefused."""
        if not self._connection.poll(self.limits.cpu_seconds + _GRACE_SECONDS):
            self._process.kill()
            self._process.wait()
            logger.warning("The reader of an upload was silent for too long and was ended.")
            raise UploadRefused(_time_message(self.limits))
        try:
            message = self._connection.recv()
        except (EOFError, ConnectionResetError):
            raise self._ended() from None
        if message[0] == "refused":
            logger.warning("An upload was refused: %s %s", message[1], message[2])
            raise UploadRefused(refusal_message(message[1], message[2], self.limits))
        return message

    def _ended(self) -> UploadRefused:
        """Why the child ended before answering: memory, CPU time, or a crash."""
        try:
            code: int | None = self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            code = self._process.wait()
        logger.warning("The reader of an upload ended with status %s.", code)
        if code in (-signal.SIGXCPU, -signal.SIGKILL):
            return UploadRefused(_time_message(self.limits))
        if code in (-signal.SIGABRT, upload_reader.MEMORY_EXIT):
            # Rust (calamine) aborts when an allocation fails at the memory ceiling.
            return UploadRefused(_memory_message(self.limits))
        return UploadRefused(_("The file could not be read: its reader stopped unexpectedly."))


def open_workbook(name: str, content: bytes) -> TableReader:
    """An Excel workbook (xlsx; also xls and ods), checked and read in a child process."""
    return TableReader(name, content)


def open_csv(name: str, content: bytes, *, encoding: str, delimiter: str) -> TableReader:
    """A CSV file in the given encoding (detected by the caller) and delimiter, read in a child process."""
    return TableReader(name, content, csv_encoding=encoding, csv_delimiter=delimiter)
