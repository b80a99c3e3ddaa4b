"""What can go wrong on a portal page, as exceptions of the project's one hierarchy."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.errors import UstdError


class FlowError(UstdError):
    """A page could not be filled or did not behave as the portal normally does."""

    exit_code = 3


class FieldNotFound(FlowError):
    """Neither the real field id nor its label is on the page: the portal may have changed."""

    def __init__(self, field_id: str, url: str) -> None:
        super().__init__(
            f"The field {field_id!r} is not on {url}.",
            hint="The portal's page may have changed; run against the mock portal to compare.",
        )
        self.field_id = field_id


class InvisibleField(FlowError):
    """A field a person cannot see; filling it would mark the client as a bot."""

    def __init__(self, field_id: str) -> None:
        super().__init__(f"The field {field_id!r} is not visible to a person, so it is left alone.")
        self.field_id = field_id


@dataclass(frozen=True)
class PortalMessage:
    """One error the portal showed, with the field it points at when it names one."""

    text: str
    field_id: str | None = None


class PortalRejected(FlowError):
    """The portal refused what was submitted; its own words, mapped to profile fields."""

    def __init__(self, page_name: str, messages: list[PortalMessage], profile_fields: dict[str, str]) -> None:
        self.page_name = page_name
        self.messages = messages
        self.profile_fields = profile_fields
        lines = []
        for message in messages:
            where = profile_fields.get(message.field_id or "", message.field_id or "")
            lines.append(f"  - {message.text}" + (f"  (profile field: {where})" if where else ""))
        super().__init__(f"The portal rejected the {page_name} page:\n" + "\n".join(lines))


class UnexpectedPage(FlowError):
    """The portal showed a page the runner does not know."""
