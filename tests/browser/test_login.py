import pytest

from tests.helpers import login, screenshot

pytestmark = [pytest.mark.browser]


def test_a_demo_user_logs_in_and_sees_their_home_page(page, demo):
    login(page, "procesmanager")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Goedemorgen")
    assert page.get_by_text("Het volgende MDO").is_visible()
    assert "Procesmanager" in page.locator(".bzt-user").inner_text()
    screenshot(page, "home-procesmanager")


def test_a_wrong_password_shows_a_dutch_error(page, demo):
    page.goto("/inloggen/")
    page.get_by_label("Gebruikersnaam").fill("meldpunt")
    page.get_by_label("Wachtwoord").fill("fout")
    page.get_by_role("button", name="Inloggen").click()
    assert "juiste gebruikersnaam" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Gebruikersnaam").input_value() == "meldpunt"
