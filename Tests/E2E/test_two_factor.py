"""Two-factor sign-in as staff meet it on a phone with JavaScript off, with the forum's default
rule (CABILDO_REQUIRE_2FA=staff): a moderator made by `cabildo admin create` signs in, is sent to
enrol before the queue opens, copies the key into an authenticator app (pyotp here), types its
code, keeps the recovery codes, and then moderates. Signing in again asks for the code."""
import pyotp
from selenium.webdriver.common.by import By

from forum import click_link, enrol_in_two_factor, enter_password, fill, login, logout, main_text, nav_text, submit

FORUM_ENV = {"CABILDO_REQUIRE_2FA": "staff"}


def test_a_moderator_enrols_by_typing_the_key_then_uses_the_queue(browser, forum):
    moderator = forum.create_account("moderator", prefix="mod2fa")
    login(browser, moderator)
    assert "Su rol en el foro necesita la verificación en dos pasos" in main_text(browser)

    # The queue's link is there, and leads to enrolment first.
    click_link(browser, "Moderación", within=browser.find_element(By.CSS_SELECTOR, "header.site nav"))
    assert browser.current_url.endswith("/settings/2fa")
    assert browser.find_element(By.CSS_SELECTOR, "svg.qr path").get_attribute("d").startswith("M4 4h7")
    assert browser.find_element(By.PARTIAL_LINK_TEXT, "app de autenticación").get_attribute("href").startswith("otpauth://totp/")

    app, codes = enrol_in_two_factor(browser)
    assert "necesita la verificación" not in main_text(browser)
    click_link(browser, "Moderación", within=browser.find_element(By.CSS_SELECTOR, "header.site nav"))
    assert browser.current_url.endswith("/mod")
    assert browser.find_element(By.TAG_NAME, "h1").text

    # Signing in again: the password, then a recovery code (the app's current code was spent
    # on enrolment), which leaves nine.
    logout(browser)
    enter_password(browser, moderator)
    assert browser.current_url.split("?")[0].endswith("/login/2fa")
    assert moderator not in nav_text(browser), "half signed in is not signed in"
    fill(browser, "code", codes[0])
    submit(browser)
    assert moderator in nav_text(browser)
    assert "Le quedan 9 códigos de recuperación." in main_text(browser)
    assert isinstance(app, pyotp.TOTP)


def test_a_wrong_code_is_refused_and_says_so(browser, forum):
    forum_member = forum.create_account("member", prefix="miembro2fa")
    login(browser, forum_member)
    enrol_in_two_factor(browser)
    logout(browser)
    enter_password(browser, forum_member)
    fill(browser, "code", "000000")
    submit(browser)
    assert "El código no es correcto" in main_text(browser)
    assert forum_member not in nav_text(browser)
