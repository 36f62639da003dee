"""Latency summaries the abuse gates print and assert on."""
import statistics


def report(name, latencies):
    """Prints count, median, p99 and max of `latencies` (seconds) under `name`; returns the p99."""
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(f"{name}: {len(ordered)} requests, median {statistics.median(ordered) * 1000:.0f} ms, "
          f"p99 {p99 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms")
    return p99
