#!/usr/bin/env python3
"""Floods one running server on 127.0.0.1 and measures what other visitors meet meanwhile.

  search:   WORKERS threads send the broadest searches for SECONDS; a reader loads /healthz and
            a profile page one after another. Prints the searches' answers and their time, and
            the reader's median, p99 and max.
  markdown: WORKERS members edit their posts with a 20 k-character table row of 10 k cells
            (quadratic in cmark-gfm 0.29) and the largest table the bounds allow; a reader loads
            /healthz. (Needs rate limits off.)

Usage: bench/abuse.py BASE_URL search|markdown [SECONDS] [WORKERS]. Bounded by SECONDS; stops by itself."""
import re
import statistics
import sys
import threading
import time
import uuid

import requests

BROAD_SEARCHES = ["d* p* c* e* s* l* a* r* m* t* i* n*", "la* de* con* par* por* los*", "de la que el en y", "cobertura"]
PASSWORD = "una-clave-larga-1"


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def token(session, url):
    return re.search(r'name="csrf_token" value="([^"]+)"', session.get(url).text).group(1)


def flood(seconds, workers, action):
    answers, lock = [], threading.Lock()
    deadline = time.monotonic() + seconds

    def run(index):
        session, count = requests.Session(), 0
        while time.monotonic() < deadline:
            start = time.monotonic()
            status = action(session, index, count)
            with lock:
                answers.append((status, time.monotonic() - start))
            count += 1

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(workers)]
    for thread in threads:
        thread.start()
    return threads, answers, deadline


def sample(urls, until):
    session, latencies = requests.Session(), {url: [] for url in urls}
    while time.monotonic() < until:
        for url in urls:
            start = time.monotonic()
            session.get(url, timeout=60)
            latencies[url].append(time.monotonic() - start)
        time.sleep(0.02)
    return latencies


def summary(name, latencies):
    return (f"{name}: n={len(latencies)} median {statistics.median(latencies) * 1000:.0f} ms, "
            f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms")


def main():
    base, kind = sys.argv[1], sys.argv[2]
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 10
    workers = int(sys.argv[4]) if len(sys.argv) > 4 else 16
    watched = [base + "/healthz"]
    if kind == "search":
        watched.append(base + "/u/demo-comite")
        action = lambda session, index, count: session.get(
            base + "/search", params={"q": BROAD_SEARCHES[(index + count) % 2]}, timeout=120).status_code
    else:
        members = []
        for _ in range(workers):
            session = requests.Session()
            name = "flood_" + uuid.uuid4().hex[:8]
            session.post(base + "/register", data={"username": name, "password": PASSWORD, "password_confirmation": PASSWORD,
                                                   "stakeholder": "academia", "csrf_token": token(session, base + "/register")})
            made = session.post(base + "/b/banda-ancha", allow_redirects=False, data={
                "title": "Tabla de cobertura", "body": "| a | b |\n| - | - |\n| 1 | 2 |",
                "csrf_token": token(session, base + "/b/banda-ancha/new")})
            thread = made.headers["Location"].split("/")[-1]
            post = re.search(r'href="/p/(\d+)/edit"', session.get(base + "/t/" + thread).text).group(1)
            members.append((session, post))
        row = "| a " * 20 + "|"
        bodies = ["x|x\n-|-\n" + "x|" * 9_990, "\n".join([row, "| - " * 20 + "|"] + [row] * 88)]

        def action(_, index, count):
            session, post = members[index]
            data = {"body": bodies[count % 2] + f"\n\n{count}", "csrf_token": token(session, f"{base}/p/{post}/edit")}
            return session.post(f"{base}/p/{post}/edit", data=data, allow_redirects=False).status_code
    quiet = sample(watched, time.monotonic() + 2)
    threads, answers, deadline = flood(seconds, workers, action)
    time.sleep(0.5)
    loaded = sample(watched, deadline)
    for thread in threads:
        thread.join(timeout=180)
    statuses = {}
    for status, _ in answers:
        statuses[status] = statuses.get(status, 0) + 1
    print(f"{kind} flood: {workers} workers, {seconds:.0f} s, answers {statuses}; "
          + summary("flood requests", [t for _, t in answers]))
    for url in watched:
        path = url[len(base):]
        print("  " + summary(f"{path} quiet", quiet[url]))
        print("  " + summary(f"{path} during", loaded[url]))


if __name__ == "__main__":
    main()
