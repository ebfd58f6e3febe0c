"""UDP round trips between two network namespaces, for bench/netns-bench.sh's link check.

  netns-rtt.py server ADDRESS        echo 64-byte datagrams on ADDRESS:9999 until "stop" or 30 s idle
  netns-rtt.py client ADDRESS COUNT  send COUNT of them one at a time, print min / p50 / p90 / p99

What the bench's links give a lone message (the added delay, twice, plus the path's own cost), to
compare with the delay asked for; ping is not on every machine.
"""
import socket
import sys
import time

PORT = 9999

if len(sys.argv) < 3 or sys.argv[1] not in ("server", "client"):
    sys.exit(__doc__)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
if sys.argv[1] == "server":
    s.bind((sys.argv[2], PORT))
    s.settimeout(30)
    while True:
        try:
            data, peer = s.recvfrom(2048)
        except socket.timeout:
            break
        if data == b"stop":
            break
        s.sendto(data, peer)
else:
    host, count = sys.argv[2], int(sys.argv[3])
    s.settimeout(2)
    rtts = []
    for _ in range(count):
        start = time.perf_counter_ns()
        s.sendto(b"x" * 64, (host, PORT))
        s.recvfrom(2048)
        rtts.append((time.perf_counter_ns() - start) / 1e6)
        time.sleep(0.001)
    s.sendto(b"stop", (host, PORT))
    rtts.sort()
    print("min %.3f p50 %.3f p90 %.3f p99 %.3f ms over %d round trips" % (
        rtts[0], rtts[len(rtts) // 2], rtts[int(len(rtts) * 0.9)], rtts[int(len(rtts) * 0.99)], count))
