"""Replies posted at a steady rate for bench/mixed.sh: one signed-in member (the session cookie
and CSRF token given), each reply to a random thread of the list, for a number of seconds.
Prints how many the forum accepted (303) and how many it refused or failed."""
import http.client, random, sys, time

port, session, token, rate, seconds, ids = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5]), sys.argv[6]
threads = [line.strip() for line in open(ids) if line.strip()]
accepted = refused = 0
if rate > 0:
    connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=10)
    start = time.monotonic()
    n = 0
    while time.monotonic() - start < seconds:
        n += 1
        body = f"csrf_token={token}&body=Respuesta+medida+{n}+{random.randrange(10**9)}+sobre+cobertura"
        try:
            connection.request("POST", f"/t/{random.choice(threads)}/reply", body, {
                "Cookie": f"cabildo_session={session}", "Content-Type": "application/x-www-form-urlencoded"})
            response = connection.getresponse()
            response.read()
            if response.status == 303: accepted += 1
            else: refused += 1
        except OSError:
            refused += 1
            connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=10)
        # The next reply when it is due, not after a fixed pause: a slow answer does not lower the rate.
        delay = start + n / rate - time.monotonic()
        if delay > 0: time.sleep(delay)
print(accepted, refused)
