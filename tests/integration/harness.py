"""Helpers for integration tests: the real newsflowd binary, its development broker, and
independent Kafka clients (kafka-python and kcat) to talk to it.

Environment: NEWSFLOWD (path to the binary). Loopback only; every wait is bounded.
"""
import json
import os
import signal
import socket
import sys
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

NEWSFLOWD = os.environ.get("NEWSFLOWD", "newsflowd")


class DevBroker:
    """`newsflowd devbroker` in a subprocess; `down()`/`up()` inject an outage."""

    def __init__(self, topics, brokers=1):
        self.proc = subprocess.Popen([NEWSFLOWD, "devbroker", "--topics", topics, "--brokers", str(brokers)],
                                     stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        line = self.proc.stdout.readline().decode()
        if not line.startswith("bootstrap: "):
            self.proc.kill()
            raise RuntimeError("devbroker did not start: %r" % line)
        self.bootstrap = line.split(": ", 1)[1].strip()

    def command(self, text):
        self.proc.stdin.write((text + "\n").encode())
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().decode().strip()
        if answer != "ok":
            raise RuntimeError("devbroker %s: %s" % (text, answer))

    def down(self):
        self.command("down")

    def up(self):
        self.command("up")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Daemon:
    """`newsflowd run` in a subprocess, logging to a file."""

    def __init__(self, bootstrap, group="newsflow-test", config=None, extra=(), env=None):
        self.log = tempfile.NamedTemporaryFile(prefix="newsflowd-", suffix=".log", delete=False)
        args = [NEWSFLOWD, "run", "--brokers", bootstrap, "--group", group, "--input", "articles",
                "--output", "articles.enriched", "--dead-letter", "articles.dlq"]
        if config:
            args += ["--config", config]
        if "--http-port" not in extra:
            args += ["--http-port", "0"]  # several daemons on one host: no shared metrics port
        self.proc = subprocess.Popen(args + list(extra), stdout=self.log, stderr=subprocess.STDOUT,
                                     env=dict(os.environ, **(env or {})))

    def log_text(self):
        with open(self.log.name, errors="replace") as f:
            return f.read()

    def rss_peak_kib(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return 0

    def terminate(self, timeout=60):
        """SIGTERM; returns (exit code, seconds it took)."""
        start = time.time()
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            print("daemon still running %d s after SIGTERM; its log ends:\n%s"
                  % (timeout, self.log_text()[-4000:]), file=sys.stderr)
            raise
        return code, time.time() - start

    def kill(self):
        self.proc.kill()
        self.proc.wait()

    def close(self):
        if self.proc.poll() is None:
            self.kill()
        os.unlink(self.log.name)


def close_daemons(daemons):
    """Kills what still runs; prints the log of any that had ended with an error."""
    for d in daemons:
        if d.proc.poll() is not None and d.proc.returncode not in (0, -9):
            print(d.log_text()[-3000:], file=sys.stderr)
        d.close()


def article(n, partition, body_words=40):
    words = ("minister said markets talks city police report election budget trade summit "
             "agreement energy prices inflation exports").split()
    body = " ".join(words[(n * 7 + i) % len(words)] for i in range(body_words))
    return {"id": "a%06d" % n, "seq": n, "partition": partition, "title": "Story %d" % n,
            "text": "Article %d. %s." % (n, body.capitalize()), "extra": {"n": n, "big": 10 ** 25}}


def produce_kafka_python(bootstrap, topic, records):
    """records: (partition, key bytes or None, value bytes, headers list)."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5, retries=5)
    futures = [producer.send(topic, value=v, key=k, partition=p, headers=h) for p, k, v, h in records]
    producer.flush(timeout=60)
    for f in futures:
        f.get(timeout=60)
    producer.close(timeout=10)


def produce_kcat(bootstrap, topic, partition, lines):
    """One message per line, keyed with 'key<TAB>value' lines."""
    data = "".join(l + "\n" for l in lines).encode()
    subprocess.run(["kcat", "-P", "-b", bootstrap, "-t", topic, "-p", str(partition), "-K", "\t"],
                   input=data, check=True, timeout=120)


class Reader:
    """Reads every partition of a topic from the beginning, without a consumer group."""

    def __init__(self, bootstrap, topic, partitions):
        self.consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                                      auto_offset_reset="earliest", consumer_timeout_ms=500)
        self.tps = [TopicPartition(topic, p) for p in range(partitions)]
        self.consumer.assign(self.tps)
        self.consumer.seek_to_beginning(*self.tps)
        self.messages = []

    def poll(self):
        batch = self.consumer.poll(timeout_ms=500, max_records=5000)
        for tp in sorted(batch, key=lambda t: t.partition):
            self.messages.extend(batch[tp])
        return len(self.messages)

    def until(self, predicate, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            self.poll()
            if predicate(self.messages):
                return True
        return predicate(self.messages)

    def close(self):
        self.consumer.close()


def wait_until(predicate, timeout, step=0.2):
    """The first truthy value of predicate() within `timeout` seconds, else its last value."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


def free_port():
    """A TCP port nothing listens on now (the OS's choice)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(port, path, timeout=5):
    """(status, body) of GET http://127.0.0.1:port/path; (None, error) when nothing answers."""
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except OSError as e:
        return None, str(e)


def ids(messages):
    return [json.loads(m.value)["id"] for m in messages]
