"""Keras private internals, in one place (see each section's branch)."""

from __future__ import annotations


# --- hooks for C-edges ---
def share_iterations(copy, original) -> None:
    """Make optimizer `copy` count its steps in `original`'s `iterations` variable.

    Keras 3 keeps the counter in the private `_iterations` attribute and lists it in the private
    `_variables`; the copy's own counter is replaced in both, in place.
    """
    own = copy._iterations
    shared = original._iterations
    variables = [shared if v is own else v for v in copy._variables]
    copy._iterations = shared  # the tracker appends `shared` to `_variables` ...
    copy._variables[:] = variables  # ... which is set back to one entry per variable here
