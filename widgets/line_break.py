"""Chinese line breaking for wrapped text (Rich and Textual have none): a line never starts
with closing punctuation (，。！？；：、）》」』 …) nor ends with opening punctuation (（《「『 …);
Chinese text breaks between any two characters, English between words. Toasts use it
(`install_toasts`); any widget may render a `LineBroken` visual."""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

#: Never at the start of a line (closing punctuation, and marks that belong to what comes before).
NO_LINE_START = frozenset(
    "，。．、！？；：）》」』】〕〉〗〙〛〞”’…‥—～％‰·・々〃ー"
    ",.!?;:)]}%"
)
#: Never at the end of a line (opening punctuation belongs to what comes after).
NO_LINE_END = frozenset("（《「『【〔〈〖〘〚〝“‘([{")


def _may_break(text: str, i: int) -> bool:
    """Whether a line may end before text[i] (0 < i < len(text))."""
    before, after = text[i - 1], text[i]
    if after in NO_LINE_START or before in NO_LINE_END:
        return False
    if after.isspace():
        return False  # after the space instead
    if before.isspace():
        return True
    # Between two wide characters, or a wide and a narrow one; never inside an English word.
    return cell_len(before) > 1 or cell_len(after) > 1


def break_offsets(line: str, width: int) -> list[int]:
    """Where to break one line (no newline in it) so that every piece fits `width` cells
    (trailing spaces aside) and no piece starts with closing punctuation or ends with opening
    punctuation. A word longer than the width is folded, still keeping those rules."""
    width = max(width, 2)
    offsets: list[int] = []
    start, n = 0, len(line)
    while True:
        end, cells = start, 0
        while end < n and (line[end].isspace() or cells + cell_len(line[end]) <= width):
            cells += cell_len(line[end])
            end += 1
        if end >= n:
            return offsets
        cut = next((b for b in range(end, start, -1) if _may_break(line, b)), None)
        if cut is None:  # one long word: fold it, keeping closing punctuation with what it closes
            cut = max(end, start + 1)
            while cut - 1 > start and (line[cut] in NO_LINE_START or line[cut - 1] in NO_LINE_END):
                cut -= 1
        while cut < n and line[cut].isspace():  # the next line starts at its first word
            cut += 1
        if cut >= n:
            return offsets
        offsets.append(cut)
        start = cut


def broken(content: Content, width: int) -> Content:
    """`content` with its lines broken to fit `width` cells by the rules above."""
    lines: list[Content] = []
    for line in content.split("\n", allow_blank=True):
        pieces = line.divide(break_offsets(line.plain, width)) if line.plain else [line]
        lines.extend(piece.rstrip() for piece in pieces)
    return Content("\n").join(lines)


class LineBroken(Visual):
    """A Content visual wrapped by Chinese line-breaking rules."""

    def __init__(self, content: Content) -> None:
        self.content = content
        self._cache: tuple[int, Content] | None = None

    def _at(self, width: int, rules) -> Content:
        width -= rules.get("line_pad", 0) * 2
        if self._cache is None or self._cache[0] != width:
            self._cache = (width, broken(self.content, width))
        return self._cache[1]

    def render_strips(self, width: int, height: int | None, style: Style,
                      options: RenderOptions) -> list[Strip]:
        return self._at(width, options.rules).render_strips(width, height, style, options)

    def get_optimal_width(self, rules, container_width: int) -> int:
        return self.content.get_optimal_width(rules, container_width)

    def get_minimal_width(self, rules) -> int:
        return self.content.get_minimal_width(rules)

    def get_height(self, rules, width: int) -> int:
        return self._at(width, rules).get_height(rules, width)


def install_toasts() -> None:
    """Make Textual's toasts (app.notify) wrap by the rules above: its toast rack builds
    `Toast`s by that module's name, so that name becomes a subclass that renders a
    LineBroken visual (same CSS, same behaviour otherwise)."""
    from textual.widgets import _toast

    if getattr(_toast.Toast, "line_broken", False):
        return

    class LineBrokenToast(_toast.Toast):
        line_broken = True

        def render(self) -> LineBroken:  # type: ignore[override]
            return LineBroken(super().render())

    _toast.Toast = LineBrokenToast  # type: ignore[misc]


__all__ = ["NO_LINE_END", "NO_LINE_START", "LineBroken", "break_offsets", "broken", "install_toasts"]
