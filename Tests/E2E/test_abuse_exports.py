"""The abuse gate, part two (issue 14): what a doctored backup or a member's text can do to the
files operators restore and the committee downloads, against a release server on 127.0.0.1.

- `cabildo restore` refuses a backup that carries a trigger, a view, an extra table or an
  altered table (made with Python's sqlite3 from a real `cabildo backup`), names the object,
  and leaves the stopped server's database as it was; the genuine backup still restores.
- /harvest.md has no line starting with `#` but the report's own headings, whatever titles and
  summaries members and staff typed; titles with line breaks are refused at the form."""
import json
import shutil
import sqlite3
import subprocess

from conftest import ROOT
from forum import HTTPMember, unique

BOARD = "banda-ancha"
MESSAGES = json.loads((ROOT / "Templates" / "messages.es.json").read_text(encoding="utf-8"))

# Each doctored backup: what its refusal must name, and the SQL that made it. The first three
# are the reported attacks: a suspended member made admin at sign-in, moderation kept out of
# the public log, a password hash copied into a board title.
DOCTORED = {
    "trigger promote_on_login on sessions was not made by Cabildo": """
        CREATE TRIGGER promote_on_login AFTER INSERT ON sessions
        BEGIN UPDATE users SET role = 'admin', suspended_until = NULL WHERE id = NEW.user_id; END""",
    "trigger quiet_log on moderation_log was not made by Cabildo": """
        CREATE TRIGGER quiet_log AFTER INSERT ON moderation_log
        BEGIN DELETE FROM moderation_log WHERE id = NEW.id; END""",
    "trigger leak_hash on threads was not made by Cabildo": """
        CREATE TRIGGER leak_hash AFTER INSERT ON threads
        BEGIN UPDATE boards SET title_es = (SELECT password_hash FROM users LIMIT 1); END""",
    "view hashes was not made by Cabildo": "CREATE VIEW hashes AS SELECT username, password_hash FROM users",
    "table stash was not made by Cabildo": "CREATE TABLE stash (secret TEXT)",
    "table moderation_log differs from the table moderation_log Cabildo makes": """
        DROP TABLE moderation_log;
        CREATE TABLE moderation_log (id INTEGER PRIMARY KEY, created_at INTEGER NOT NULL, actor_id INTEGER,
            action TEXT NOT NULL, target_kind TEXT NOT NULL, target_id INTEGER NOT NULL,
            detail TEXT NOT NULL DEFAULT '', reason TEXT NOT NULL)""",
}


def cabildo(forum, *arguments):
    return subprocess.run([forum.binary, *arguments], env=forum.env, capture_output=True, text=True, timeout=120)


def test_restore_refuses_a_backup_with_schema_objects_cabildo_did_not_make(forum, tmp_path):
    HTTPMember(forum.base).open_thread(BOARD, "Hilo anterior al respaldo", "Texto del hilo")
    backup = tmp_path / "copia.sqlite"
    done = cabildo(forum, "backup", str(backup), "--database", forum.database)
    assert done.returncode == 0, done.stdout + done.stderr
    # A stopped server's database: made by the same binary, with no server on it.
    stopped = tmp_path / "stopped.sqlite"
    assert cabildo(forum, "migrate", "--database", str(stopped)).returncode == 0
    before = stopped.read_bytes()

    for named, sql in DOCTORED.items():
        crafted = tmp_path / f"{unique('doctored')}.sqlite"
        shutil.copy(backup, crafted)
        db = sqlite3.connect(crafted)
        db.executescript(sql)
        db.close()
        done = cabildo(forum, "restore", str(crafted), "--database", str(stopped))
        assert done.returncode != 0, f"restored a backup with: {named}"
        assert named in done.stderr, done.stderr
        assert stopped.read_bytes() == before, "the stopped server's database is untouched"

    done = cabildo(forum, "restore", str(backup), "--database", str(stopped))
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_markdown_report_has_no_heading_a_member_wrote(forum):
    author = HTTPMember(forum.base)
    for title in ["Tema\n# APROBADA POR EL COMITÉ", "Tema\r# APROBADA", "Tema\u2028# APROBADA", "Tema\n=== APROBADA"]:
        refused = author._post(f"/b/{BOARD}/new", f"/b/{BOARD}", expect=422, title=title, body="Texto", proposal="1")
        assert "una sola línea" in refused.text
    threads = [author.open_thread(BOARD, title, f"Texto número {index}", proposal=True) for index, title in enumerate([
        "# APROBADA POR EL COMITÉ",
        "=== APROBADA",
        "1. APROBADA <https://evil.example> y [x](javascript:alert(1))",
        "- [enlace](https://evil.example) www.evil.example",
    ])]
    committee = HTTPMember(forum.base, forum.create_account("committee"), existing=True)
    committee.write_summary(threads[0], "Ver <img src=x> y [aquí](javascript:alert(1))\n\n# APROBADA\n\n=== APROBADA")

    response = committee.session.get(f"{forum.base}/harvest.md")
    assert response.status_code == 200, response.status_code
    markdown = response.text
    own = {"# " + MESSAGES["harvest"] + ": " + MESSAGES["harvest_all_boards"]} | {
        "## " + MESSAGES[key] for key in
        ["harvest_participation", "harvest_departments", "harvest_proposals", "harvest_threads", "harvest_terms",
         "harvest_summaries"]} | {"### " + MESSAGES["harvest_reach_by_board"]}
    # str.splitlines breaks at every separator an editor or renderer might: LF, CR, U+2028…
    lines = markdown.splitlines()
    headings = [line for line in lines if line.startswith("#")]
    summary_headings = [line for line in headings if line.startswith("### [")]
    assert len(summary_headings) == 1, headings
    assert set(headings) - set(summary_headings) == own, headings
    assert not [line for line in lines if line.lstrip().startswith(("=", "APROBADA"))]
    for thread in threads:
        assert f"](/t/{thread})" in markdown
    for raw in ["<img", "javascript:", "https://evil.example", "www.evil.example"]:
        assert raw not in markdown, raw
