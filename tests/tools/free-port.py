#!/usr/bin/python3
"""Print a loopback port free for both TCP and UDP, for a test's simulated board.

A port the kernel hands out (bind to port 0) lies in its ephemeral range, and
once the test closes its probe socket the kernel may hand the same port to
any other socket: another test's UDP sender or outgoing connection takes it
before the test's board binds it ("Address already in use"; tests run side by
side, tests/run-integration.sh).  The kernel never hands out ports below its
ephemeral range, so these come from there: a counter in a file under an
exclusive lock (shared by every test and every concurrent run on the
machine) gives each caller the next port that both a TCP and a UDP socket
can bind at that moment, so two tests never get the same one.  Falls back
to a kernel-chosen port where the ephemeral range starts too low to leave
room below it."""
import fcntl
import socket

LOW = 20000          # ports [LOW, ephemeral range start) are ours to hand out
STATE = "/tmp/ledsign-tests-ports"


def bindable(port):
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
        s = socket.socket(socket.AF_INET, kind)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        finally:
            s.close()
    return True


def kernel_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            high = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        high = 32768
    span = high - LOW
    if span < 1000:
        print(kernel_port())
        return
    try:
        f = open(STATE, "a+")
    except OSError:      # another user's counter: theirs, not ours to move
        print(kernel_port())
        return
    with f:
        fcntl.flock(f, fcntl.LOCK_EX)
        f.seek(0)
        try:
            n = int(f.read().strip() or 0) % span
        except ValueError:
            n = 0
        port = 0
        for i in range(span):
            if bindable(LOW + (n + i) % span):
                port = LOW + (n + i) % span
                break
        f.seek(0)
        f.truncate()
        f.write("%d\n" % ((n + i + 1) % span))
    print(port or kernel_port())


main()
