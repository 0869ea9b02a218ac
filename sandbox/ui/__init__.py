"""The trainee's screens (ipywidgets). They talk to the engine only through Sandbox.execute and
its read side; they never touch the database."""
