"""The screens of New GFMIS Thai as the sandbox shows them, one package per concern: each has a
``model`` (traitlets state and the rules it shows), a ``view`` (ipywidgets, acting only through
the ``Desk``) and a ``driver`` (plays scenario steps by filling widgets and clicking buttons).
``registry`` lists them for the menu, the notebooks and the guided panel."""
