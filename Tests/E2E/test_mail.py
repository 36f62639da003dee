"""E-mail as a person meets it on a phone with JavaScript off, against a forum that sends its mail
to a real SMTP server on 127.0.0.1 (aiosmtpd): a member gives an address and confirms it from the
mail, forgets the password, and sets a new one from the reset mail's link. Then the mail pages on
the phone and under axe, as every other page type is checked in test_pages.py."""
import pytest
from selenium.webdriver.common.by import By

from conftest import serve
from forum import PASSWORD, click_link, enter_password, fill, logout, main_text, nav_text, open_page, register, submit, unique
from test_pages import fits_a_phone, passes_axe

NEW_PASSWORD = "otra-clave-larga-2"


@pytest.fixture(scope="module")
def forum(mail_sink):
    """This module's server sends its mail to the module's SMTP sink."""
    yield from serve(mail_sink.env)


def confirm_address(driver, mail_sink, name):
    """From the settings page: types an address, then opens the link the mail brought."""
    address = f"{name}@example.org"
    open_page(driver, "/settings")
    click_link(driver, "Correo electrónico")
    fill(driver, "email", address)
    submit(driver)
    assert "Le enviamos un enlace a la nueva dirección" in main_text(driver)
    driver.get(mail_sink.wait_for(address, "/email/confirm/"))
    assert "Su dirección de correo quedó confirmada." in main_text(driver)
    return address


def ask_for_reset(driver, login_text):
    open_page(driver, "/")
    click_link(driver, "Iniciar sesión", within=driver.find_element(By.CSS_SELECTOR, "header.site nav"))
    click_link(driver, "¿Olvidó su contraseña?")
    fill(driver, "login", login_text)
    submit(driver)
    assert "Si ese nombre o esa dirección corresponden a una cuenta" in main_text(driver)


def test_a_member_sets_a_new_password_from_the_reset_mail(browser, mail_sink):
    name = unique("olvido")
    register(browser, name)
    address = confirm_address(browser, mail_sink, name)
    logout(browser)

    ask_for_reset(browser, name)
    browser.get(mail_sink.wait_for(address, "/password/reset/"))
    fill(browser, "password", NEW_PASSWORD)
    fill(browser, "password_confirmation", NEW_PASSWORD)
    submit(browser)
    assert "Su contraseña nueva quedó guardada" in main_text(browser)

    # The old password no longer opens the account; the new one does.
    enter_password(browser, name, PASSWORD)
    assert name not in nav_text(browser)
    enter_password(browser, name, NEW_PASSWORD)
    assert name in nav_text(browser)


def email_settings(driver, mail_sink):
    register(driver, unique("ajustes_correo"))
    open_page(driver, "/settings")
    click_link(driver, "Correo electrónico")
    assert driver.find_element(By.CSS_SELECTOR, "input[name=mail_notifications][value=each]").is_selected()


def password_forgot(driver, mail_sink):
    open_page(driver, "/login")
    click_link(driver, "¿Olvidó su contraseña?")


def password_reset(driver, mail_sink):
    name = unique("restablece")
    register(driver, name)
    address = confirm_address(driver, mail_sink, name)
    logout(driver)
    ask_for_reset(driver, address)
    driver.get(mail_sink.wait_for(address, "/password/reset/"))
    assert driver.find_element(By.ID, "password_confirmation")


def unsubscribe(driver, mail_sink):
    """The page a mail's unsubscribe link opens: one button."""
    name = unique("baja")
    register(driver, name)
    address = confirm_address(driver, mail_sink, name)
    driver.get(mail_sink.wait_for(address, "/unsubscribe/"))
    assert driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]")


MAIL_PAGES = {
    "email-settings": email_settings,
    "password-forgot": password_forgot,
    "password-reset": password_reset,
    "unsubscribe": unsubscribe,
}


@pytest.mark.parametrize("name", MAIL_PAGES)
def test_mail_page_fits_a_phone_without_script(browser, mail_sink, name):
    MAIL_PAGES[name](browser, mail_sink)
    fits_a_phone(browser, name)


@pytest.mark.parametrize("name", MAIL_PAGES)
def test_mail_page_passes_axe(auditor, mail_sink, name):
    MAIL_PAGES[name](auditor, mail_sink)
    passes_axe(auditor, name)
