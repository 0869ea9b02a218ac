"""New GFMIS Thai training sandbox: the engine.

Enter through :class:`sandbox.engine.Sandbox`; scenario files through :mod:`sandbox.scenario`.
"""

__version__ = "0.1.0"
