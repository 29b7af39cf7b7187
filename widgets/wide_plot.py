"""WidePlot: a textual-plotext chart whose labels may be Chinese (wide characters)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual_plotext import PlotextPlot


class WidePlot(PlotextPlot):
    """A PlotextPlot whose labels may be Chinese.

    plotext < 6 measures labels in characters, not terminal cells, so a wide character
    shifts the frame (piccolomo/plotext#158, fixed in plotext 6, which textual-plotext 1.0.1
    does not accept yet). Labels go to plotext as ASCII stand-ins of the same width, and
    the stand-ins are swapped back in the built chart.
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.stand_ins: dict[str, str] = {}

    def safe(self, text: str) -> str:
        """`text` as plotext should see it (a stand-in when it has wide characters)."""
        if cell_len(text) == len(text):
            return text
        width = max(cell_len(text), 4)
        key = f"~{len(self.stand_ins):02d}".ljust(width, "~")
        self.stand_ins[key] = text + " " * (width - cell_len(text))
        return key

    def render(self):
        self._plot.plotsize(self.size.width, self.size.height)
        self._plot._set_size(self.size.width, self.size.height)  # as PlotextPlot.render does
        self._plot.theme(self._get_plotext_theme_name(self.app.theme))
        built = self._plot.build()
        for key, text in self.stand_ins.items():
            built = built.replace(key, text)
        return Text.from_ansi(built)
