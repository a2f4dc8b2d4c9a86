"""The customer's mood as a meter: a bar of ten cells, the mood out of ten and its band word.

The learner should see at a glance how the customer feels and notice at once when a reply
moved them, so the meter shows the last change beside the band word (▲ +2, ▼ −1) and takes
its colours from the theme: red for furious and angry, amber for unhappy, green for calm and
satisfied.
"""

from __future__ import annotations

from typing import ClassVar

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from roleplay.core.scenario import MOOD_MAX, MOOD_MIN, Band, band_of, clamp_mood

BAND_STYLES: dict[Band, str] = {
    Band.FURIOUS: "$error",
    Band.ANGRY: "$error",
    Band.UNHAPPY: "$warning",
    Band.CALM: "$success",
    Band.SATISFIED: "$success",
}
"""The theme colour of each band's bar and word."""


class MoodMeter(Widget):
    """How the customer feels now, on the 0–10 scale, and how far the last reply moved it."""

    DEFAULT_CSS: ClassVar[str] = """
    MoodMeter {
        height: auto;
        padding: 0 1;
    }
    """

    mood: reactive[int] = reactive(MOOD_MIN, always_update=True)
    """The customer's mood, 0 (furious) to 10 (satisfied). Setting the same mood again
    clears the change shown, as a reply that left the customer unmoved should."""

    def __init__(
        self,
        mood: int,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """Start the meter at ``mood`` with no change shown."""
        super().__init__(name=name, id=id, classes=classes)
        self.change = 0
        """How far the last change of mood went: positive is better."""
        self.set_reactive(MoodMeter.mood, clamp_mood(mood))
        self._show_band(band_of(self.mood))

    def validate_mood(self, mood: int) -> int:
        """Keep the mood on the scale, whatever the caller passes."""
        return clamp_mood(mood)

    def watch_mood(self, old: int, new: int) -> None:
        """Remember how far the mood moved, and colour the meter by its new band."""
        self.change = new - old
        self._show_band(band_of(new))

    def _show_band(self, band: Band) -> None:
        for each in Band:
            self.set_class(each is band, f"-{each.value}")

    @property
    def band(self) -> Band:
        """The band word of the mood now."""
        return band_of(self.mood)

    def render(self) -> Content:
        """Draw the bar, the mood out of ten, the band word and the last change."""
        band = self.band
        style = BAND_STYLES[band]
        filled = "█" * self.mood
        empty = "░" * (MOOD_MAX - self.mood)
        parts: list[str | tuple[str, str]] = [
            (filled, style),
            (empty, "$text-muted"),
            f" {self.mood}/{MOOD_MAX} ",
            (band.value, f"bold {style}"),
        ]
        if self.change > 0:
            parts.append((f"  ▲ +{self.change}", "$success"))
        elif self.change < 0:
            parts.append((f"  ▼ −{-self.change}", "$error"))
        return Content.assemble(*parts)


__all__ = ["BAND_STYLES", "MoodMeter"]
