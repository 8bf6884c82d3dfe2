"""A finding: one place in a file, what Keras 3 does to it, and the fix."""

from __future__ import annotations

from dataclasses import dataclass, field

from keras_ref.migrate.knowledge import SERIOUS

REWRITE = "rewrite"  # the command rewrites it (with --write)
FLAG = "flag"  # no exact equivalent on this route: fix by hand
NOTE = "note"  # nothing to change; worth knowing


@dataclass(frozen=True)
class Effect:
    """What Keras 3 does: `kind` is one of the `knowledge` kinds (error, ignored, numbers, ...)."""

    kind: str
    text: str


@dataclass
class Finding:
    """One legacy usage at `line`:`column` (1-based) of a file."""

    line: int
    column: int
    subject: str
    effects: list[Effect] = field(default_factory=list)
    fix: str = ""
    status: str = REWRITE

    @property
    def needs_attention(self) -> bool:
        """A pending rewrite, or a flag with an effect that is more than a note."""
        if self.status == REWRITE:
            return True
        return self.status == FLAG and any(e.kind in SERIOUS for e in self.effects)

    def format(self, path: str, written: bool = False) -> str:
        """``path:line:col: subject`` then one line per effect and the fix."""
        lines = [f"{path}:{self.line}:{self.column}: {self.subject}"]
        width = max([len(e.kind) for e in self.effects] + [4])
        lines += [f"    {e.kind:<{width}}  {e.text}" for e in self.effects]
        label = {REWRITE: "fix", FLAG: "todo", NOTE: "keep"}[self.status]
        suffix = {
            REWRITE: " (rewritten)" if written else " (--write applies it)",
            FLAG: "",
            NOTE: "",
        }
        if self.fix:
            lines.append(f"    {label:<{width}}  {self.fix}{suffix[self.status]}")
        return "\n".join(lines)


def one_line(code: str, limit: int = 96) -> str:
    """`code` on one line (comments dropped), shortened to `limit` characters."""
    lines = [line.split("  #")[0].strip() for line in code.strip().splitlines()]
    text = " ".join(line for line in lines if line)
    text = text.replace(", )", ")").replace("( ", "(").replace(" )", ")")
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def subject_of(code: str, limit: int = 72) -> str:
    """The first line of `code`, shortened to `limit` characters."""
    first = code.strip().splitlines()[0] if code.strip() else code
    if len(first) > limit or "\n" in code.strip():
        return first[: limit - 3].rstrip() + "..."
    return first
