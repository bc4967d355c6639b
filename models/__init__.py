"""Which model fills which role, where its weights come from, and the
builders for the tiny random-weight test models.

Importing this package never imports torch: the tiny builders import it
lazily, only on the server side.
"""

from models.registry import ModelSpec, Profile, Role, resolve, spec_for

__all__ = ["ModelSpec", "Profile", "Role", "resolve", "spec_for"]
