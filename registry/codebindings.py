"""Code bindings of schema versions: generated in the background, kept in the store.

One binding per (registry, schema, version, language) is two documents:

* ``schemas.code-binding``: its status (``CREATE_IN_PROGRESS``, ``CREATE_COMPLETE``,
  ``CREATE_FAILED`` with the reason), small, read by every DescribeCodeBinding poll;
* ``schemas.code-binding-source``: the zip, written *before* the status turns complete, so
  whoever sees ``CREATE_COMPLETE`` finds it, in this process or any other.

PutCodeBinding claims a binding by compare-and-set with a fresh *attempt* id and starts the
generation as a task of this process; ``codegen`` runs in a worker thread, so the event
loop never waits for it. The generation finishes by a compare-and-set that succeeds only
while its attempt still owns the binding; a loser drops its zip. A binding is generated
again when PutCodeBinding finds it failed (a failure may have been transient; a real one
fails again within milliseconds), stuck in progress for longer than ``STALE_SECONDS`` (its
process died), or made from other content than the version has now (a schema deleted and
created again reuses version numbers).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict

import codegen
from eventbus.context import Context
from eventbus.documents import Collection
from registry.errors import BadRequestError, NotFoundError
from registry.models import SchemaRecord, VersionRef
from registry.schemas import SchemaService, parse_version

log = logging.getLogger(__name__)

KIND = "schemas.code-binding"
SOURCE_KIND = "schemas.code-binding-source"

#: A generation in progress for longer than this is taken to be dead (its process stopped).
#: Typical schemas take milliseconds and very large ones about a second.
STALE_SECONDS = 30.0

_MAX_CLAIM_ATTEMPTS = 20


class Status(StrEnum):
    IN_PROGRESS = "CREATE_IN_PROGRESS"
    COMPLETE = "CREATE_COMPLETE"
    FAILED = "CREATE_FAILED"


class CodeBinding(BaseModel):
    """The status document of one binding."""

    registry: str
    schema_name: str
    version: str
    language: str
    #: The version's content digest (``VersionRef.digest``) the binding is made from.
    digest: str
    status: Status
    #: Which generation owns the binding; its zip is stored under this id.
    attempt: str
    created: float
    last_modified: float
    failure: str | None = None
    #: The file to open first, relative to the zip's root (once complete).
    main_file: str | None = None


class _Archive(BaseModel):
    model_config = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")

    data: bytes


@dataclass(frozen=True, slots=True)
class Source:
    """What GetCodeBindingSource hands out."""

    archive: bytes
    main_file: str
    version: str


def binding_key(registry: str, schema: str, version: str, language: str) -> str:
    # No part can contain '/': registry and schema names do not allow it, versions are
    # numbers and languages one of codegen.LANGUAGES.
    return f"{registry}/{schema}/{version}/{language}"


def check_language(language: str) -> None:
    if language not in codegen.LANGUAGES:
        raise BadRequestError(
            f"Invalid Language {language!r}: supported languages are "
            f"{', '.join(codegen.LANGUAGES)}."
        )


def _build(content: str, language: str, schema: str) -> tuple[bytes, str]:
    """Runs in a worker thread: the CPU-bound part, from schema text to zip."""
    document = orjson.loads(content)
    bindings = codegen.generate(document, language, schema_name=schema)
    return codegen.to_zip(bindings), bindings.main_file


class CodeBindingService:
    def __init__(self, ctx: Context, schemas: SchemaService) -> None:
        self._store = ctx.store
        self._clock: Callable[[], float] = ctx.clock
        self._schemas = schemas
        self._bindings = Collection(ctx.store, KIND, CodeBinding)
        self._archives = Collection(ctx.store, SOURCE_KIND, _Archive)
        # Running generations; asyncio keeps only weak references to tasks.
        self._tasks: set[asyncio.Task[None]] = set()

    def warm_up(self) -> None:
        """Load the Python generator in the background, so no request pays its start."""
        self._spawn(self._warm_up())

    async def _warm_up(self) -> None:
        try:
            await asyncio.to_thread(codegen.warm_up)
        except Exception:
            # Only the first Python generation gets slower; nothing else depends on it.
            log.exception("warming up code generation failed")

    # -- the API's operations --------------------------------------------------------------

    async def put(
        self, registry: str, schema: str, version: str | None, language: str
    ) -> CodeBinding:
        """PutCodeBinding: the binding as it is, generation started if it needs one."""
        check_language(language)
        head, ref = await self._resolve(registry, schema, version)
        key = binding_key(registry, schema, str(ref.version), language)
        content: str | None = None
        for _ in range(_MAX_CLAIM_ATTEMPTS):
            raw = await self._store.get(KIND, key)
            current = None if raw is None else CodeBinding.model_validate_json(raw)
            now = self._clock()
            if current is not None and not self._needs_generation(current, ref.digest, now):
                return current
            if content is None:
                # Read before claiming: a version deleted meanwhile fails the request, not
                # the generation.
                content = await self._schemas.content(head, ref)
            claimed = CodeBinding(
                registry=registry,
                schema_name=schema,
                version=str(ref.version),
                language=language,
                digest=ref.digest,
                status=Status.IN_PROGRESS,
                attempt=uuid.uuid4().hex,
                created=current.created if current and current.digest == ref.digest else now,
                last_modified=now,
            )
            value = claimed.model_dump_json().encode()
            if raw is None:
                won = await self._store.create(KIND, key, value)
            else:
                won = await self._store.replace(KIND, key, raw, value)
            if won:
                if current is not None and current.status is Status.COMPLETE:
                    await self._archives.delete(f"{key}/{current.attempt}")
                self._spawn(self._generate(key, claimed, content))
                return claimed
        # Only reached when other writers keep changing the binding; theirs is as good.
        return await self.describe(registry, schema, version, language)

    async def describe(
        self, registry: str, schema: str, version: str | None, language: str
    ) -> CodeBinding:
        """DescribeCodeBinding: the binding's status (a dead generation as failed)."""
        binding = await self._current(registry, schema, version, language)
        if binding.status is Status.IN_PROGRESS and self._stale(binding, self._clock()):
            return binding.model_copy(
                update={
                    "status": Status.FAILED,
                    "failure": "The generation was interrupted; call PutCodeBinding again.",
                }
            )
        return binding

    async def source(
        self, registry: str, schema: str, version: str | None, language: str
    ) -> Source:
        """GetCodeBindingSource: the zip of a complete binding."""
        binding = await self.describe(registry, schema, version, language)
        where = f"{language} code binding of schema {schema} version {binding.version}"
        if binding.status is Status.FAILED:
            raise BadRequestError(f"The {where} could not be generated: {binding.failure}")
        archive = None
        if binding.status is Status.COMPLETE:
            key = binding_key(registry, schema, binding.version, language)
            # None when generated again since the status was read: as good as in progress.
            archive = await self._archives.get(f"{key}/{binding.attempt}")
        if archive is None or binding.main_file is None:
            raise NotFoundError(
                f"The {where} is still being generated; wait until DescribeCodeBinding "
                "reports CREATE_COMPLETE."
            )
        return Source(archive=archive.data, main_file=binding.main_file, version=binding.version)

    # -- generation --------------------------------------------------------------------------

    async def _generate(self, key: str, claimed: CodeBinding, content: str) -> None:
        archive_key = f"{key}/{claimed.attempt}"
        main_file: str | None = None
        failure: str | None = None
        try:
            data, main_file = await asyncio.to_thread(
                _build, content, claimed.language, claimed.schema_name
            )
            await self._archives.put(archive_key, _Archive(data=data))
        except codegen.CodegenError as error:
            failure = error.message
        except Exception:
            log.exception("generating the %s code binding %s failed", claimed.language, key)
            failure = "An internal error occurred; call PutCodeBinding again."

        def finish(current: CodeBinding) -> CodeBinding:
            if current.attempt != claimed.attempt:
                return current  # another attempt owns the binding now; its result stands
            return current.model_copy(
                update={
                    "status": Status.FAILED if failure else Status.COMPLETE,
                    "failure": failure,
                    "main_file": None if failure else main_file,
                    "last_modified": self._clock(),
                }
            )

        try:
            finished = await self._bindings.update(key, finish)
            if finished is None or finished.attempt != claimed.attempt or failure:
                await self._archives.delete(archive_key)
        except Exception:
            # The store failed (or is closing): the binding stays in progress until it is
            # stale, when PutCodeBinding starts it again.
            log.exception("recording the %s code binding %s failed", claimed.language, key)

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- helpers -----------------------------------------------------------------------------

    async def _resolve(
        self, registry: str, schema: str, version: str | None
    ) -> tuple[SchemaRecord, VersionRef]:
        head = await self._schemas.get_schema(registry, schema)
        if version is None:
            return head, head.latest
        number = parse_version(version)
        ref = head.find(number)
        if ref is None:
            raise NotFoundError(
                f"Version {number} of schema {schema} does not exist in registry {registry}."
            )
        return head, ref

    async def _current(
        self, registry: str, schema: str, version: str | None, language: str
    ) -> CodeBinding:
        check_language(language)
        _, ref = await self._resolve(registry, schema, version)
        key = binding_key(registry, schema, str(ref.version), language)
        binding = await self._bindings.get(key)
        if binding is None or binding.digest != ref.digest:
            raise NotFoundError(
                f"There is no {language} code binding of schema {schema} version "
                f"{ref.version} in registry {registry}; create it with PutCodeBinding."
            )
        return binding

    @staticmethod
    def _stale(binding: CodeBinding, now: float) -> bool:
        return now - binding.last_modified > STALE_SECONDS

    def _needs_generation(self, binding: CodeBinding, digest: str, now: float) -> bool:
        if binding.digest != digest or binding.status is Status.FAILED:
            return True
        return binding.status is Status.IN_PROGRESS and self._stale(binding, now)
