"""Rate limits as people meet them on a phone with JavaScript off, on a server of this module's
own with the limits on and small (`RATE_LIMITS_ON`): a refusal is a 429 page in the visitor's
language, and a refused reply or thread comes back as its form with the text kept.

Every request here comes from 127.0.0.1, so the per-address buckets are shared by all the
tests of the module: only the sign-in test signs in (everyone else registers), and it is the
only one that spends sign-in attempts."""
import re

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from conftest import RATE_LIMITS_ON
from forum import (PASSWORD, HTTPMember, click_link, fill, heading, main_text, nav_text, open_page, register, submit,
                   unique)

FORUM_ENV = RATE_LIMITS_ON
BOARD = "banda-ancha"


def csrf_token(session, url):
    return re.search(r'name="csrf_token" value="([^"]+)"', session.get(url).text).group(1)


def assert_rate_limit_headers(response, count, window):
    """The refusal's headers for a COUNT/SECONDS bucket that is empty."""
    headers = response.headers
    assert response.status_code == 429, (response.status_code, response.text[:300])
    retry_after = int(headers["Retry-After"])
    assert 0 < retry_after <= window, retry_after
    assert headers["RateLimit-Limit"] == str(count)
    assert headers["RateLimit-Remaining"] == "0"
    assert 0 < int(headers["RateLimit-Reset"]) <= window, headers["RateLimit-Reset"]
    assert headers["RateLimit-Policy"] == f"{count};w={window}"


def test_a_fourth_sign_in_attempt_is_refused_with_a_429(browser, forum):
    member = HTTPMember(forum.base)  # registered over HTTP: registering spends no sign-in attempt
    open_page(browser, "/")
    click_link(browser, "Iniciar sesión", within=browser.find_element(By.CSS_SELECTOR, "header.site nav"))
    for attempt in range(1, 4):
        fill(browser, "username", member.username)
        fill(browser, "password", f"no-es-la-clave-{attempt}")
        submit(browser)
        assert heading(browser) == "Iniciar sesión", f"attempt {attempt}"
        assert "Nombre de usuario o contraseña incorrectos." in main_text(browser), f"attempt {attempt}"

    # The fourth is refused before the password is even looked at: the right one does not get in.
    fill(browser, "username", member.username)
    fill(browser, "password", PASSWORD)
    submit(browser)
    assert heading(browser) == "Algo salió mal (429)"
    message = main_text(browser)
    assert "Demasiados intentos de inicio de sesión. Espere" in message, message
    assert "y vuelva a intentarlo." in message
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "es"
    assert member.username not in nav_text(browser) and "Iniciar sesión" in nav_text(browser)
    click_link(browser, "Volver al inicio")
    assert browser.current_url == forum.base + "/", "the page offers a way on"

    # The same address over HTTP: the status and headers Selenium cannot show, in either language.
    session = requests.Session()
    for language, text in [("es-GT,es", "Demasiados intentos de inicio de sesión"), ("en", "Too many sign-in attempts")]:
        session.headers["Accept-Language"] = language
        token = csrf_token(session, forum.base + "/login")
        response = session.post(forum.base + "/login", allow_redirects=False,
                                data={"csrf_token": token, "username": member.username, "password": PASSWORD})
        assert_rate_limit_headers(response, 3, 600)
        assert text in response.text, (language, response.text[:500])
        assert "text/html" in response.headers["Content-Type"]
    assert "cabildo_session" not in session.cookies, "no session is started"


def test_a_second_reply_right_away_comes_back_with_the_text_kept(browser, forum):
    starter = HTTPMember(forum.base)
    thread = starter.open_thread(BOARD, "Señal móvil en Alta Verapaz", "¿Qué aldeas siguen sin señal de celular?")
    first = "En Chisec hay aldeas enteras sin cobertura."
    second = "Y en Raxruhá la señal se pierde cada vez que llueve."

    register(browser, unique("rapida"))  # a new account: one reply every 10 minutes here
    open_page(browser, f"/t/{thread}")
    fill(browser, "body", first)
    submit(browser, "form.reply")
    assert first in main_text(browser), "the first reply is published"

    # Right away, with the form at the bottom of the same page.
    fill(browser, "body", second)
    submit(browser, "form.reply")
    assert heading(browser) == "Responder"
    assert browser.find_element(By.CSS_SELECTOR, "main p.error[role=alert]").text == "Revise los campos marcados."
    error = browser.find_element(By.ID, "body-error").text
    assert error.startswith("Está respondiendo muy seguido. Espere"), error
    assert error.endswith("y vuelva a enviar: su texto sigue aquí."), error
    body = browser.find_element(By.ID, "body")
    assert body.get_attribute("value") == second, "the text is kept"
    assert body.get_attribute("aria-invalid") == "true"
    assert body.get_attribute("aria-describedby") == "body-error"
    click_link(browser, "Señal móvil en Alta Verapaz", within=browser.find_element(By.CSS_SELECTOR, "main .crumbs"))
    assert first in main_text(browser)
    assert second not in browser.page_source, "the refused reply was not published"

    # The same over HTTP, for the status and headers.
    member = HTTPMember(forum.base)
    member.reply(thread, "Una primera respuesta que sí se publica.")
    refused = member._post(f"/t/{thread}", f"/t/{thread}/reply", expect=429, body="Otra respuesta, demasiado pronto.")
    assert_rate_limit_headers(refused, 1, 600)
    assert "Otra respuesta, demasiado pronto.</textarea>" in refused.text


def test_a_second_thread_right_away_comes_back_with_the_form_filled(browser, forum):
    register(browser, unique("apurada"))
    open_page(browser, f"/b/{BOARD}")
    click_link(browser, "Abrir un hilo")
    fill(browser, "title", "Internet en las escuelas de Sololá")
    fill(browser, "body", "¿Cuántas escuelas tienen conexión?")
    submit(browser)
    assert heading(browser) == "Internet en las escuelas de Sololá"

    open_page(browser, f"/b/{BOARD}")
    click_link(browser, "Abrir un hilo")
    fill(browser, "title", "Tarifas sociales de Internet")
    fill(browser, "body", "Propongo una tarifa social para hogares de bajos ingresos.")
    browser.find_element(By.NAME, "proposal").click()
    submit(browser)
    assert heading(browser) == "Abrir un hilo"
    error = browser.find_element(By.ID, "body-error").text
    assert error.startswith("Está abriendo hilos muy seguido. Espere"), error
    assert browser.find_element(By.ID, "title").get_attribute("value") == "Tarifas sociales de Internet"
    assert browser.find_element(By.ID, "body").get_attribute("value") == \
        "Propongo una tarifa social para hogares de bajos ingresos."
    assert browser.find_element(By.NAME, "proposal").is_selected(), "the proposal box stays ticked"
    open_page(browser, f"/b/{BOARD}")
    assert "Tarifas sociales de Internet" not in main_text(browser)


def test_the_registration_honeypot_is_in_the_page_but_not_for_people(browser, forum):
    open_page(browser, "/register")
    trap = browser.find_element(By.ID, "website")
    assert trap.get_attribute("name") == "website"
    assert trap.find_element(By.XPATH, "..").get_attribute("aria-hidden") == "true", "screen readers skip it"
    assert not trap.is_displayed(), "not visible on the phone"
    box = trap.rect
    assert box["x"] + box["width"] <= 0, f"left of the screen: {box}"
    assert not browser.find_element(By.XPATH, "//label[@for='website']").is_displayed()
    assert trap.get_attribute("tabindex") == "-1"

    # Tabbing from the first field goes through the form to the button, never into the trap.
    browser.find_element(By.ID, "username").click()
    stops = []
    for _ in range(6):
        browser.switch_to.active_element.send_keys(Keys.TAB)
        active = browser.switch_to.active_element
        stops.append(active.get_attribute("id") or f"{active.tag_name}:{active.text}")
        if active.tag_name == "button":
            break
    assert stops == ["password", "password_confirmation", "stakeholder", "department", "button:Crear cuenta"], stops

    # A bot that fills every field it finds gets no account.
    session = requests.Session()
    bot = unique("robot")
    response = session.post(forum.base + "/register", allow_redirects=False, data={
        "csrf_token": csrf_token(session, forum.base + "/register"), "username": bot, "password": PASSWORD,
        "password_confirmation": PASSWORD, "stakeholder": "academia", "website": "https://ofertas.example"})
    assert response.status_code == 422, response.status_code
    assert "No se pudo crear la cuenta." in response.text
    assert requests.get(f"{forum.base}/u/{bot}").status_code == 404
