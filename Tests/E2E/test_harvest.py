"""Proposals and the committee's harvest on a phone with JavaScript off: members mark a thread
as a proposal and endorse it, a committee member writes a thread's synthesis and reads the
harvest (page, charts, key terms, CSV), and nobody else may open it.

Members who only need to be there are seeded over HTTP through the same forms; committee,
moderator and admin accounts come from `cabildo admin create`."""
import csv
import io
import json
import re

import pytest
import requests
from selenium.webdriver.common.by import By

from forum import (PASSWORD, HTTPMember, click_and_wait, click_link, fill, heading, login, logout, main_text, open_page, register,
                   session_cookies, submit, unique)

BOARD = "banda-ancha"
BOARD_TITLE = "Desarrollo sostenible de la banda ancha en Guatemala"
# The summary-and-harvest test has this board to itself, so its numbers are exact.
HARVEST_BOARD = "pagos-y-documentos-electronicos"
HARVEST_BOARD_TITLE = "Pagos electrónicos y aseguramiento de documentos"
GROUPS = ["Gobierno", "Sector privado", "Sociedad civil", "Academia", "Comunidad técnica", "Organismo internacional",
          "Persona individual"]


def support(driver):
    """The proposal's line on its thread page: tag, count and groups."""
    return driver.find_element(By.CSS_SELECTOR, "main section.support")


def endorse_buttons(driver):
    return driver.find_elements(By.CSS_SELECTOR, "section.support form button[type=submit]")


def press(driver, label):
    buttons = endorse_buttons(driver)
    assert [button.text for button in buttons] == [label], [button.text for button in buttons]
    click_and_wait(driver, buttons[0])


def board_entry(driver, thread):
    """The thread's line in the board list."""
    return driver.find_element(By.XPATH, f"//ul[@class='threads']/li[a[@href='/t/{thread}']]")


def test_members_endorse_a_proposal_and_one_takes_it_back(browser, second_browser, forum):
    # The author opens it through the form, ticking the box.
    author = unique("propone")
    register(browser, author, stakeholder="Sociedad civil")
    open_page(browser, "/")
    click_link(browser, BOARD_TITLE)
    click_link(browser, "Abrir un hilo")
    fill(browser, "title", "Fondo de servicio universal para redes comunitarias")
    fill(browser, "body", "Propongo que el fondo financie **redes comunitarias** en municipios sin cobertura.")
    box = browser.find_element(By.XPATH, "//label[normalize-space()='Es una propuesta para la agenda del próximo año']"
                                         "/input[@type='checkbox']")
    assert box.get_attribute("name") == "proposal" and not box.is_selected()
    box.click()
    submit(browser)
    assert heading(browser) == "Fondo de servicio universal para redes comunitarias"
    thread = int(browser.current_url.split("/t/")[1].split("#")[0])
    assert support(browser).find_element(By.CSS_SELECTOR, ".tag").text == "propuesta"
    assert "0 apoyos" in support(browser).text
    assert endorse_buttons(browser) == [], "nobody endorses their own proposal"
    logout(browser)
    open_page(browser, f"/t/{thread}")
    assert "0 apoyos" in support(browser).text
    assert endorse_buttons(browser) == [], "visitors who are not signed in see no button"

    # A member from academia endorses it.
    register(second_browser, unique("academica"), stakeholder="Academia")
    open_page(second_browser, f"/t/{thread}")
    press(second_browser, "Apoyar esta propuesta")
    assert second_browser.current_url == f"{forum.base}/t/{thread}#endorse"
    assert "1 apoyo · Academia 1" in support(second_browser).text
    assert [button.text for button in endorse_buttons(second_browser)] == ["Retirar mi apoyo"]

    # One from government too.
    register(browser, unique("funcionaria"), stakeholder="Gobierno")
    open_page(browser, f"/t/{thread}")
    press(browser, "Apoyar esta propuesta")
    line = support(browser).text
    assert "2 apoyos" in line and "Gobierno 1" in line and "Academia 1" in line, line
    assert [button.text for button in endorse_buttons(browser)] == ["Retirar mi apoyo"]

    # Academia takes it back.
    open_page(second_browser, f"/t/{thread}")
    press(second_browser, "Retirar mi apoyo")
    line = support(second_browser).text
    assert "1 apoyo · Gobierno 1" in line and "Academia" not in line, line
    assert [button.text for button in endorse_buttons(second_browser)] == ["Apoyar esta propuesta"]

    # The board list says the same.
    click_link(second_browser, BOARD_TITLE, within=second_browser.find_element(By.CSS_SELECTOR, "main .crumbs"))
    entry = board_entry(second_browser, thread)
    assert entry.find_element(By.CSS_SELECTOR, "small .tag").text == "propuesta"
    assert "propuesta 1 apoyo ·" in entry.text, entry.text
    assert author in entry.text


def test_a_committee_member_writes_a_synthesis_and_reads_the_harvest(browser, forum):
    # A proposal on a board of its own, discussed by three groups and endorsed by two others.
    title = "Firma electrónica gratuita para trámites municipales"
    author = HTTPMember(forum.base, stakeholder="civil-society", department="totonicapan")
    thread = author.open_thread(HARVEST_BOARD, title,
                                "Propongo que la firma electrónica avanzada sea gratuita para trámites municipales.",
                                proposal=True)
    teacher = HTTPMember(forum.base, stakeholder="academia", department="guatemala")
    teacher.reply(thread, "La firma electrónica avanzada necesita certificados emitidos en el país.")
    teacher.reply(thread, "Los certificados de firma electrónica podrían emitirlos las universidades.")
    HTTPMember(forum.base, stakeholder="technical-community").reply(
        thread, "La firma electrónica avanzada ya funciona en la SAT: se podría reutilizar.")
    HTTPMember(forum.base, stakeholder="government").endorse(thread)
    HTTPMember(forum.base, stakeholder="private-sector").endorse(thread)
    committee = forum.create_account("committee", "comite", stakeholder="technical-community")

    # The synthesis, through the link on the thread.
    login(browser, committee)
    open_page(browser, f"/t/{thread}")
    click_link(browser, "Escribir la síntesis de este hilo")
    assert heading(browser) == "Síntesis"
    assert browser.find_element(By.ID, "body").get_attribute("value") == ""
    synthesis = "Hay acuerdo en **reutilizar la firma de la SAT**; falta decidir quién emite los certificados."
    fill(browser, "body", synthesis)
    submit(browser)
    assert browser.current_url == f"{forum.base}/t/{thread}"
    summary = browser.find_element(By.CSS_SELECTOR, "main section.summary")
    assert summary.find_element(By.TAG_NAME, "h2").text == "Síntesis"
    assert summary.find_element(By.CSS_SELECTOR, ".body strong").text == "reutilizar la firma de la SAT"
    assert f"Escrita por {committee}" in summary.find_element(By.CSS_SELECTOR, ".meta").text
    atop = browser.find_elements(By.XPATH, "//main/section[@class='summary'][following-sibling::div[@class='tree']]")
    assert atop, "the synthesis comes before the posts"
    # Writing it again starts from the saved text.
    click_link(browser, "Escribir la síntesis de este hilo")
    assert browser.find_element(By.ID, "body").get_attribute("value") == synthesis

    # The harvest, typed into the address bar (no link leads there).
    open_page(browser, "/harvest")
    assert heading(browser) == "Cosecha: Todos los temas"
    assert proposal_line(browser, thread).startswith("2 de 7 sectores · 2 apoyos · puntuación 2.000")
    click_link(browser, HARVEST_BOARD_TITLE, within=browser.find_element(By.CSS_SELECTOR, "main nav.chips"))
    assert browser.current_url == f"{forum.base}/harvest?board={HARVEST_BOARD}"
    assert heading(browser) == f"Cosecha: {HARVEST_BOARD_TITLE}"
    current = browser.find_element(By.CSS_SELECTOR, "main nav.chips a[aria-current=page]")
    assert current.text == HARVEST_BOARD_TITLE

    proposals = browser.find_elements(By.CSS_SELECTOR, "main ol.posts > li")
    assert len(proposals) == 1, [p.text for p in proposals]
    assert proposals[0].find_element(By.TAG_NAME, "a").text == title
    assert "2 de 7 sectores · 2 apoyos · puntuación 2.000" in proposals[0].text
    assert "Gobierno 1 · Sector privado 1" in proposals[0].text

    # Participation by group: all seven, with who spoke and how much.
    tables = browser.find_elements(By.CSS_SELECTOR, "main table.numbers")
    assert [cell.text for cell in tables[0].find_elements(By.CSS_SELECTOR, "thead th")] == ["Sector", "Personas",
                                                                                            "Mensajes"]
    rows = {row.find_element(By.TAG_NAME, "th").text: [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
            for row in tables[0].find_elements(By.CSS_SELECTOR, "tbody tr")}
    assert list(rows) == GROUPS
    assert rows == {"Gobierno": ["0", "0"], "Sector privado": ["0", "0"], "Sociedad civil": ["1", "1"],
                    "Academia": ["1", "2"], "Comunidad técnica": ["1", "1"], "Organismo internacional": ["0", "0"],
                    "Persona individual": ["0", "0"]}, rows
    assert re.search(r"\b4 mensajes en (1 día|2 días)\.", main_text(browser)), "4 posts, today (or since yesterday)"
    # Participation by department: every value, counted once per person, and the reach beyond the capital.
    departments = {row.find_element(By.TAG_NAME, "th").text: row.find_element(By.TAG_NAME, "td").text
                   for row in tables[1].find_elements(By.CSS_SELECTOR, "tbody tr")}
    assert len(departments) == 24
    assert (departments["Totonicapán"], departments["Guatemala"], departments["Prefiero no decirlo"]) == ("1", "1", "1")
    assert "1 de 2 participantes que indicaron su departamento (50 %)" in main_text(browser)
    engagement = tables[2].find_element(By.XPATH, f".//tr[th/a[@href='/t/{thread}']]")
    assert [cell.text for cell in engagement.find_elements(By.TAG_NAME, "td")] == ["3", "3", "2"]
    assert engagement.find_element(By.CSS_SELECTOR, "th .tag").text == "propuesta"

    # The three charts, drawn on the server, with names for screen readers; by department, only those someone wrote from.
    charts = browser.find_elements(By.CSS_SELECTOR, "main svg.chart[role=img]")
    assert [chart.get_attribute("aria-label") for chart in charts] == ["Personas que participaron, por sector",
                                                                       "Participantes por departamento",
                                                                       "Mensajes publicados cada día"]
    assert len(charts[0].find_elements(By.CSS_SELECTOR, "rect.bar")) == 7
    assert len(charts[1].find_elements(By.CSS_SELECTOR, "rect.bar")) == 3
    assert charts[2].find_elements(By.CSS_SELECTOR, "rect.bar")

    # The synthesis is in the harvest too.
    summaries = browser.find_element(By.XPATH, "//h2[normalize-space()='Síntesis']/following-sibling::div[@class='body']")
    assert "reutilizar la firma de la SAT" in summaries.text

    # A key term leads to a search for it.
    terms = browser.find_elements(By.XPATH, "//h2[normalize-space()='Términos clave']/following-sibling::p[@class='chips'][1]/a")
    assert terms, "the board has key terms"
    labels = [term.text for term in terms]
    assert "firma" in labels or "firma electronica" in labels, labels
    term = labels[0]
    click_and_wait(browser, terms[0])
    assert "/search?q=" in browser.current_url
    assert heading(browser) == "Buscar"
    assert browser.find_element(By.ID, "q").get_attribute("value") == term
    assert browser.find_elements(By.CSS_SELECTOR, "ol.hits li"), f"a search for «{term}» finds the posts"

    # The CSV, downloaded as the same committee member.
    response = requests.get(f"{forum.base}/harvest.csv?board={HARVEST_BOARD}", cookies=session_cookies(browser))
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["Content-Disposition"] == 'attachment; filename="cabildo-harvest.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert [row["id"] for row in rows] == [str(thread)]
    row = rows[0]
    assert row["board"] == HARVEST_BOARD and row["title"] == title and row["url"].endswith(f"/t/{thread}")
    assert (row["is_proposal"], row["replies"], row["participants"], row["endorsements"]) == ("yes", "3", "3", "2")
    assert (row["endorsements_government"], row["endorsements_private_sector"], row["endorsements_academia"]) == \
        ("1", "1", "0")
    assert (row["groups_reached"], row["bridging_score"]) == ("2", "2.000")
    assert row["summary"] == synthesis
    whole = requests.get(f"{forum.base}/harvest.csv", cookies=session_cookies(browser))
    assert str(thread) in [row["id"] for row in csv.DictReader(io.StringIO(whole.content.decode("utf-8")))]

    # The other two downloads carry the same proposal.
    report = requests.get(f"{forum.base}/harvest.json?board={HARVEST_BOARD}", cookies=session_cookies(browser)).json()
    assert [(p["id"], p["groups_reached"], p["endorsements"]) for p in report["proposals"]] == [(thread, 2, 2)]
    markdown = requests.get(f"{forum.base}/harvest.md?board={HARVEST_BOARD}", cookies=session_cookies(browser)).text
    assert title in markdown and "2 de 7 sectores · 2 apoyos · puntuación 2.000" in markdown

    # Without the session, no harvest.
    assert requests.get(f"{forum.base}/harvest.csv").status_code == 403

    # A new endorsement shows at once: the cached harvest is dropped on every write.
    HTTPMember(forum.base, stakeholder="international-organization").endorse(thread)
    open_page(browser, f"/harvest?board={HARVEST_BOARD}")
    assert "3 de 7 sectores · 3 apoyos · puntuación 3.000" in proposal_line(browser, thread)


def proposal_line(driver, thread):
    item = driver.find_element(By.XPATH, f"//main/ol[@class='posts']/li[a[@href='/t/{thread}']]")
    return item.find_element(By.TAG_NAME, "small").text


def test_a_member_who_opens_the_harvest_gets_a_403(browser, forum):
    member = unique("curiosa")
    register(browser, member)
    open_page(browser, "/harvest")
    assert heading(browser) == "Algo salió mal (403)"
    assert "No tiene permiso para hacer eso." in main_text(browser)
    assert browser.find_elements(By.CSS_SELECTOR, "svg.chart") == []
    cookies = session_cookies(browser)
    for path in ["/harvest", "/harvest.csv", "/harvest.json", "/harvest.md", f"/harvest?board={BOARD}"]:
        response = requests.get(forum.base + path, cookies=cookies)
        assert response.status_code == 403, (path, response.status_code)
        assert "Firma electrónica" not in response.text

    # A visitor who is not signed in gets the same, with a way to sign in that comes back.
    logout(browser)
    open_page(browser, "/harvest")
    assert heading(browser) == "Algo salió mal (403)"
    click_link(browser, "Iniciar sesión", within=browser.find_element(By.TAG_NAME, "main"))
    assert browser.current_url == f"{forum.base}/login?next=%2Fharvest"
    fill(browser, "username", member)
    fill(browser, "password", PASSWORD)
    submit(browser)
    assert browser.current_url == f"{forum.base}/harvest", "back where they were going"
    assert heading(browser) == "Algo salió mal (403)", "and still not allowed"


@pytest.mark.parametrize("role, harvest, synthesis", [
    ("member", 403, False), ("moderator", 403, True), ("committee", 200, True), ("admin", 200, True)])
def test_who_may_read_the_harvest_and_write_a_synthesis(forum, role, harvest, synthesis):
    starter = HTTPMember(forum.base)
    thread = starter.open_thread(BOARD, "Cobertura en la Franja Transversal del Norte", "¿Qué operadores llegan?")
    person = HTTPMember(forum.base) if role == "member" else HTTPMember(forum.base, forum.create_account(role), existing=True)
    assert person.session.get(forum.base + "/harvest").status_code == harvest
    assert person.session.get(forum.base + "/harvest.json").status_code == harvest
    page = person.session.get(f"{forum.base}/t/{thread}").text
    assert ("Escribir la síntesis de este hilo" in page) == synthesis
    assert person.session.get(f"{forum.base}/t/{thread}/summary").status_code == (200 if synthesis else 403)
    if harvest == 200:
        json.loads(person.session.get(forum.base + "/harvest.json").text)
