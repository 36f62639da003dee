"""Replies posted at a steady rate for bench/mixed.sh: one signed-in member (the session cookie
and CSRF token given), each reply to a random thread of the list, for a number of seconds,
from a few connections at once so a slow answer does not lower the rate. Prints how many the
forum accepted (303) and how many it refused or failed."""
import http.client, random, sys, threading, time

port, session, token, rate, seconds, ids = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5]), sys.argv[6]
threads = [line.strip() for line in open(ids) if line.strip()]
counts = {"accepted": 0, "refused": 0}
lock = threading.Lock()


def writer(worker, workers):
    connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=10)
    start = time.monotonic()
    n = 0
    while time.monotonic() - start < seconds:
        n += 1
        body = f"csrf_token={token}&body=Respuesta+medida+{worker}-{n}-{random.randrange(10**9)}+sobre+cobertura"
        try:
            connection.request("POST", f"/t/{random.choice(threads)}/reply", body, {
                "Cookie": f"cabildo_session={session}", "Content-Type": "application/x-www-form-urlencoded"})
            response = connection.getresponse()
            response.read()
            outcome = "accepted" if response.status == 303 else "refused"
        except OSError:
            outcome = "refused"
            connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=10)
        with lock:
            counts[outcome] += 1
        # The next reply when it is due, not after a fixed pause.
        delay = start + n * workers / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)


if rate > 0:
    workers = max(1, min(8, int(rate)))
    pool = [threading.Thread(target=writer, args=(w, workers)) for w in range(workers)]
    for t in pool: t.start()
    for t in pool: t.join()
print(counts["accepted"], counts["refused"])
