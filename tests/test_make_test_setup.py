"""`make test` sets up its own Chromium, or says in one sentence how to get one."""

import pytest

from tests import check_chromium


def test_a_machine_without_chromium_is_told_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setattr(check_chromium, "CHROMIUM", str(tmp_path / "chromium"))
    monkeypatch.setattr(check_chromium, "can_install", lambda: False)
    with pytest.raises(SystemExit) as stopped:
        check_chromium.main()
    assert str(stopped.value) == (
        f"Chromium is missing at {tmp_path / 'chromium'}: install Debian's package as root "
        "(`apt-get install chromium`) or set CHROMIUM_PATH to a Chromium, then run `make test` again."
    )


def test_a_machine_with_chromium_goes_on_without_installing_anything(monkeypatch, tmp_path):
    present = tmp_path / "chromium"
    present.write_text("")
    monkeypatch.setattr(check_chromium, "CHROMIUM", str(present))
    monkeypatch.setattr(check_chromium.subprocess, "run", lambda *args, **kwargs: pytest.fail("installed"))
    assert check_chromium.main() is None
