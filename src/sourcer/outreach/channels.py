"""The channel table: where outreach messages go, and each channel's length limits.

This is data, like the board table. Sources and confidence as in the project's research notes
(S = an official page, C = consistent practitioner reports). Hard limits are errors unless
``--allow-long``; soft limits only warn.
"""

from typing import Literal, NamedTuple

Part = Literal["subject", "body"]
TIERS: tuple[str, ...] = ("free", "premium")


class ChannelLimit(NamedTuple):
    """A length limit on one part of a message, in characters."""

    part: Part
    value: int
    hard: bool
    confidence: Literal["S", "C", "U"]
    source: str
    #: the LinkedIn account tier it applies to; None for every tier
    tier: str | None = None

    def describe(self) -> str:
        tier = f" ({self.tier} accounts)" if self.tier else ""
        kind = "hard" if self.hard else "soft"
        return (
            f"{self.part} {self.value} characters{tier}, {kind} ({self.confidence}: {self.source})"
        )


class Channel(NamedTuple):
    """Where a message is sent."""

    slug: str
    name: str
    #: whether a message needs a subject (the template's subject block)
    subject: bool
    limits: tuple[ChannelLimit, ...] = ()
    notes: tuple[str, ...] = ()

    def limits_for(self, tier: str) -> list[ChannelLimit]:
        return [limit for limit in self.limits if limit.tier in (None, tier)]


_INMAIL_LIMITS = (
    ChannelLimit("subject", 200, hard=True, confidence="S", source="LinkedIn help a554514"),
    ChannelLimit(
        "body",
        1900,
        hard=True,
        confidence="C",
        source="commonly reported; LinkedIn's help says 2,000 (S), 1,900 leaves room",
    ),
)

CHANNELS: dict[str, Channel] = {
    channel.slug: channel
    for channel in (
        Channel(
            "linkedin-connection",
            "LinkedIn connection note",
            subject=False,
            limits=(
                ChannelLimit(
                    "body",
                    300,
                    hard=True,
                    confidence="C",
                    source="consistent third-party reports",
                    tier="premium",
                ),
                ChannelLimit(
                    "body",
                    200,
                    hard=True,
                    confidence="C",
                    source="consistent third-party reports",
                    tier="free",
                ),
            ),
            notes=("Premium and Sales Navigator accounts get 300 characters, free ones 200.",),
        ),
        Channel("linkedin-inmail", "LinkedIn InMail", subject=True, limits=_INMAIL_LIMITS),
        Channel(
            "linkedin-inmail-follow-up",
            "LinkedIn InMail follow-up",
            subject=True,
            limits=_INMAIL_LIMITS,
            notes=(
                "Recruiter sends a follow-up 3 to 28 days after the first InMail, 7 by default "
                "(S: LinkedIn help a1457303).",
            ),
        ),
        Channel(
            "email",
            "Email",
            subject=True,
            limits=(
                ChannelLimit(
                    "subject",
                    60,
                    hard=False,
                    confidence="C",
                    source="mail clients cut longer subjects",
                ),
            ),
        ),
    )
}

#: LinkedIn Recruiter signatures (sender.signature in config.yaml)
SIGNATURE_LIMIT = ChannelLimit(
    "body", 150, hard=True, confidence="S", source="LinkedIn help a412220"
)

#: How many connection requests a free (Basic) LinkedIn account may add a note to in a
#: month; Premium accounts have no such cap.
FREE_NOTES_PER_MONTH = 5
FREE_NOTES_SOURCE = (
    "S: LinkedIn Help, 'Invitation limit reached' (answer a550555): Basic members can add a "
    "personalized message to five connection requests per month"
)
