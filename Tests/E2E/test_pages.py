"""Every page type on a 360 px phone: no horizontal scrolling, no script, within its size
budget, a screenshot kept for people to look at, and an axe-core accessibility audit."""
import json

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import ARTIFACTS, AXE
from forum import (HTTPMember, click_and_wait, click_link, enrol_in_two_factor, enter_password, fill, login, logout, open_page,
                   register, submit, unique)

BUDGET = 30 * 1024  # bytes of HTML; DESIGN.md's budget for a 20-post thread page
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@pytest.fixture(scope="module")
def content(forum, limited_forum):
    """A thread of 20 posts (a reply tree) made over HTTP through the forms; and for the staff
    pages a moderator and an admin, a queue with a reported and a hidden post, a log with
    entries of several kinds and a watched word; for the harvest a committee member and a
    proposal endorsed by two groups, with its synthesis. `limited` is the base URL of a second
    server with the rate limits on, for the 429 page."""
    server = forum.base
    member = HTTPMember(server)
    body = ("Propongo que el Estado publique **mapas de cobertura** por municipio, con datos abiertos "
            "y actualizados cada trimestre, para que las comunidades sepan dónde falta conexión.")
    thread = member.open_thread("banda-ancha", "Mapas de cobertura abiertos", body)
    parent = None  # None: a reply to the opening post
    for index in range(1, 20):
        parent = member.reply(thread, body, parent=None if index % 3 == 0 else parent)

    moderator = HTTPMember(server, forum.create_account("moderator", "moderadora"), existing=True)
    admin = HTTPMember(server, forum.create_account("admin", "administra"), existing=True)
    author = HTTPMember(server)
    other = author.open_thread("proteccion-de-datos", "Registro de celulares con DPI",
                               "¿Es proporcional exigir el DPI para activar una línea prepago?")
    reported = author.reply(other, "Quien no quiera dar su DPI que no use teléfono, **así de simple**.")
    HTTPMember(server).flag(reported, "abuse", note="Descalifica a quienes opinan distinto")
    hidden = author.reply(other, "Compre seguidores baratos en mi sitio, visite ya la oferta del día.")
    for _ in range(3):
        HTTPMember(server).flag(hidden, "spam")  # the third hides it: an automatic log entry, and a notification
    HTTPMember(server).reply(other, f"Coincido con @{author.username}: el registro no frena el robo de teléfonos.",
                             parent=reported)  # the author's notifications: a reply, and a mention
    moderator.moderate(f"/mod/threads/{other}/pin", "Tema de interés para la consulta pública")
    suspended = HTTPMember(server)
    moderator.moderate(f"/mod/users/{suspended.username}/suspend", "Mensajes repetidos en varios hilos", days="7")
    admin.moderate("/mod/words", "Spam frecuente en otros foros", phrase="seguidores baratos", response="hold")
    # Board phases and panels: the broadband board with its 2018 panel, the electoral one closed.
    admin.moderate("/mod/boards/banda-ancha/panel", "Programa del foro", panel_starts_at="2018-10-25T09:00",
                   panel_ends_at="2018-10-25T10:30", panel_place="Salón Los Lagos, Hotel Barceló",
                   panel_moderators="Lic. Ana Gálvez",
                   panel_panelists="Ing. José Peñate; Licda. María Xiloj; Dr. Íñigo Ñáñez; una representante del sector privado",
                   panel_stream_url="https://www.facebook.com/foro.gobernanza/live")
    admin.moderate("/mod/boards/libertad-de-expresion-electoral/schedule", "Calendario del foro",
                   opens_at="2018-10-01T08:00", closes_at="2018-10-24T18:00")

    committee = HTTPMember(server, forum.create_account("committee", "comite"), existing=True)
    proposal = member.open_thread("banda-ancha", "Fondo de servicio universal para redes comunitarias",
                                  "Propongo que el fondo financie **redes comunitarias** en municipios sin cobertura.",
                                  proposal=True)
    member.reply(proposal, "Las cooperativas podrían operar esas redes con apoyo técnico de las universidades.")
    HTTPMember(server, stakeholder="government").endorse(proposal)
    HTTPMember(server, stakeholder="private-sector").endorse(proposal)
    # Participants from two departments, for the harvest's chart and table by department.
    HTTPMember(server, department="quetzaltenango").reply(proposal, "En Xela ya hay una cooperativa que lo intenta.")
    HTTPMember(server, department="guatemala").reply(proposal, "En la capital el problema es el precio, no la cobertura.")
    committee.write_summary(proposal, "Hay acuerdo en **financiar redes comunitarias**; falta definir quién las opera.")
    return {"thread": thread, "moderator": moderator.username, "admin": admin.username,
            "member": author.username, "reported": reported, "other": other,
            "committee": committee.username, "proposal": proposal, "limited": limited_forum.base}


def thread_form_with_errors(driver, _):
    register(driver, unique("errores"))
    open_page(driver, "/b/banda-ancha/new")
    # Passes the browser's own minlength check (spaces count there) but not the server's, which trims.
    fill(driver, "title", "   Hola   ")
    fill(driver, "body", "Un texto que no se pierde")
    submit(driver)
    assert "de 5 a 150 caracteres" in driver.find_element(By.ID, "title-error").text
    assert driver.find_element(By.ID, "body").get_attribute("value") == "Un texto que no se pierde"


def register_form_with_errors(driver, _):
    open_page(driver, "/register")
    fill(driver, "username", "<b>x</b>")
    fill(driver, "password", "contraseña-larga-1")
    fill(driver, "password_confirmation", "contraseña-larga-2")
    Select(driver.find_element(By.ID, "stakeholder")).select_by_visible_text("Gobierno")
    submit(driver)
    assert driver.find_element(By.ID, "username-error").is_displayed()
    assert "no coinciden" in driver.find_element(By.ID, "confirmation-error").text


def settings(driver, _):
    register(driver, unique("ajustes"), department="Sololá")
    open_page(driver, "/settings")
    assert Select(driver.find_element(By.ID, "department")).first_selected_option.text == "Sololá"


def profile_with_department(driver, _):
    """A member who chose, in the settings, to show their department on the profile."""
    name = unique("perfil")
    register(driver, name, department="Petén")
    open_page(driver, "/settings")
    driver.find_element(By.NAME, "show_department").click()
    submit(driver, "main form[action='/settings']")
    open_page(driver, f"/u/{name}")
    assert "Petén" in driver.find_element(By.TAG_NAME, "main").text


def sessions(driver, _):
    register(driver, unique("sesiones"))
    open_page(driver, "/settings")
    click_link(driver, "Sesiones abiertas")
    assert "este dispositivo" in driver.find_element(By.CSS_SELECTOR, "ul.sessions").text


def two_factor_enrolment(driver, _):
    register(driver, unique("dospasos"))
    open_page(driver, "/settings")
    click_link(driver, "Verificación en dos pasos")
    assert driver.find_element(By.CSS_SELECTOR, "svg.qr")


def recovery_codes(driver, _):
    register(driver, unique("codigos"))
    enrol_in_two_factor(driver)


def login_code(driver, _):
    name = unique("codigo")
    register(driver, name)
    enrol_in_two_factor(driver)
    logout(driver)
    enter_password(driver, name)
    assert driver.find_element(By.ID, "code").get_attribute("autocomplete") == "one-time-code"


def close_account(driver, _):
    """What a member reads before leaving, reached from the settings page's link."""
    register(driver, unique("se_va"))
    open_page(driver, "/settings")
    click_link(driver, "Cerrar mi cuenta")
    assert driver.find_element(By.CSS_SELECTOR, "main a[href='/settings/export']")
    assert driver.find_element(By.CSS_SELECTOR, "main form input[type=checkbox][name=remove_text]")


def privacy(driver, _):
    """Reached from the registration form, as a newcomer would before signing up."""
    open_page(driver, "/register")
    click_link(driver, "Qué guarda el foro sobre usted y quién lo ve")
    assert "argon2id" in driver.find_element(By.ID, "account").find_element(By.XPATH, "..").text
    assert driver.find_element(By.CSS_SELECTOR, "footer.site a[href='/privacy']")


def notifications(driver, c):
    """A member's notifications, reached from the header's count."""
    login(driver, c["member"])
    avisos = driver.find_element(By.CSS_SELECTOR, "header.site nav a[href='/notifications']")
    # The post hidden by flags stays unread; the reply is read once the thread is (hidden-post-author opens it).
    assert avisos.find_element(By.TAG_NAME, "strong").text in ("1", "2")
    click_and_wait(driver, avisos)
    assert len(driver.find_elements(By.CSS_SELECTOR, "ol.notifications > li")) == 2
    assert driver.find_elements(By.CSS_SELECTOR, "ol.notifications > li.unread")


def hidden_post_author(driver, c):
    """The thread as the author of a hidden post sees it: the post, and the form to ask for a review."""
    login(driver, c["member"])
    open_page(driver, f"/t/{c['other']}")
    assert driver.find_element(By.CSS_SELECTOR, "form.appeal textarea[name=text]")
    assert driver.find_element(By.CSS_SELECTOR, "form.watch button[value=normal]")


def flag_form(driver, c):
    register(driver, unique("reporta"))
    open_page(driver, f"/t/{c['other']}")
    click_link(driver, "Reportar", within=driver.find_element(By.CSS_SELECTOR, f"#p{c['reported']} footer"))
    assert driver.find_element(By.CSS_SELECTOR, "main form input[type=radio]")


def moderation_queue(driver, c):
    login(driver, c["moderator"])
    click_link(driver, "Moderación", within=driver.find_element(By.CSS_SELECTOR, "header.site nav"))
    assert len(driver.find_elements(By.CSS_SELECTOR, "article.moditem")) >= 2


def moderation_log(driver, _):
    open_page(driver, "/moderation-log")
    assert len(driver.find_elements(By.CSS_SELECTOR, "ol.log > li")) >= 4


def new_thread_form(driver, _):
    register(driver, unique("abre"))
    open_page(driver, "/b/banda-ancha")
    click_link(driver, "Abrir un hilo")
    assert driver.find_element(By.CSS_SELECTOR, "main form input[type=checkbox][name=proposal]")


def proposal_thread(driver, c):
    """The proposal as a member who may endorse it sees it: the synthesis on top, the count and the button."""
    register(driver, unique("apoya"))
    open_page(driver, f"/t/{c['proposal']}")
    assert driver.find_element(By.CSS_SELECTOR, "main section.summary .body strong")
    assert driver.find_element(By.CSS_SELECTOR, "section.support button[type=submit]").text == "Apoyar esta propuesta"


def summary_form(driver, c):
    login(driver, c["committee"])
    open_page(driver, f"/t/{c['proposal']}")
    click_link(driver, "Escribir la síntesis de este hilo")
    assert "financiar redes comunitarias" in driver.find_element(By.ID, "body").get_attribute("value")


def harvest(driver, c):
    """The committee's harvest with data: the ranked proposal, the three charts (groups, departments,
    days), the tables (groups, departments, reach by board, threads) and the synthesis."""
    login(driver, c["committee"])
    open_page(driver, "/harvest")
    assert "2 de 7 sectores" in driver.find_element(By.CSS_SELECTOR, "main ol.posts > li").text
    assert len(driver.find_elements(By.CSS_SELECTOR, "main svg.chart")) == 3
    assert len(driver.find_elements(By.CSS_SELECTOR, "main table.numbers")) == 4
    assert "(50 %) participan desde fuera del departamento de Guatemala" in driver.find_element(By.TAG_NAME, "main").text


def conclusions_form(driver, c):
    """The committee writes a board's conclusions: a draft, then published, seen on the board page."""
    login(driver, c["committee"])
    open_page(driver, "/b/banda-ancha/conclusions")
    fill(driver, "conclusions", "Hubo acuerdo en **financiar redes comunitarias**.")
    fill(driver, "recommendations", "Publicar el mapa de cobertura.")
    driver.find_element(By.CSS_SELECTOR, "input[name=status][value=published]").click()
    submit(driver)
    assert "Conclusiones publicadas." in driver.find_element(By.TAG_NAME, "main").text
    open_page(driver, "/b/banda-ancha")
    assert "financiar redes comunitarias" in driver.find_element(By.CSS_SELECTOR, "section.conclusions").text


def report(driver, c):
    """The consultation report, as the committee prints it."""
    login(driver, c["committee"])
    open_page(driver, "/harvest/report")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Informe de la consulta"
    assert driver.find_elements(By.CSS_SELECTOR, "article.report table")


def rate_limited(driver, c):
    """The 429 page, from the second server (limits on): wrong sign-ins until one is refused.
    Each run of the recipe shares the address's 3 attempts, so the first run takes four tries
    and the later ones are refused at once."""
    driver.get(c["limited"] + "/login")
    for _ in range(4):
        fill(driver, "username", "nadie_en_particular")
        fill(driver, "password", "no-es-la-clave")
        submit(driver)
        if driver.find_element(By.TAG_NAME, "h1").text == "Algo salió mal (429)":
            break
    assert "Demasiados intentos de inicio de sesión" in driver.find_element(By.TAG_NAME, "main").text


def staff_page(role, path, expect):
    """Signs in as the module's moderator, admin or committee member and opens `path(content)`, which must show `expect`."""
    def recipe(driver, c):
        login(driver, c[role])
        open_page(driver, path(c))
        assert driver.find_elements(By.CSS_SELECTOR, expect), f"{path(c)} has no {expect}"
    return recipe


# How a person reaches each page type; every recipe runs in both browsers.
PAGES = {
    "home": lambda d, c: open_page(d, "/"),
    "board": lambda d, c: open_page(d, "/b/banda-ancha"),
    "closed-board": lambda d, c: open_page(d, "/b/libertad-de-expresion-electoral"),
    "thread": lambda d, c: open_page(d, f"/t/{c['thread']}"),
    "search": lambda d, c: open_page(d, "/search?q=cobertura+datos"),
    "login": lambda d, c: open_page(d, "/login"),
    "register": lambda d, c: open_page(d, "/register"),
    "privacy": privacy,
    "not-found": lambda d, c: open_page(d, "/no-existe"),
    "settings": settings,
    "profile-with-department": profile_with_department,
    "sessions": sessions,
    "two-factor": two_factor_enrolment,
    "recovery-codes": recovery_codes,
    "login-code": login_code,
    "close-account": close_account,
    "thread-form-errors": thread_form_with_errors,
    "register-errors": register_form_with_errors,
    "flag-form": flag_form,
    "notifications": notifications,
    "hidden-post-author": hidden_post_author,
    "mod-queue": moderation_queue,
    "moderation-log": moderation_log,
    "mod-post": staff_page("moderator", lambda c: f"/mod/posts/{c['reported']}", "ul.flags"),
    "mod-thread": staff_page("moderator", lambda c: f"/mod/threads/{c['other']}", "select#board"),
    "profile-as-moderator": staff_page("moderator", lambda c: f"/u/{c['member']}", "select#days"),
    "admin-boards": staff_page("admin", lambda c: "/mod/boards", "ol.admin input[type=datetime-local][name=panel_starts_at]"),
    "admin-words": staff_page("admin", lambda c: "/mod/words", "ul.posts form.action"),
    "new-thread-form": new_thread_form,
    "proposal-thread": proposal_thread,
    "summary-form": summary_form,
    "harvest": harvest,
    "conclusions-form": conclusions_form,
    "report": report,
    "rate-limited": rate_limited,
}


@pytest.mark.parametrize("name", PAGES)
def test_page_fits_a_phone_without_script(browser, content, name):
    PAGES[name](browser, content)
    fits_a_phone(browser, name)


def fits_a_phone(browser, name):
    """The page the browser shows: no sideways scrolling, no script, Spanish, within the budget;
    its screenshot kept. Also used by other modules' pages (test_mail.py)."""
    browser.save_screenshot(str(ARTIFACTS / f"{name}.png"))
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 360, f"{name}: scrolls sideways ({width} px)"
    assert browser.find_elements(By.TAG_NAME, "script") == [], f"{name}: has a <script>"
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "es"
    size = len(browser.page_source.encode())
    if browser.current_url.startswith(browser.base) and "errors" not in name:
        # The bytes on the wire, not Chromium's re-serialization, for the same signed-in person.
        cookies = {cookie["name"]: cookie["value"] for cookie in browser.get_cookies()}
        response = requests.get(browser.current_url, headers={"Accept-Language": "es"}, cookies=cookies,
                                allow_redirects=False)
        assert not response.is_redirect, f"{name}: a second look is sent to {response.headers['Location']}"
        raw = response.content
        assert b"<script" not in raw
        size = len(raw)
    assert size <= BUDGET, f"{name}: {size} bytes of HTML"
    if name == "thread":
        assert len(browser.find_elements(By.CSS_SELECTOR, "article.post")) == 20


@pytest.mark.parametrize("name", PAGES)
def test_page_passes_axe(auditor, content, name):
    PAGES[name](auditor, content)
    passes_axe(auditor, name)


def passes_axe(auditor, name):
    """axe-core on the page the auditor shows: no serious or critical violation."""
    auditor.execute_script(AXE.read_text())
    result = auditor.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(done, e => done({error: String(e)}));",
        AXE_TAGS)
    assert "error" not in result, result
    violations = result["violations"]
    (ARTIFACTS / f"axe-{name}.json").write_text(json.dumps(violations, indent=1, ensure_ascii=False))
    for violation in violations:
        print(f"[axe] {name}: {violation['impact']} {violation['id']}: {violation['help']} "
              f"({len(violation['nodes'])} nodes)")
    blocking = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not blocking, json.dumps([{"id": v["id"], "impact": v["impact"], "help": v["help"],
                                      "nodes": [n["html"] for n in v["nodes"][:3]]} for v in blocking],
                                     indent=1, ensure_ascii=False)
