"""Moderation as people do it on a phone with JavaScript off: members report, staff act from
the queue, the thread and the profile, and everyone can read the public log.

Staff accounts come from `cabildo admin create` (the only way to make them); the other
members who only need to be there are seeded over HTTP through the same forms."""
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from forum import (HTTPMember, click_and_wait, click_button, click_link, fill, login, logout, main_text, nav_text,
                   open_page, register, submit, unique)

BOARD = "banda-ancha"


def post_article(driver, post):
    return driver.find_element(By.ID, f"p{post}")


def log_entries(driver, target):
    """The public log's lines about `target` (as the log words it), newest first."""
    open_page(driver, "/moderation-log")
    return [entry.text for entry in driver.find_elements(By.CSS_SELECTOR, "ol.log > li") if target in entry.text]


def send(driver, form):
    """Submits a staff action form through its own button."""
    click_and_wait(driver, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))


def test_three_flags_hide_a_post_until_a_moderator_restores_it(browser, forum):
    moderator = forum.create_account("moderator", "moderadora")
    author = HTTPMember(forum.base)
    title = "Antenas comunitarias en Huehuetenango"
    thread = author.open_thread(BOARD, title, "¿Qué permisos pide la SIT para una antena comunitaria?")
    body = "Las radios comunitarias ya tienen torres: se podrían compartir con las redes de datos."
    post = author.reply(thread, body)

    # Two members report it over HTTP; it stays visible until the third.
    first, second = HTTPMember(forum.base), HTTPMember(forum.base)
    first.flag(post, "spam", note="Parece publicidad de una empresa")
    second.flag(post, "abuse")
    assert body in requests.get(f"{forum.base}/t/{thread}").text

    # The third reports it in the browser, through the post's own "Reportar" link.
    flagger = unique("flor")
    register(browser, flagger)
    open_page(browser, f"/t/{thread}")
    click_link(browser, "Reportar", within=browser.find_element(By.CSS_SELECTOR, f"#p{post} > footer"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Reportar un mensaje"
    assert body in browser.find_element(By.CSS_SELECTOR, "blockquote.quoted").text
    browser.find_element(By.XPATH, "//label[normalize-space()='Fuera de tema']/input[@type='radio']").click()
    fill(browser, "note", "No tiene que ver con el hilo")
    submit(browser)
    assert "Gracias. El equipo de moderación revisará el mensaje." in main_text(browser)
    click_link(browser, "Volver al mensaje")
    assert "Oculto por moderación." in post_article(browser, post).text, "the member who reported it"
    assert body not in browser.page_source

    # A stranger sees the placeholder, not the text (not even in the HTML).
    logout(browser)
    open_page(browser, f"/t/{thread}")
    hidden = post_article(browser, post)
    assert "Oculto por moderación." in hidden.text
    assert hidden.find_elements(By.CSS_SELECTOR, ".body") == []
    assert body not in browser.page_source
    assert body not in requests.get(f"{forum.base}/t/{thread}").text

    # The moderator finds it in the queue with its three reports, and restores it in one click.
    login(browser, moderator)
    click_link(browser, "Moderación", within=browser.find_element(By.CSS_SELECTOR, "header.site nav"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Cola de moderación"
    items = [item for item in browser.find_elements(By.CSS_SELECTOR, "article.moditem") if body in item.text]
    assert len(items) == 1, "the hidden post is in the queue once"
    item = items[0]
    assert "oculto" in item.find_element(By.CSS_SELECTOR, "header strong").text
    flags = [flag.text for flag in item.find_elements(By.CSS_SELECTOR, "ul.flags li")]
    assert len(flags) == 3, flags
    for reason, name in [("Spam o publicidad", first.username), ("Abuso o acoso", second.username),
                         ("Fuera de tema", flagger)]:
        assert any(reason in flag and name in flag for flag in flags), (reason, name, flags)
    assert any("Parece publicidad de una empresa" in flag for flag in flags), "the note is shown"
    restore = item.find_element(By.XPATH, ".//form[.//button[normalize-space()='Restaurar']]")
    assert restore.find_element(By.NAME, "reason").get_attribute("value") == "Revisado: cumple las normas del foro"
    send(browser, restore)
    assert browser.current_url == forum.base + "/mod", "back to the queue"
    assert "No hay nada pendiente. ¡Bien!" in main_text(browser)
    assert browser.find_elements(By.CSS_SELECTOR, "article.moditem") == []

    # The log link on the queue page: both the automatic hide and the restore, with reasons.
    click_link(browser, "Registro de moderación")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Registro de moderación"
    logout(browser)
    entries = log_entries(browser, f"mensaje #{post} en «{title}»")
    assert len(entries) == 2, entries
    restored, hidden_entry = entries  # newest first
    assert moderator in restored and "restauró" in restored
    assert "Motivo: Revisado: cumple las normas del foro" in restored
    assert "Cabildo (automático)" in hidden_entry and "ocultó por reportes" in hidden_entry
    assert "Motivo:" in hidden_entry

    # Visible again to a stranger.
    open_page(browser, f"/t/{thread}")
    assert body in post_article(browser, post).find_element(By.CSS_SELECTOR, ".body").text
    assert "Oculto por moderación." not in browser.page_source


def test_a_moderator_locks_a_thread_and_members_can_no_longer_reply(browser, forum):
    moderator = forum.create_account("moderator", "moderador")
    member = HTTPMember(forum.base)
    title = "Neutralidad de red en los planes móviles"
    thread = member.open_thread(BOARD, title, "¿Deben prohibirse los planes de redes sociales gratis?")
    member.reply(thread, "Sí: favorecen a unas pocas plataformas.")

    login(browser, moderator)
    open_page(browser, f"/t/{thread}")
    click_link(browser, "Moderar este hilo")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Moderar este hilo"
    lock = browser.find_element(By.XPATH, "//form[.//button[normalize-space()='Cerrar hilo']]")
    assert lock.find_element(By.NAME, "reason").get_attribute("value") == "", "staff write the reason"
    lock.find_element(By.NAME, "reason").send_keys("La discusión se volvió personal")
    send(browser, lock)
    assert browser.current_url == f"{forum.base}/t/{thread}", "back to the thread"
    assert "Este hilo está cerrado: no admite respuestas nuevas." in main_text(browser)
    click_link(browser, "Moderar este hilo")
    assert browser.find_elements(By.XPATH, "//button[normalize-space()='Reabrir hilo']"), "it can be reopened"
    logout(browser)

    # The member: the notice, no reply form and no "Responder" links.
    login(browser, member.username)
    open_page(browser, f"/t/{thread}")
    assert "Este hilo está cerrado: no admite respuestas nuevas." in main_text(browser)
    assert browser.find_elements(By.CSS_SELECTOR, "form.reply") == []
    assert browser.find_elements(By.LINK_TEXT, "Responder") == []
    assert "Inicie sesión para responder" not in main_text(browser)

    # A reply form opened by its address still cannot post, and the text is kept.
    open_page(browser, f"/t/{thread}/reply")
    fill(browser, "body", "Una respuesta que llega tarde")
    submit(browser)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Algo salió mal (403)"
    assert "Este hilo está cerrado y no admite respuestas nuevas." in main_text(browser)
    assert browser.find_element(By.ID, "kept").get_attribute("value") == "Una respuesta que llega tarde"
    open_page(browser, f"/t/{thread}")
    assert "Una respuesta que llega tarde" not in browser.page_source

    entries = log_entries(browser, title)
    assert len(entries) == 1, entries
    assert moderator in entries[0] and "cerró" in entries[0]
    assert "Motivo: La discusión se volvió personal" in entries[0]


def test_a_moderator_suspends_a_member_from_their_profile(browser, second_browser, forum):
    moderator = forum.create_account("moderator", "moderadora")
    starter = HTTPMember(forum.base)
    thread = starter.open_thread(BOARD, "Zonas wifi en los parques", "¿Quién debería mantenerlas?")

    # The member is signed in and has a reply form open when the suspension comes.
    member = unique("suspendido")
    register(browser, member)
    open_page(browser, f"/t/{thread}")
    fill(browser, "body", "La municipalidad, con apoyo del Estado.")
    submit(browser, "form.reply")
    click_link(browser, "Responder", within=browser.find_element(By.CSS_SELECTOR, ".tree > article.post > footer"))
    fill(browser, "body", "Y con un presupuesto propio para el mantenimiento.")

    # The moderator, in another phone, goes from the thread to the member's profile.
    login(second_browser, moderator)
    open_page(second_browser, f"/t/{thread}")
    click_link(second_browser, member)
    assert second_browser.find_element(By.TAG_NAME, "h1").text == member
    assert second_browser.find_element(By.XPATH, "//h2[normalize-space()='Moderación']")
    days = Select(second_browser.find_element(By.ID, "days"))
    assert days.first_selected_option.text == "7 días", "a week unless staff choose otherwise"
    days.select_by_visible_text("3 días")
    fill(second_browser, "suspend-reason", "Mensajes repetidos en varios hilos")
    click_button(second_browser, "//button[normalize-space()='Suspender']")
    assert second_browser.current_url.endswith(f"/u/{member}"), "back to the profile"
    profile = main_text(second_browser)
    assert "Suspendido hasta el" in profile and "Motivo: Mensajes repetidos en varios hilos" in profile
    assert second_browser.find_elements(By.XPATH, "//button[normalize-space()='Levantar suspensión']")

    # The member sends the form that was already open: refused, with the text kept.
    submit(browser)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Algo salió mal (403)"
    text = main_text(browser)
    assert "Su cuenta está suspendida: puede leer, pero no publicar" in text
    assert browser.find_element(By.ID, "kept").get_attribute("value") == "Y con un presupuesto propio para el mantenimiento."

    # Every page carries the banner with the reason; the thread offers no way to post.
    open_page(browser, f"/t/{thread}")
    assert member in nav_text(browser), "still signed in"
    banner = browser.find_element(By.CSS_SELECTOR, "main > p.notice.warn[role=status]").text
    assert banner.startswith("Su cuenta está suspendida hasta el"), banner
    assert "Motivo: Mensajes repetidos en varios hilos" in banner
    assert browser.find_elements(By.CSS_SELECTOR, "form.reply") == []
    assert browser.find_elements(By.LINK_TEXT, "Responder") == []
    assert browser.find_elements(By.LINK_TEXT, "Reportar") == []
    assert "presupuesto propio" not in browser.page_source
    open_page(browser, f"/t/{thread}/reply")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Algo salió mal (403)"
    open_page(browser, f"/b/{BOARD}/new")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Algo salió mal (403)"

    entries = log_entries(browser, member)
    assert len(entries) == 1, entries
    assert moderator in entries[0] and "suspendió a" in entries[0] and "(hasta el" in entries[0]
    assert "Motivo: Mensajes repetidos en varios hilos" in entries[0]


def test_a_suspension_notice_shows_once_and_follows_the_suspended_member(browser, forum):
    moderator = HTTPMember(forum.base, forum.create_account("moderator", "moderador"), existing=True)
    suspended, other = HTTPMember(forum.base), HTTPMember(forum.base)
    moderator.moderate(f"/mod/users/{suspended.username}/suspend", "Mensajes repetidos en varios hilos", days="3")

    # A stranger on the suspended member's profile: one notice, about that member.
    open_page(browser, f"/u/{suspended.username}")
    assert len(browser.find_elements(By.CSS_SELECTOR, "main p.notice.warn")) == 1

    # The suspended member on someone else's profile still sees their own banner.
    login(browser, suspended.username)
    open_page(browser, f"/u/{other.username}")
    assert browser.find_elements(By.CSS_SELECTOR, "main > p.notice.warn[role=status]")
