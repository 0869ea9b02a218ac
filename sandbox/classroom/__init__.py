"""Class mode: a trainer runs a class, each trainee in sandboxes of their own.

``Classroom`` (classroom.py) is the door the serving side and the command line use; the class
database is ``ClassStore`` (store.py); sandboxes are made from prepared worlds (sandboxes.py).
"""

from .classroom import Classroom
from .model import ClassError, ClassInfo, Identity, SandboxRef

__all__ = ["ClassError", "ClassInfo", "Classroom", "Identity", "SandboxRef"]
