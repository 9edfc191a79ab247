"""Resource-based policies of registries: stored and returned, never enforced.

Every write gives the policy a new RevisionId; a PutResourcePolicy that names a RevisionId
replaces the policy only if it is still that revision (PreconditionFailed otherwise), so
two clients editing one policy cannot silently overwrite each other.
"""

from __future__ import annotations

import uuid

from eventbus.context import Context
from eventbus.documents import Collection
from registry.content import parse_document
from registry.errors import BadRequestError, NotFoundError, PreconditionFailedError
from registry.models import POLICY_KIND, PolicyRecord
from registry.registries import RegistryService, ensure_writable


def _registry(name: str | None) -> str:
    if not name:
        raise BadRequestError("RegistryName is required: a policy belongs to one registry.")
    return name


class PolicyService:
    def __init__(self, ctx: Context, registries: RegistryService) -> None:
        self._registries = registries
        self._policies = Collection(ctx.store, POLICY_KIND, PolicyRecord)

    async def put(self, registry: str | None, policy: str, revision_id: str | None) -> PolicyRecord:
        name = _registry(registry)
        ensure_writable(name)
        parse_document(policy, "Policy")
        await self._registries.require(name)
        record = PolicyRecord(registry=name, policy=policy, revision_id=uuid.uuid4().hex)
        if revision_id is None:
            await self._policies.put(name, record)
            return record

        def change(current: PolicyRecord) -> PolicyRecord:
            if current.revision_id != revision_id:
                raise PreconditionFailedError(
                    f"The policy of registry {name} is at revision {current.revision_id}, "
                    f"not {revision_id}: read it again before changing it."
                )
            return record

        if await self._policies.update(name, change) is None:
            raise PreconditionFailedError(
                f"Registry {name} has no policy at revision {revision_id}; omit RevisionId "
                "to create one."
            )
        return record

    async def get(self, registry: str | None) -> PolicyRecord:
        name = _registry(registry)
        await self._registries.require(name)
        record = await self._policies.get(name)
        if record is None:
            raise NotFoundError(f"Registry {name} has no resource policy.")
        return record

    async def delete(self, registry: str | None) -> None:
        name = _registry(registry)
        ensure_writable(name)
        await self._registries.require(name)
        if not await self._policies.delete(name):
            raise NotFoundError(f"Registry {name} has no resource policy.")

    async def forget(self, registry: str) -> None:
        """Drop the policy of a deleted registry."""
        await self._policies.delete(registry)
