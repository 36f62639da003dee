"""What a person does on a phone with JavaScript off, by clicking and typing."""
from selenium.webdriver.common.by import By

from forum import (PASSWORD, click_and_wait, click_button, click_link, fill, login, logout, main_text, nav_text, open_page,
                   register, submit, unique)


def test_register_logout_and_login(browser):
    name = unique("ana")
    register(browser, name, stakeholder="Academia")
    assert name in nav_text(browser)
    click_button(browser, "//header//button[normalize-space()='Cerrar sesión']")
    assert "Iniciar sesión" in nav_text(browser)
    assert name not in nav_text(browser)

    click_link(browser, "Iniciar sesión")
    fill(browser, "username", name)
    fill(browser, "password", "no-es-la-clave")
    submit(browser)
    assert "incorrectos" in browser.find_element(By.CSS_SELECTOR, "main").text
    fill(browser, "username", name.upper())
    fill(browser, "password", PASSWORD)
    submit(browser)
    assert name in nav_text(browser)


def open_thread(browser, title, body, board_title="Desarrollo sostenible de la banda ancha en Guatemala"):
    open_page(browser, "/")
    click_link(browser, board_title)
    click_link(browser, "Abrir un hilo")
    fill(browser, "title", title)
    fill(browser, "body", body)
    submit(browser)
    assert browser.find_element(By.TAG_NAME, "h1").text == title


def test_thread_reply_and_nested_reply(browser):
    register(browser, unique("beto"))
    open_thread(browser, "Fibra óptica para Petén", "¿Quién paga el **tendido**?")
    assert browser.find_element(By.CSS_SELECTOR, ".post .body strong").text == "tendido"

    # Reply to the thread with the form at the bottom of the page.
    fill(browser, "body", "El Estado, con fondos de servicio universal.")
    submit(browser, "form.reply")
    opening = browser.find_element(By.CSS_SELECTOR, ".tree > article.post")
    first = opening.find_element(By.CSS_SELECTOR, "ol.replies > li > article.post")
    assert "servicio universal" in first.text
    first_id = first.get_attribute("id")

    # Reply to that reply through its own "Responder" link.
    click_link(browser, "Responder", within=first.find_element(By.CSS_SELECTOR, "footer"))
    assert "servicio universal" in browser.find_element(By.CSS_SELECTOR, "blockquote.quoted").text
    fill(browser, "body", "¿Y las cooperativas locales?")
    submit(browser)
    nested = browser.find_element(By.CSS_SELECTOR, f"#{first_id} ol.replies article.post")
    assert "cooperativas" in nested.text


def test_edit_a_post(browser):
    register(browser, unique("carla"))
    open_thread(browser, "Datos de salud en la nube", "Versión original del mensaje")
    click_link(browser, "Editar", within=browser.find_element(By.CSS_SELECTOR, ".tree > article.post > footer"))
    fill(browser, "body", "Versión corregida del mensaje")
    submit(browser)
    post = browser.find_element(By.CSS_SELECTOR, ".tree > article.post")
    assert "Versión corregida" in post.text
    click_link(browser, "editado", within=post)
    history = browser.find_element(By.CSS_SELECTOR, "main").text
    assert "Versión original" in history and "Versión corregida" in history


def test_close_my_account(browser):
    name = unique("dora")
    register(browser, name)
    open_thread(browser, "Internet en las escuelas rurales", "Las escuelas necesitan conexión estable")
    thread_path = browser.current_url
    open_page(browser, "/settings")
    click_link(browser, "Cerrar mi cuenta")
    fill(browser, "password", PASSWORD)
    submit(browser)
    assert "Su cuenta está cerrada" in browser.find_element(By.CSS_SELECTOR, "main").text
    assert "Iniciar sesión" in nav_text(browser)

    browser.get(thread_path)
    post = browser.find_element(By.CSS_SELECTOR, ".tree > article.post")
    assert "cuenta eliminada" in post.text and "conexión estable" in post.text
    assert name not in browser.page_source

    click_link(browser, "Iniciar sesión", within=browser.find_element(By.CSS_SELECTOR, "header.site nav"))
    fill(browser, "username", name)
    fill(browser, "password", PASSWORD)
    submit(browser)
    assert "incorrectos" in browser.find_element(By.CSS_SELECTOR, "main").text


def test_a_reply_reaches_the_other_member_as_a_notification(browser):
    """Ana opens a thread; Beto replies; Ana, back later, sees the count in the header, reads the
    notification and follows it to the reply, which reads it."""
    ana = unique("ana")
    register(browser, ana)
    open_thread(browser, "Antenas en Totonicapán", "¿Quién autoriza las antenas?")
    thread_url = browser.current_url
    logout(browser)
    register(browser, unique("beto"))
    browser.get(thread_url)
    fill(browser, "body", "La municipalidad, con consulta comunitaria.")
    submit(browser, "form.reply")
    logout(browser)

    login(browser, ana)
    avisos = browser.find_element(By.CSS_SELECTOR, "header.site nav a[href='/notifications']")
    assert avisos.find_element(By.TAG_NAME, "strong").text == "1"
    click_and_wait(browser, avisos)
    item = browser.find_element(By.CSS_SELECTOR, "ol.notifications li.unread")
    assert "respondió en su hilo «Antenas en Totonicapán»" in item.text
    assert "consulta comunitaria" in item.text
    click_and_wait(browser, item.find_element(By.TAG_NAME, "a"))
    assert "consulta comunitaria" in main_text(browser)
    assert browser.current_url.split("#")[1].startswith("p")
    assert browser.find_elements(By.CSS_SELECTOR, "header.site nav a[href='/notifications'] strong") == []


def test_search_with_and_without_accents(browser):
    register(browser, unique("diego"))
    open_thread(browser, "Autoridad de protección de datos", "Una autoridad independiente y con presupuesto",
                board_title="Protección de los datos e información de los usuarios de Internet")
    for words in ["proteccion autoridad", "PROTECCIÓN"]:
        click_link(browser, "Buscar")
        fill(browser, "q", words)
        submit(browser)
        hits = browser.find_elements(By.CSS_SELECTOR, "ol.hits li")
        assert any("Autoridad de protección de datos" in hit.text for hit in hits), words


def test_change_language_to_english_and_back(browser):
    open_page(browser, "/b/banda-ancha")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "es"
    click_button(browser, "//footer//button[normalize-space()='English']")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert browser.current_url.endswith("/b/banda-ancha"), "the switch comes back to the same page"
    assert "Search" in nav_text(browser)
    click_button(browser, "//footer//button[normalize-space()='Español']")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "es"
    assert "Buscar" in nav_text(browser)


def test_javascript_is_really_off(browser):
    browser.get("data:text/html,<title>antes</title><script>document.title='despues'</script>")
    assert browser.title == "antes"
