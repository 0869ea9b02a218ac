"""Why a paper cannot be drafted."""

from __future__ import annotations


class PaperProblem(ValueError):
    """The paper cannot be drafted (an unknown document, a document not Confirmed…): the
    message is a catalogue key and its fields."""

    def __init__(self, key: str, **fields):
        super().__init__(key)
        self.key = key
        self.fields = fields

    def text(self, lang: str = "th") -> str:
        from ..i18n import label

        return label(self.key, lang).format(**self.fields)
