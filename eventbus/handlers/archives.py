"""Archives: CreateArchive, DescribeArchive, UpdateArchive, ListArchives, DeleteArchive."""

from __future__ import annotations

from eventbus.archives import Archive, ArchiveStats
from eventbus.handlers.wire import Wire, compact
from eventbus.protocol.awsjson import Handler
from eventbus.services import Services


def archive_wire(archive: Archive, stats: ArchiveStats) -> Wire:
    """The members ListArchives returns; DescribeArchive adds a few."""
    return compact(
        ArchiveName=archive.name,
        EventSourceArn=archive.event_source_arn,
        State=archive.state,
        StateReason=archive.state_reason,
        RetentionDays=archive.retention_days,
        SizeBytes=stats.size_bytes,
        EventCount=stats.events,
        CreationTime=archive.created,
    )


def handlers(s: Services) -> dict[str, Handler]:
    async def create_archive(req: Wire) -> Wire:
        archive = await s.archives.create(
            req["ArchiveName"],
            req["EventSourceArn"],
            description=req.get("Description"),
            event_pattern=req.get("EventPattern"),
            retention_days=req.get("RetentionDays"),
            kms_key_identifier=req.get("KmsKeyIdentifier"),
        )
        return compact(
            ArchiveArn=archive.arn,
            State=archive.state,
            StateReason=archive.state_reason,
            CreationTime=archive.created,
        )

    async def describe_archive(req: Wire) -> Wire:
        archive = await s.archives.get(req["ArchiveName"])
        return {
            **archive_wire(archive, await s.archives.stats(archive)),
            **compact(
                ArchiveArn=archive.arn,
                Description=archive.description,
                EventPattern=archive.event_pattern,
                KmsKeyIdentifier=archive.kms_key_identifier,
            ),
        }

    async def update_archive(req: Wire) -> Wire:
        archive = await s.archives.update(
            req["ArchiveName"],
            description=req.get("Description"),
            event_pattern=req.get("EventPattern"),
            retention_days=req.get("RetentionDays"),
            kms_key_identifier=req.get("KmsKeyIdentifier"),
        )
        return compact(
            ArchiveArn=archive.arn,
            State=archive.state,
            StateReason=archive.state_reason,
            CreationTime=archive.created,
        )

    async def list_archives(req: Wire) -> Wire:
        page = await s.archives.page(
            req.get("NamePrefix"),
            req.get("EventSourceArn"),
            req.get("State"),
            req.get("NextToken"),
            req.get("Limit"),
        )
        archives = [archive_wire(a, await s.archives.stats(a)) for a in page.items]
        return compact(Archives=archives, NextToken=page.next_token)

    async def delete_archive(req: Wire) -> None:
        await s.archives.delete(req["ArchiveName"])

    return {
        "CreateArchive": create_archive,
        "DescribeArchive": describe_archive,
        "UpdateArchive": update_archive,
        "ListArchives": list_archives,
        "DeleteArchive": delete_archive,
    }
