"""Page helpers shared by the browser tests: what a person does, by clicking and typing."""
import re
import uuid

import requests
from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import Select, WebDriverWait

PASSWORD = "una-clave-larga-1"


def unique(prefix):
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def open_page(driver, path):
    driver.get(driver.base + path)


def click_and_wait(driver, element):
    """Clicks something that loads a new page, and waits until the new page has replaced the old."""
    old_page = driver.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(driver, 15).until(lambda _: is_gone(old_page))
    WebDriverWait(driver, 15).until(lambda d: d.execute_script("return document.readyState") == "complete")


def is_gone(element):
    # Chromium answers either "stale element" or "node does not belong to the document".
    try:
        element.is_enabled()
        return False
    except WebDriverException:
        return True


def click_link(driver, text, within=None):
    click_and_wait(driver, (within or driver).find_element(By.LINK_TEXT, text))


def click_button(driver, xpath):
    click_and_wait(driver, driver.find_element(By.XPATH, xpath))


def fill(driver, field_id, text):
    element = driver.find_element(By.ID, field_id)
    element.clear()
    element.send_keys(text)


def submit(driver, form_css="main form"):
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, form_css + " button[type=submit]"))


def register(driver, username, stakeholder="Sociedad civil", password=PASSWORD, department=None):
    """`department` is the optional select's visible text ("Petén"); left unanswered when None."""
    open_page(driver, "/")
    click_link(driver, "Crear cuenta")
    fill(driver, "username", username)
    fill(driver, "password", password)
    fill(driver, "password_confirmation", password)
    Select(driver.find_element(By.ID, "stakeholder")).select_by_visible_text(stakeholder)
    if department:
        Select(driver.find_element(By.ID, "department")).select_by_visible_text(department)
    submit(driver)


def login(driver, username, password=PASSWORD):
    """Signs in through the "Iniciar sesión" link in the header, from the home page."""
    open_page(driver, "/")
    click_link(driver, "Iniciar sesión", within=driver.find_element(By.CSS_SELECTOR, "header.site nav"))
    fill(driver, "username", username)
    fill(driver, "password", password)
    submit(driver)
    assert username in nav_text(driver), f"{username} could not sign in"


def enrol_in_two_factor(driver):
    """Turns on two-factor sign-in as a person with an authenticator app does: from the settings
    page, reading the key printed on the page and typing the app's code. Returns the app (a
    pyotp.TOTP) and the recovery codes the page shows once."""
    import pyotp
    open_page(driver, "/settings")
    click_link(driver, "Verificación en dos pasos")
    key = driver.find_element(By.ID, "totp-secret").text.replace(" ", "")
    app = pyotp.TOTP(key)
    fill(driver, "code", app.now())
    submit(driver)
    codes = [element.text for element in driver.find_elements(By.CSS_SELECTOR, "ul.recovery-codes code")]
    assert len(codes) == 10, main_text(driver)
    return app, codes


def enter_password(driver, username, password=PASSWORD):
    """The first step of signing in, from the login page; with two-factor on, it leads to the code."""
    open_page(driver, "/login")
    fill(driver, "username", username)
    fill(driver, "password", password)
    submit(driver)


def logout(driver):
    click_button(driver, "//header//button[normalize-space()='Cerrar sesión']")
    assert "Iniciar sesión" in nav_text(driver)


def main_text(driver):
    return driver.find_element(By.TAG_NAME, "main").text


def nav_text(driver):
    return driver.find_element(By.CSS_SELECTOR, "header.site nav").text


def heading(driver):
    return driver.find_element(By.TAG_NAME, "h1").text


def session_cookies(driver):
    """The browser's cookies for its current site, for `requests` to act as the same person."""
    return {cookie["name"]: cookie["value"] for cookie in driver.get_cookies()}


class HTTPMember:
    """Seeds content quickly over plain HTTP, through the same forms (CSRF token included).
    Registers a new member, or with `existing=True` signs in to an account that exists
    (staff accounts, made with `cabildo admin create`)."""

    def __init__(self, base, username=None, existing=False, stakeholder="academia", department=""):
        """`stakeholder` is the registration form's value: government, private-sector,
        civil-society, academia, technical-community, international-organization or individual;
        `department` the optional one (`peten`, `outside-guatemala`, …; empty: unanswered)."""
        self.base = base
        self.session = requests.Session()
        self.username = username or unique("sembrador")
        if existing:
            self._post("/login", "/login", username=self.username, password=PASSWORD)
        else:
            self._post("/register", "/register", username=self.username, password=PASSWORD,
                       password_confirmation=PASSWORD, stakeholder=stakeholder, department=department)

    def _token(self, path):
        html = self.session.get(self.base + path).text
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    def _post(self, form_path, action, expect=303, **fields):
        """Posts a form the way a browser does; returns the redirect's Location, or the
        response itself when the form answers with a page (`expect` other than 303)."""
        fields["csrf_token"] = self._token(form_path)
        response = self.session.post(self.base + action, data=fields, allow_redirects=False)
        assert response.status_code == expect, (action, response.status_code, response.text[:300])
        return response.headers["Location"] if expect == 303 else response

    def open_thread(self, board, title, body, proposal=False):
        """Opens a thread (ticking "Es una propuesta…" when `proposal`); returns its id."""
        fields = {"title": title, "body": body}
        if proposal:
            fields["proposal"] = "1"
        return int(self._post(f"/b/{board}/new", f"/b/{board}", **fields).split("/")[-1])

    def endorse(self, thread):
        """Presses "Apoyar esta propuesta" (or, the second time, "Retirar mi apoyo")."""
        return self._post(f"/t/{thread}", f"/t/{thread}/endorse")

    def write_summary(self, thread, body):
        """A thread's synthesis (moderators, committee and admins)."""
        return self._post(f"/t/{thread}/summary", f"/t/{thread}/summary", body=body)

    def reply(self, thread, body, parent=None):
        fields = {"body": body}
        if parent:
            fields["parent"] = str(parent)
        location = self._post(f"/t/{thread}", f"/t/{thread}/reply", **fields)
        return int(location.split("#p")[-1])

    def flag(self, post, reason="spam", note=""):
        """Reports a post (reason: spam, abuse, off-topic or other); the answer is a thank-you page."""
        response = self._post(f"/p/{post}/flag", f"/p/{post}/flag", expect=200, reason=reason, note=note)
        assert "Gracias" in response.text, response.text[:300]

    def moderate(self, action, reason, **fields):
        """A staff action form (`/mod/...`), with the reason every one of them needs."""
        return self._post("/mod", action, reason=reason, **fields)
