"""Command-line tests: run the built newsflowd binary as a user would.

Environment: NEWSFLOWD (path to the binary), NEWSFLOW_TEST_DATA (tests/data).
Standard library only, so they run anywhere Python 3 does.
"""
import json
import os
import pty
import queue
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest

NEWSFLOWD = os.environ.get("NEWSFLOWD", "newsflowd")
DATA = os.environ.get("NEWSFLOW_TEST_DATA", os.path.join(os.path.dirname(__file__), "..", "data"))
ARTICLES = os.path.join(DATA, "articles.jsonl")


def run(args, stdin=None, timeout=120, env=None):
    return subprocess.run([NEWSFLOWD] + args, input=stdin, capture_output=True, timeout=timeout,
                          env=env)


def lines(data):
    return [json.loads(l) for l in data.decode().splitlines() if l.strip()]


def without_enrichment(obj):
    return {k: v for k, v in obj.items() if k != "enrichment"}


class Workdir(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.dir = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, content):
        mode = "wb" if isinstance(content, bytes) else "w"
        with open(self.path(name), mode) as f:
            f.write(content)
        return self.path(name)


class VersionAndHelp(unittest.TestCase):
    def test_version_names_the_program_and_its_libraries(self):
        r = run(["version"])
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout.decode(), r"^newsflowd \d+\.\d+\.\d+\n")
        self.assertIn("simdjson", r.stdout.decode())

    def test_every_command_has_help(self):
        for cmd, option in [("process", "--workers"), ("check-config", "--config"), ("version", ""),
                            ("run", "--dead-letter"), ("devbroker", "--topics")]:
            r = run([cmd, "--help"])
            self.assertEqual(r.returncode, 0, cmd)
            self.assertIn(option, r.stdout.decode(), cmd)
        r = run(["--help"])
        self.assertEqual(r.returncode, 0)
        for cmd in ("run", "process", "check-config", "version", "devbroker"):
            self.assertIn(cmd, r.stdout.decode())

    def test_run_refuses_a_bad_configuration_before_connecting(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "c.yaml")
            with open(path, "w") as f:
                f.write("kafka:\n  consumer: {enable.auto.offset.store: 'true'}\n  output: articles\n")
            r = run(["run", "--config", path], timeout=30)
            self.assertEqual(r.returncode, 2)
            err = r.stderr.decode()
            self.assertIn("kafka.consumer.enable.auto.offset.store: must stay false", err)
            self.assertIn("kafka.output: must differ from the input topic 'articles'", err)

    def test_usage_errors_exit_2_and_say_what_is_wrong(self):
        r = run([])
        self.assertEqual(r.returncode, 2)
        self.assertIn("--help", r.stderr.decode())
        r = run(["process", "--workers", "0"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("workers", r.stderr.decode())
        r = run(["frobnicate"])
        self.assertEqual(r.returncode, 2)


class Process(Workdir):
    def test_demo_articles_come_out_enriched_in_order_with_every_field_kept(self):
        out = self.path("out.jsonl")
        r = run(["process", "--input", ARTICLES, "--output", out])
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        with open(ARTICLES) as f:
            inputs = [json.loads(l) for l in f]
        with open(out, "rb") as f:
            outputs = lines(f.read())
        self.assertEqual(len(outputs), len(inputs))
        for i, o in zip(inputs, outputs):
            self.assertIn("enrichment", o)
            self.assertEqual(o["enrichment"]["pipeline"]["version"], run(["version"]).stdout.decode().split()[1])
            self.assertIn("normalize", o["enrichment"]["pipeline"]["timings_us"])
            if "text" in i:
                self.assertEqual(without_enrichment(o), i)
        # Big integers survive byte for byte, not through a double.
        with open(out) as f:
            self.assertIn('"views": 1234567890123456789012', f.read())
        self.assertRegex(r.stderr.decode(), r"8 in, 8 out, 0 rejected, 0 dropped")

    def test_each_demo_article_gets_its_language(self):
        r = run(["process", "--input", ARTICLES])
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        got = [o["enrichment"]["language"] for o in lines(r.stdout)]
        self.assertEqual([g["code"] for g in got], ["en", "es", "de", "en", "fr", "en", "nl", "ja"])
        for g in got:
            self.assertGreater(g["confidence"], 0.5)
            self.assertLessEqual(g["confidence"], 1.0)
        # Text with no letters at all is undetermined, not guessed.
        r = run(["process"], stdin=b'{"id": "n", "text": "12:30 -- 4,500 (+3.2%)"}\n')
        self.assertEqual(lines(r.stdout)[0]["enrichment"]["language"],
                         {"code": "und", "confidence": 0, "reliable": False})

    def test_html_only_article_gets_extracted_text(self):
        with open(ARTICLES) as f:
            html_article = [json.loads(l) for l in f][3]
        self.assertNotIn("text", html_article)
        r = run(["process"], stdin=(json.dumps(html_article) + "\n").encode())
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        [o] = lines(r.stdout)
        text = o["text"]
        self.assertIn("Nvidia reported record quarterly revenue of $35.1\u00a0billion".replace("\u00a0", " "), text)
        self.assertIn("\u201cin volume\u201d", text)  # entities decoded
        self.assertNotIn("tracking", text)  # script dropped
        self.assertNotIn("color:red", text)  # style dropped
        self.assertNotIn("Home", text)  # nav dropped
        self.assertNotIn("rights reserved", text)  # footer dropped
        self.assertIn("\n\n", text)  # paragraphs kept
        self.assertEqual(o["html"], html_article["html"])

    def test_round_trip_keeps_arbitrary_extra_fields_as_the_same_json_value(self):
        rng = random.Random(7)
        scalars = [0, -1, 2.5, 10**30, -(10**25), True, False, None, "", "plain", "quote \" back \\",
                   "\u00e9\u4e2d\U0001F600", "\u0000ctl\u001f", 1e300]

        def value(depth):
            k = rng.randrange(4) if depth < 4 else 0
            if k <= 1:
                return rng.choice(scalars)
            if k == 2:
                return [value(depth + 1) for _ in range(rng.randrange(4))]
            return {"k%d\u00e9" % i: value(depth + 1) for i in range(rng.randrange(4))}

        inputs = []
        for n in range(300):
            obj = {"f%d" % i: value(0) for i in range(rng.randrange(1, 6))}
            obj["text"] = "Article %d body." % n
            inputs.append(obj)
        encoded = "".join(json.dumps(o, ensure_ascii=rng.random() < 0.5) + "\n" for o in inputs)
        r = run(["process", "--quiet"], stdin=encoded.encode())
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        outputs = lines(r.stdout)
        self.assertEqual(len(outputs), len(inputs))
        for i, o in zip(inputs, outputs):
            self.assertEqual(without_enrichment(o), i)
            self.assertEqual(list(o.keys())[-1], "enrichment")

    def test_same_output_whatever_the_number_of_workers(self):
        config = self.write("c.yaml", "output:\n  pipeline_info: version\n")
        rng = random.Random(3)
        words = "the a minister said market rose fell talks city police report new year".split()
        docs = []
        for n in range(3000):
            body = " ".join(rng.choice(words) for _ in range(rng.randrange(5, 300)))
            docs.append(json.dumps({"id": str(n), "text": body.replace(" rose", "  rose\u00a0")}) + "\n")
            if n % 97 == 0:
                docs.append("{broken\n")
        data = "".join(docs).encode()
        results = []
        for workers in ("1", "2", "4"):
            r = run(["process", "--config", config, "--workers", workers, "--quiet",
                     "--errors", self.path("err%s" % workers)], stdin=data)
            self.assertEqual(r.returncode, 3)
            with open(self.path("err%s" % workers), "rb") as f:
                results.append((r.stdout, f.read()))
        self.assertEqual(results[0], results[1])
        self.assertEqual(results[0], results[2])
        self.assertEqual(len(lines(results[0][0])), 3000)

    def dedup_stream(self):
        """Demo articles with copies: resends under new ids, other outlets' furniture, cuts."""
        with open(ARTICLES) as f:
            originals = [json.loads(l) for l in f if '"text"' in l]
        stream, n = [], 0
        for rep in range(3):
            for a in originals:
                n += 1
                copy = dict(a, id="x%03d" % n)
                if rep == 1:
                    copy["text"] = "From our wire desk.\n\n" + a["text"] + "\n\nRead more on our site."
                elif rep == 2:
                    copy["text"] = a["text"][: len(a["text"]) * 3 // 4]
                stream.append(json.dumps(copy, ensure_ascii=False) + "\n")
        return stream

    def test_dedup_state_survives_a_restart_and_replays_give_the_first_decisions(self):
        stream = self.dedup_stream()
        config = self.write("c.yaml", "output: {pipeline_info: none}\nchain: [normalize, {type: dedup, state_dir: state}]\n")
        memory_only = self.write("m.yaml", "output: {pipeline_info: none}\nchain: [normalize, dedup]\n")
        decisions = lambda out: [o["enrichment"]["dedup"] for o in lines(out)]
        whole = run(["process", "--config", memory_only, "--quiet"], stdin="".join(stream).encode())
        self.assertEqual(whole.returncode, 0, whole.stderr.decode())
        expected = decisions(whole.stdout)
        self.assertGreater(sum(d["status"] != "unique" for d in expected), len(expected) // 2)
        half = len(stream) // 2
        first = run(["process", "--config", config, "--quiet"], stdin="".join(stream[:half]).encode())
        second = run(["process", "--config", config, "--quiet"], stdin="".join(stream[half:]).encode())
        self.assertEqual(first.returncode + second.returncode, 0, second.stderr.decode())
        self.assertEqual(decisions(first.stdout) + decisions(second.stdout), expected)
        # The whole stream again on the kept state: the same ids, so the same decisions.
        again = run(["process", "--config", config, "--quiet"], stdin="".join(stream).encode())
        self.assertEqual(decisions(again.stdout), expected)
        # check-config does not touch (or lock) the state.
        self.assertEqual(run(["check-config", "--config", config]).returncode, 0)

    def test_malformed_lines_each_get_one_error_record_with_a_distinct_reason(self):
        cases = [
            (b'{"text": "unterminated', "json.unclosed_string"),
            (b'{"text": "a",}', "json.syntax"),
            (b'[1, 2, 3]', "json.not_object"),
            (b'{"title": "no body"}', "article.missing_body"),
            (b'{"text": "caf\xe9"}', "input.invalid_utf8"),
            (b'{"text": "a\x00b"}', "input.nul_byte"),
            (b'{"text": "' + b"x" * (20 * 1024 * 1024) + b'"}', "input.too_large"),
            (b'{"text": "t", "x": ' + b"[" * 10000 + b"]" * 10000 + b"}", "json.too_deep"),
            (b'{"text": "a", "text": "b"}', "json.duplicate_key"),
            (b'{"text": "t", "title": 42}', "article.bad_field_type"),
            (b"   \t ", "input.blank"),
        ]
        good = b'{"text": "fine"}'
        data = b"".join(c + b"\n" + good + b"\n" for c, _ in cases)
        inp = self.write("in.jsonl", data)
        r = run(["process", "--input", inp, "--output", self.path("out"), "--errors", self.path("err")])
        self.assertEqual(r.returncode, 3, r.stderr.decode()[-2000:])
        with open(self.path("out"), "rb") as f:
            self.assertEqual(len(lines(f.read())), len(cases))
        with open(self.path("err"), "rb") as f:
            errors = lines(f.read())
        self.assertEqual(len(errors), len(cases))
        self.assertEqual([e["reason"] for e in errors], [reason for _, reason in cases])
        self.assertEqual(len({e["reason"] for e in errors}), len(cases))
        for n, (e, (raw, _)) in enumerate(zip(errors, cases)):
            self.assertEqual(e["line"], 2 * n + 1)
            self.assertEqual(e["source"], inp)
            self.assertTrue(e["message"])
            if len(raw) < 4096 and e["reason"] != "input.invalid_utf8":
                self.assertEqual(e["input"].encode(), raw)
        too_large = errors[6]
        self.assertTrue(too_large["input_truncated"])
        self.assertEqual(too_large["input_bytes"], len(cases[6][0]))
        import base64
        self.assertEqual(base64.b64decode(errors[4]["input_base64"]), cases[4][0])
        self.assertRegex(r.stderr.decode(), r"22 in, 11 out, 11 rejected")

    def test_errors_go_to_stderr_by_default_and_quiet_silences_the_summary(self):
        r = run(["process"], stdin=b'{"text": "ok"}\nnot json\n')
        self.assertEqual(r.returncode, 3)
        err = r.stderr.decode().splitlines()
        self.assertEqual(json.loads(err[0])["reason"], "json.syntax")
        self.assertIn("2 in, 1 out, 1 rejected", err[-1])
        r = run(["process", "--quiet", "--errors", self.path("e")], stdin=b'{"text": "ok"}\n')
        self.assertEqual(r.returncode, 0)
        self.assertEqual(r.stderr, b"")

    def test_invalid_utf8_can_be_repaired_by_configuration(self):
        config = self.write("c.yaml", "input:\n  invalid_utf8: repair\n")
        r = run(["process", "--config", config], stdin=b'{"text": "caf\xe9 au lait", "n": 1}\n')
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        [o] = lines(r.stdout)
        self.assertEqual(o["text"], "caf\ufffd au lait")

    def test_missing_input_file_is_an_error_that_names_it(self):
        r = run(["process", "--input", self.path("nope.jsonl")])
        self.assertEqual(r.returncode, 1)
        self.assertIn("nope.jsonl", r.stderr.decode())

    def test_progress_line_is_shown_on_a_terminal(self):
        rng = random.Random(1)
        body = " ".join("word%d" % rng.randrange(1000) for _ in range(400))
        inp = self.write("in.jsonl", "".join(json.dumps({"text": body}) + "\n" for _ in range(60000)))
        master, slave = pty.openpty()
        proc = subprocess.Popen([NEWSFLOWD, "process", "--input", inp, "--output", os.devnull],
                                stderr=slave)
        os.close(slave)
        seen = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        proc.wait(timeout=120)
        os.close(master)
        self.assertEqual(proc.returncode, 0)
        self.assertIn(b"articles/s", seen)
        self.assertIn(b"60000 in, 60000 out", seen)

    def test_interrupt_stops_reading_and_keeps_what_was_done_in_order(self):
        # Input arrives on a pipe that stays open, like a live feed: SIGINT must still end
        # the run, with everything read so far written out in order.
        proc = subprocess.Popen([NEWSFLOWD, "process", "--output", self.path("out")],
                                stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        for i in range(2000):
            proc.stdin.write((json.dumps({"id": str(i), "text": "article %d" % i}) + "\n").encode())
        proc.stdin.write(b'{"id": "partial", "text": "this line is never fin')
        proc.stdin.flush()
        # Wait until all complete lines are out (a sanitizer build is slow), then interrupt.
        deadline = time.time() + 60
        while time.time() < deadline and proc.poll() is None:
            time.sleep(0.2)
            if os.path.exists(self.path("out")):
                with open(self.path("out"), "rb") as f:
                    if f.read().count(b"\n") >= 2000:
                        break
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 1, err.decode())
        self.assertIn(b"interrupted", err)
        with open(self.path("out"), "rb") as f:
            ids = [o["id"] for o in lines(f.read())]
        self.assertEqual(ids, [str(i) for i in range(2000)])


class CheckConfig(Workdir):
    def test_valid_config_prints_the_effective_configuration(self):
        config = self.write("c.yaml", "pipeline:\n  workers: ${NF_WORKERS:-3}\nchain:\n  - type: normalize\n    max_bytes: 4096\n")
        r = run(["check-config", "--config", config])
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        out = r.stdout.decode()
        self.assertIn("workers: 3", out)
        self.assertIn("max_message_bytes: 8388608", out)
        self.assertIn("max_bytes: 4096", out)
        env = dict(os.environ, NF_WORKERS="6")
        self.assertIn("workers: 6", run(["check-config", "--config", config], env=env).stdout.decode())

    def test_every_error_names_its_key(self):
        config = self.write("c.yaml", "pipeline:\n  workers: many\ninput:\n  invalid_utf8: fix\n"
                                      "chain:\n  - type: normalize\n    max_bytes: 1\n    colour: red\n"
                                      "  - type: translate\nkafak: {}\n")
        r = run(["check-config", "--config", config])
        self.assertEqual(r.returncode, 2)
        err = r.stderr.decode()
        for expected in ["pipeline.workers: must be an integer, not 'many'",
                         "input.invalid_utf8: must be one of reject, repair, not 'fix'",
                         "chain[1].type: unknown processor 'translate'",
                         "kafak: unknown section"]:
            self.assertIn(expected, err)
        # Processor options are validated by the processor, with the same key paths.
        config = self.write("d.yaml", "chain:\n  - type: normalize\n    max_bytes: 1\n    colour: red\n")
        err = run(["check-config", "--config", config]).stderr.decode()
        self.assertIn("chain[0].max_bytes", err)
        self.assertIn("chain[0].colour: unknown option", err)

    def test_a_missing_language_model_is_named_before_anything_runs(self):
        config = self.write("c.yaml", "chain:\n  - normalize\n  - type: langid\n    model: /nonexistent/lid.176.ftz\n")
        for command in (["check-config"], ["process"]):
            r = run(command + ["--config", config], stdin=b"")
            self.assertEqual(r.returncode, 2)
            self.assertIn("chain[1].model: fastText model file '/nonexistent/lid.176.ftz' not found", r.stderr.decode())

    def test_unset_environment_variable_and_yaml_syntax_errors(self):
        config = self.write("c.yaml", "pipeline:\n  workers: ${NF_SURELY_UNSET}\n")
        r = run(["check-config", "--config", config])
        self.assertEqual(r.returncode, 2)
        self.assertIn("pipeline.workers: environment variable NF_SURELY_UNSET is not set", r.stderr.decode())
        config = self.write("d.yaml", "pipeline: [1, 2\n")
        r = run(["check-config", "--config", config])
        self.assertEqual(r.returncode, 2)
        self.assertIn("line 2", r.stderr.decode())
        r = run(["check-config"])
        self.assertEqual(r.returncode, 2)

    def test_the_shipped_example_configs_are_valid(self):
        root = os.path.join(DATA, "..", "..")
        for folder in ("deploy", "tests/data"):
            for dirpath, _, files in os.walk(os.path.join(root, folder)):
                for name in files:
                    if name.endswith((".yaml", ".yml")) and name.startswith("newsflow"):
                        env = dict(os.environ, KAFKA_BROKERS="kafka-0:9093", KAFKA_USERNAME="newsflow",
                                   KAFKA_PASSWORD="s3cret-value", NEWSFLOW_MODELS=os.path.join(root, "models"))
                        r = run(["check-config", "--config", os.path.join(dirpath, name)], env=env)
                        self.assertNotIn("s3cret-value", r.stdout.decode() + r.stderr.decode())
                        self.assertEqual(r.returncode, 0, name + ": " + r.stderr.decode())


class DevBroker(unittest.TestCase):
    """newsflowd devbroker: a mock Kafka broker, checked with an independent client (kcat)."""

    KCAT = shutil.which("kcat")

    def setUp(self):
        self.assertIsNotNone(self.KCAT, "kcat is required (scripts/setup.sh installs it)")

    def launch(self, *args):
        """Starts a devbroker; returns it and its first line (None if it exited first)."""
        proc = subprocess.Popen([NEWSFLOWD, "devbroker", *args], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # Reader threads, so every read below can time out instead of hanging the test; None
        # marks the end of the output.
        proc.lines = queue.Queue()
        proc.log = []
        proc.readers = [
            threading.Thread(target=lambda: ([proc.lines.put(l.decode().rstrip("\n")) for l in proc.stdout],
                                             proc.lines.put(None)), daemon=True),
            threading.Thread(target=lambda: [proc.log.append(l.decode()) for l in proc.stderr],
                             daemon=True)]
        for t in proc.readers:
            t.start()
        self.addCleanup(self._finish, proc)
        first = self.next_line(proc)
        if first is None:
            proc.wait(timeout=10)
            proc.readers[1].join(timeout=5)
        return proc, first

    def start(self, *args):
        proc, first = self.launch(*args)
        self.assertRegex(first or "", r"^bootstrap: 127\.0\.0\.1:\d+$", "".join(proc.log))
        return proc, first.split(" ", 1)[1]

    @staticmethod
    def _finish(proc):
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        for t in proc.readers:
            t.join(timeout=5)
        for f in (proc.stdin, proc.stdout, proc.stderr):
            f.close()

    def next_line(self, proc, timeout=15):
        try:
            return proc.lines.get(timeout=timeout)
        except queue.Empty:
            self.fail("no line from devbroker within %d s; stderr:\n%s" % (timeout, "".join(proc.log)))

    def command(self, proc, line):
        proc.stdin.write((line + "\n").encode())
        proc.stdin.flush()
        return self.next_line(proc)

    def kcat(self, *args, stdin=None, timeout=30):
        return subprocess.run([self.KCAT, *args], input=stdin, capture_output=True, timeout=timeout)

    def stop(self, proc):
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(timeout=15), 0, "".join(proc.log))

    def test_kcat_produces_and_consumes_and_faults_can_be_injected(self):
        proc, bootstrap = self.start("--topics", "news:4")
        r = self.kcat("-b", bootstrap, "-L", "-t", "news")
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        self.assertIn('topic "news" with 4 partitions', r.stdout.decode())

        sent = {"key%d" % i: "article %d" % i for i in range(10)}
        r = self.kcat("-b", bootstrap, "-t", "news", "-P", "-K", ":",
                      stdin="".join("%s:%s\n" % kv for kv in sent.items()).encode())
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        r = self.kcat("-b", bootstrap, "-t", "news", "-C", "-e", "-q", "-f", "%k=%s\\n")
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        got = dict(l.split("=", 1) for l in r.stdout.decode().splitlines())
        self.assertEqual(got, sent)

        # Outage: a new client cannot get metadata while the brokers are down.
        self.assertEqual(self.command(proc, "down"), "ok")
        r = self.kcat("-b", bootstrap, "-L", "-m", "2")
        self.assertNotEqual(r.returncode, 0)
        self.assertEqual(self.command(proc, "up"), "ok")
        r = self.kcat("-b", bootstrap, "-L", "-m", "10")
        self.assertEqual(r.returncode, 0, r.stderr.decode())

        self.assertEqual(self.command(proc, "topic later 7"), "ok")
        self.assertEqual(self.command(proc, "topic later 7"), "error: 'later': topic already exists")
        self.assertEqual(self.command(proc, "topic bad/name 1"),
                         "error: 'bad/name': topic name may only contain letters, digits, '.', '_' and '-'")
        self.assertTrue(self.command(proc, "frobnicate").startswith("error: unknown command"))
        # Faults for tests (test_faults.py uses them on a live daemon); bad ones say what is wrong.
        self.assertEqual(self.command(proc, "fail Produce REQUEST_TIMED_OUT 2"), "ok")
        self.assertIn("unknown request type 'Bogus' (known: Produce, Fetch,", self.command(proc, "fail Bogus X 1"))
        self.assertIn("unknown error 'NOPE'", self.command(proc, "fail Fetch NOPE 1"))
        self.assertEqual(self.command(proc, "leader later 0 9"), "error: no broker 9 (1..1)")
        self.assertEqual(self.command(proc, "leader later 0 1"), "ok")
        self.assertEqual(self.command(proc, "rtt 20"), "ok")
        self.assertEqual(self.command(proc, "rtt 0"), "ok")
        self.assertEqual(self.command(proc, "broker 1 down"), "ok")
        self.assertEqual(self.command(proc, "broker 1 up"), "ok")
        r = self.kcat("-b", bootstrap, "-L", "-t", "later")
        self.assertIn('topic "later" with 7 partitions', r.stdout.decode())

        # The end of stdin is not a reason to stop.
        proc.stdin.close()
        time.sleep(0.5)
        self.assertIsNone(proc.poll())
        self.assertEqual(self.kcat("-b", bootstrap, "-L", "-m", "10").returncode, 0)
        self.stop(proc)
        log = "".join(proc.log)
        self.assertIn("created topic news (4 partitions)", log)
        self.assertIn("created topic later (7 partitions)", log)

    def test_fixed_port(self):
        # A port free a moment ago may be taken by another test's client before the broker
        # binds it: then another one is tried.
        for _ in range(5):
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            proc, first = self.launch("--port", str(port), "--topics", "news:2", "--brokers", "3")
            if first is not None or "Address already in use" not in "".join(proc.log):
                break
        self.assertEqual(first, "bootstrap: 127.0.0.1:%d" % port, "".join(proc.log))
        bootstrap = "127.0.0.1:%d" % port
        r = self.kcat("-b", bootstrap, "-L")
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        self.assertIn("3 brokers", r.stdout.decode())
        self.assertIn('topic "news" with 2 partitions', r.stdout.decode())
        # A second broker cannot take the same port: it says so and exits 1.
        r = run(["devbroker", "--port", str(port)], timeout=30)
        self.assertEqual(r.returncode, 1)
        self.assertIn("127.0.0.1:%d" % port, r.stderr.decode())
        self.stop(proc)

    def test_bad_command_lines_exit_2_naming_the_bad_item(self):
        for topics, item in [("news:4,bad name:2", "bad name:2"), ("news:0", "news:0"),
                             ("news", "news"), ("news:10001", "news:10001")]:
            r = run(["devbroker", "--topics", topics], timeout=30)
            self.assertEqual(r.returncode, 2, topics)
            self.assertIn("'%s'" % item, r.stderr.decode())
        self.assertEqual(run(["devbroker", "--brokers", "4"], timeout=30).returncode, 2)
        self.assertEqual(run(["devbroker", "--port", "70000"], timeout=30).returncode, 2)

    def test_help_says_it_is_not_for_real_data(self):
        r = run(["devbroker", "--help"])
        self.assertEqual(r.returncode, 0)
        out = r.stdout.decode()
        for words in ("development, tests and demos only", "5 MiB per partition", "silently deleted",
                      "never for data that matters", "--topics", "--port"):
            self.assertIn(words, out.replace("\n", " "))


if __name__ == "__main__":
    unittest.main()
