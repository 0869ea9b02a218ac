"""Second trial (brief S6-trial): texts a trainee saw on the screens."""
import pytest

from sandbox.domain.reserve import check_contracts
from sandbox.errors import Refusal, message
from sandbox.i18n import text


def test_missing_contract_names_the_tab_as_the_screen_labels_it_in_each_language():
    with pytest.raises(Refusal) as caught:
        check_contracts("CX", "CX05", "government", [])
    for lang in ("th", "en"):
        assert f"«{text('labels', 'tab_contract', lang)}»" in message(caught.value, lang)
    assert "ข้อมูลสัญญา" not in message(caught.value, "en")
