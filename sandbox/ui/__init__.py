"""The trainee's screens (ipywidgets). ``app`` builds the page; each screen under ``screens/``
works at a ``Desk`` (the engine's commands through ``Sandbox.execute`` and its read side) and
never touches the database or the app itself."""
