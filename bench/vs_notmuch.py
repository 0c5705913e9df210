"""Mailbox vs notmuch (Xapian) on the same mail: indexing, size on disk, query latency.

    .venv/bin/python bench/vs_notmuch.py [--messages 10000 50000] [--rounds 3] [--queries 10]
        [--work /work/.helpers-data/h19/vs_notmuch] [--mongod-pidfile PATH] [--queries-only]

One corpus per size (bench/mailgen.py's Zipf vocabulary, log-normal bodies, 10% attachments,
accented names, plus CJK sentences in 4% of the mail, added here) is written as a Maildir for
notmuch and kept in memory in Gmail's ``format=full`` shape for Mailbox, which stores it
through the sync's own path (``mails.store.store_all``: parse, index, upsert). Then, for
``--rounds`` rounds, alternating A/B from an empty index each time:

  - indexing: ``notmuch new`` (its CPU from ``wait4``) vs ``store_all`` (this process's CPU
    plus mongod's, read from ``/proc/<pid>/stat`` — run it against a private mongod so that
    CPU is ours alone: ``scripts/devservices.py start --data-dir D --mongo-port 27219``);
  - size on disk: the Xapian directory vs the messages collection's index storage (and its
    stored search fields), as indexing left it and after the nightly compaction
    (``mails.compaction``, its time and mongod CPU printed: the last round only);
  - per query class, p50/p95 of a first page of 50 newest matches: notmuch's Python bindings
    (``notmuch2``, run by the system python in a worker process, timed inside it) reading the
    rows a results list shows (id, date, From, Subject, tags; the bare ids timed beside) vs
    ``mails.search.service.search`` (first-page cache bypassed; its page holds each message's
    fields but the body and the index, built into ``Message`` instances); every query's match
    count on both sides; and how many MongoDB operations one of our pages took (``trips``, from the
    server's counters), beside what one round trip costs from this process back to back and
    after 20 ms idle (each of our queries follows notmuch's: the floor a round trip sets).

``--queries-only`` skips indexing and measures the queries (``--rounds`` rounds) against the
indexes an earlier run left (the Xapian directory in the Maildir, the owner's messages in
``MONGODB_NAME``): an A/B of two revisions of the search code runs this script from each
tree in turn, on the same indexes, without re-indexing 50,000 messages between them.

Known reasons for different counts: Mailbox indexes the words of List-Id (notmuch does not);
notmuch's ``to:`` also searches Cc and Bcc; Xapian's ``NEAR/n`` is a window of positions over
the whole message, Mailbox's AROUND at most n words between, within one field.

notmuch is installed from Debian (``apt-get install notmuch python3-notmuch2``) when missing.
Trash and spam labels are left out of the corpus (Mailbox hides them by default, notmuch has
no such notion), so counts compare like for like. Goals printed are issue 19's.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mailbox_project.settings")
os.environ.setdefault("MONGODB_NAME", "mailbox_bench_notmuch")
os.environ.setdefault("MONGODB_URI", "mongodb://127.0.0.1:27219/?replicaSet=rs0")
import django  # noqa: E402

import mailbox_project.testenv  # noqa: E402,F401  (test defaults for the rest of the environment)

django.setup()

import datetime as dt  # noqa: E402

from django.core.management import call_command  # noqa: E402
from pymongo import IndexModel  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.mailgen import MailboxFactory, Person, Vocabulary  # noqa: E402
from mailbox_project.mongo import get_database  # noqa: E402
from mails import compaction, store  # noqa: E402
from mails.gmail import FetchResult  # noqa: E402
from mails.models import SyncState  # noqa: E402
from mails.search.compiler import compile_query  # noqa: E402
from mails.search.folding import words as folded_words  # noqa: E402
from mails.search.parser import parse  # noqa: E402
from mails.search.service import search  # noqa: E402

SEED = 20261205
OWNER = Person("Bench Owner", "owner@bench.test")
PAGE = 50
CJK_LINES = (
    "東京での打ち合わせの資料を送ります",
    "来週の会議は大阪で行います",
    "请查收附件中的报价单",
    "下周三开会讨论预算",
    "서울 사무실에서 회의가 있습니다",
    "新しいプロジェクトの予算について",
)
Message = dict[str, Any]


# --- the corpus ---------------------------------------------------------------------------


@dataclass
class Corpus:
    messages: list[Message]
    bodies: list[str]
    maildir: Path


def generate(count: int) -> Iterator[tuple[Message, str]]:
    """Yield the corpus's ``count`` messages in Gmail's ``format=full`` shape, with their
    bodies (bench/index_writes.py stores the same mail)."""
    rng = random.Random(SEED)
    vocabulary = Vocabulary(random.Random(SEED), 30_000)
    end_ms = int(dt.datetime(2026, 12, 1, tzinfo=dt.UTC).timestamp() * 1000)
    factory = MailboxFactory(SEED, OWNER, vocabulary, end_ms)
    for batch in factory.batches(count, 1000):
        for message in batch:
            yield message, _adjust(message, rng)


def make_corpus(count: int, work: Path) -> Corpus:
    """Generate ``count`` messages and write them as a Maildir (untimed: it is the mail)."""
    # Attachment bytes from a stream of their own: the corpus must not depend on whether the
    # Maildir is written now or reused from an earlier run.
    filler = random.Random(SEED + 1)
    maildir = work / f"maildir-{count}"
    fresh = not (maildir / "cur").is_dir()
    if fresh:
        shutil.rmtree(maildir, ignore_errors=True)
        for sub in ("cur", "new", "tmp"):
            (maildir / sub).mkdir(parents=True)
    messages, bodies = [], []
    for message, body in generate(count):
        messages.append(message)
        bodies.append(body)
        if fresh:
            path = maildir / "cur" / f"{message['id']}:2,"
            path.write_bytes(rfc822(message, body, filler))
    return Corpus(messages, bodies, maildir)


def _adjust(message: Message, rng: random.Random) -> str:
    """Drop trash/spam labels (see the module doc), add CJK text to some mail; return body."""
    if message["labelIds"] in (["TRASH"], ["SPAM"]):
        message["labelIds"] = ["INBOX"]
    text_part = message["payload"]["parts"][0]
    body = base64.urlsafe_b64decode(text_part["body"]["data"]).decode()
    if rng.random() < 0.04:
        body += "\n" + rng.choice(CJK_LINES)
        text_part["body"] = {"size": len(body.encode()), "data": _b64(body)}
        message["snippet"] = body[:140].replace("\n", " ")
    return body


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


def rfc822(message: Message, body: str, rng: random.Random) -> bytes:
    """The same message as a MIME file: headers, text body, the attachment with its bytes."""
    mail = EmailMessage()
    for header in message["payload"]["headers"]:
        mail[header["name"]] = header["value"]
    when = dt.datetime.fromtimestamp(int(message["internalDate"]) / 1000, dt.UTC)
    mail["Date"] = format_datetime(when)
    mail.set_content(body)
    for part in message["payload"]["parts"][1:]:
        # Realistic sizes, capped: notmuch does not index binary content, only its name.
        size = min(part["body"]["size"], 256 * 1024)
        maintype, subtype = part["mimeType"].split("/", 1)
        mail.add_attachment(
            rng.randbytes(size), maintype=maintype, subtype=subtype, filename=part["filename"]
        )
    return bytes(mail)


# --- notmuch ------------------------------------------------------------------------------


def ensure_notmuch() -> None:
    have = shutil.which("notmuch") and _system_python_has_notmuch2()
    if not have:
        print("installing notmuch from Debian (apt-get install -y notmuch python3-notmuch2)")
        subprocess.run(["apt-get", "install", "-y", "notmuch", "python3-notmuch2"], check=True)


def _system_python_has_notmuch2() -> bool:
    probe = subprocess.run(["/usr/bin/python3", "-c", "import notmuch2"], capture_output=True)
    return probe.returncode == 0


# Dates in UTC as Mailbox's default; Xapian's CJK n-grams on (indexing and querying), as
# Mailbox cuts CJK runs into bigrams: otherwise a CJK word inside a run is never found.
NOTMUCH_ENV = {"TZ": "UTC", "XAPIAN_CJK_NGRAM": "1"}


def notmuch_config(maildir: Path) -> Path:
    config = maildir.parent / f"{maildir.name}.notmuch-config"
    config.write_text(
        f"[database]\npath={maildir}\n[user]\nname={OWNER.name}\n"
        f"primary_email={OWNER.address}\n[new]\ntags=inbox;\n[search]\nexclude_tags=\n"
        "[maildir]\nsynchronize_flags=false\n"
    )
    return config


def notmuch_index(maildir: Path) -> tuple[float, float]:
    """Index the Maildir from scratch; return (seconds, CPU seconds of notmuch)."""
    shutil.rmtree(maildir / ".notmuch", ignore_errors=True)
    env = {**os.environ, "NOTMUCH_CONFIG": str(notmuch_config(maildir)), **NOTMUCH_ENV}
    started = time.perf_counter()
    process = subprocess.Popen(["notmuch", "new", "--quiet"], env=env)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"notmuch new failed ({process.returncode})")
    return elapsed, usage.ru_utime + usage.ru_stime


def xapian_bytes(maildir: Path) -> int:
    return sum(p.stat().st_size for p in (maildir / ".notmuch").rglob("*") if p.is_file())


# The worker runs under the system python, which has the notmuch2 bindings; it answers one
# JSON line per request: the time of a first page of 50 newest matches, and the count. A
# "rows" page reads what a results list shows of each message (what ``notmuch search``
# prints and what Mailbox's page holds): its id, date, From, Subject (notmuch keeps these
# three in the database's value slots: no message file is opened) and tags. An "ids" page
# reads the message ids alone: less than a list can show, printed beside as the stricter
# reference.
WORKER = r"""
import json, sys, time, itertools, notmuch2
db = notmuch2.Database(sys.argv[1], mode=notmuch2.Database.MODE.READ_ONLY,
                       config=notmuch2.Database.CONFIG.EMPTY)
newest = notmuch2.Database.SORT.NEWEST_FIRST

def header(message, name):
    try:
        return message.header(name)
    except LookupError:
        return ""

def row(message):
    return (message.messageid, message.date, header(message, "from"),
            header(message, "subject"), list(message.tags))

for line in sys.stdin:
    request = json.loads(line)
    query = request["query"]
    if request["what"] == "count":
        print(json.dumps({"count": db.count_messages(query, exclude_tags=[])}), flush=True)
        continue
    read = row if request["what"] == "rows" else (lambda message: message.messageid)
    started = time.perf_counter()
    found = db.messages(query, sort=newest, exclude_tags=[])
    page = [read(m) for m in itertools.islice(found, %d)]
    elapsed = (time.perf_counter() - started) * 1000
    print(json.dumps({"ms": elapsed, "n": len(page)}), flush=True)
"""


class NotmuchWorker:
    def __init__(self, maildir: Path) -> None:
        env = {**os.environ, "NOTMUCH_CONFIG": str(notmuch_config(maildir)), **NOTMUCH_ENV}
        self.process = subprocess.Popen(
            ["/usr/bin/python3", "-c", WORKER % PAGE, str(maildir)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
        )  # fmt: skip

    def ask(self, what: str, query: str) -> dict[str, Any]:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(json.dumps({"what": what, "query": query}) + "\n")
        self.process.stdin.flush()
        answer: dict[str, Any] = json.loads(self.process.stdout.readline())
        return answer

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(10)


# --- Mailbox ------------------------------------------------------------------------------


def mongod_cpu(pid: int | None) -> float:
    """CPU seconds (user + system) of the mongod process so far."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fresh_collection() -> None:
    """Drop ``messages`` and recreate its indexes as the migrations made them."""
    messages = get_database()["messages"]
    specs = [spec for spec in messages.list_indexes() if spec["name"] != "_id_"]
    messages.drop()
    models = []
    for spec in specs:
        options = {k: v for k, v in spec.items() if k not in {"key", "v", "ns"}}
        models.append(IndexModel(list(spec["key"].items()), **options))
    messages.create_indexes(models)


def mailbox_index(corpus: Corpus, mongod_pid: int | None) -> tuple[User, float, float, float]:
    """Store the corpus from scratch; return (user, seconds, our CPU, mongod CPU)."""
    # The collection first: deleting the user would delete its messages one cascade at a time.
    fresh_collection()
    state = owner_state()
    batches = fetch_batches(corpus.messages)
    ours, theirs = time.process_time(), mongod_cpu(mongod_pid)
    started = time.perf_counter()
    store.store_all(state, batches)
    get_database().client.admin.command("fsync")  # the data on disk, as notmuch's is
    elapsed = time.perf_counter() - started
    return state.user, elapsed, time.process_time() - ours, mongod_cpu(mongod_pid) - theirs


def owner_state() -> SyncState:
    """The corpus owner, created anew (after ``fresh_collection``), and its sync state."""
    User.objects.filter(email=OWNER.address).delete()
    user = User.objects.create_user(email=OWNER.address, name=OWNER.name)
    state, _ = SyncState.objects.get_or_create(user=user)
    return state


def fetch_batches(messages: list[Message], size: int = 500) -> list[FetchResult]:
    """``messages`` as the sync's fetch steps hand them to ``store.store_all``."""
    return [
        FetchResult(messages={m["id"]: m for m in messages[i : i + size]})
        for i in range(0, len(messages), size)
    ]


@dataclass
class Sizes:
    term_index: int
    all_indexes: int
    search_fields: int


def mailbox_bytes() -> Sizes:
    database = get_database()
    # A checkpoint first: until one, WiredTiger's files hold only what it has written so far,
    # and the size read would depend on when the last one ran.
    database.client.admin.command("fsync")
    stats = database.command("collStats", "messages")
    stored = list(
        database["messages"].aggregate(
            [{"$group": {"_id": None, "b": {"$sum": {"$bsonSize": {
                "t": "$search_terms", "x": "$search_text"}}}}}]
        )
    )  # fmt: skip
    return Sizes(
        int(stats["indexSizes"].get("user_term_newest", 0)),
        int(stats["totalIndexSize"]),
        int(stored[0]["b"]) if stored else 0,
    )


# --- the queries --------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryClass:
    name: str
    ours: str
    notmuch: str


def query_classes(corpus: Corpus) -> list[QueryClass]:
    """The classes of issue 19, with their words taken from the corpus itself."""
    pairs: dict[tuple[str, str], int] = {}
    frequency: dict[str, int] = {}
    for body in corpus.bodies[:3000]:
        found = folded_words(body)
        for word in set(found):
            frequency[word] = frequency.get(word, 0) + 1
        for pair in pairwise(found):
            pairs[pair] = pairs.get(pair, 0) + 1
    common_pair = max((p for p in pairs if p[0] != p[1]), key=lambda p: pairs[p])
    # Two words of the head of the distribution (ranks 20-30), for AROUND.
    ranked = sorted(frequency, key=lambda w: -frequency[w])
    near_left, near_right = ranked[20], ranked[30]
    rare_words = sorted((w for w, n in frequency.items() if n == 1 and w.isalpha()))
    rare = rare_words[len(rare_words) // 2]
    rare_pair = next(
        p for p in sorted(pairs) if pairs[p] == 1 and frequency[p[0]] <= 3 and frequency[p[1]] <= 3
    )
    contact, contact_name = _contact(corpus)
    common = " ".join(common_pair)
    rare_phrase = " ".join(rare_pair)
    return [
        QueryClass("common word", "meeting", "meeting"),
        QueryClass("rare word", rare, rare),
        QueryClass("two words", "project invoice", "project and invoice"),
        QueryClass("phrase, common", f'"{common}"', f'"{common}"'),
        QueryClass("phrase, rare", f'"{rare_phrase}"', f'"{rare_phrase}"'),
        QueryClass(
            "AROUND 5", f"{near_left} AROUND 5 {near_right}", f"{near_left} NEAR/5 {near_right}"
        ),
        QueryClass("from: address", f"from:{contact}", f"from:{contact}"),
        QueryClass("from: name", f"from:{contact_name}", f"from:{contact_name}"),
        QueryClass("to: address", f"to:{contact}", f"to:{contact}"),
        QueryClass("to: name", f"to:{contact_name}", f"to:{contact_name}"),
        QueryClass("subject:", "subject:invoice", "subject:invoice"),
        QueryClass(
            "date range", "after:2025/01/01 before:2025/06/30", "date:2025-01-01..2025-06-29"
        ),
        QueryClass("negation", "invoice -payment", "invoice and not payment"),
        QueryClass("OR", "meeting OR webinar", "meeting or webinar"),
        QueryClass("has:attachment", "has:attachment", "tag:attachment"),
        QueryClass("filename:", "filename:pdf", "attachment:pdf"),
        QueryClass("accented", "café", "café"),
        QueryClass("CJK", "会議", "会議"),
    ]


def _contact(corpus: Corpus) -> tuple[str, str]:
    """The most frequent correspondent's address (not the owner's), and their last name."""
    counts: dict[str, int] = {}
    for message in corpus.messages[:3000]:
        sender = message["payload"]["headers"][0]["value"]
        if OWNER.address not in sender:
            counts[sender] = counts.get(sender, 0) + 1
    top = max(counts, key=lambda s: counts[s])
    name, address = top.rsplit(" <", 1)
    return address.rstrip(">"), name.strip('"').split()[-1].lower()


@dataclass
class Samples:
    ours: dict[str, list[float]] = field(default_factory=dict)
    theirs: dict[str, list[float]] = field(default_factory=dict)  # notmuch's rows
    their_ids: dict[str, list[float]] = field(default_factory=dict)  # notmuch's bare ids


def measure_queries(
    user: User, worker: NotmuchWorker, classes: list[QueryClass], rounds: int, samples: Samples
) -> None:
    for query in classes:  # warm-up: the working set in memory on both sides
        search(user, query.ours, page_size=PAGE)
        worker.ask("rows", query.notmuch)
        worker.ask("ids", query.notmuch)
    for _ in range(rounds):
        for query in classes:
            store.mailbox_changed([user.pk])  # outside the timing: the first-page cache misses
            started = time.perf_counter()
            search(user, query.ours, page_size=PAGE)
            ms = (time.perf_counter() - started) * 1000
            samples.ours.setdefault(query.name, []).append(ms)
            samples.theirs.setdefault(query.name, []).append(
                worker.ask("rows", query.notmuch)["ms"]
            )
            samples.their_ids.setdefault(query.name, []).append(
                worker.ask("ids", query.notmuch)["ms"]
            )


# The pause before a round trip in ``ping_ms``: about what notmuch's query and the loop take
# between two of ours.
IDLE = 0.02


def ping_ms(pause: float, times: int = 60) -> float:
    """Median ms of a MongoDB ping, each after ``pause`` seconds idle: what one round trip of a
    query costs (after idle, both processes' threads are woken up again)."""
    database, spent = get_database(), []
    for _ in range(times):
        time.sleep(pause)
        started = time.perf_counter()
        database.command("ping")
        spent.append((time.perf_counter() - started) * 1000)
    return statistics.median(spent)


def _operations() -> int:
    counters = get_database().command("serverStatus")["opcounters"]
    return int(counters["query"] + counters["getmore"] + counters["command"])


def mongo_round_trips(user: User, query: str) -> int:
    """The MongoDB operations (finds, getMores, commands) of one first page of ``query``, read
    from the server's counters around it (less what reading them counts)."""
    store.mailbox_changed([user.pk])
    first = _operations()
    reading = _operations() - first  # what one read of the counters counts
    before = _operations()
    search(user, query, page_size=PAGE)
    return _operations() - before - reading


def our_count(user: User, query: str) -> int:
    node = parse(query)
    return int(get_database()["messages"].count_documents(compile_query(node, user)))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# --- one size -----------------------------------------------------------------------------


@dataclass
class Indexing:
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    mongod_cpu: list[float] = field(default_factory=list)


def run_size(count: int, args: argparse.Namespace, mongod_pid: int | None) -> None:
    started = time.perf_counter()
    corpus = make_corpus(count, args.work)
    print(f"\n=== {count:,} messages (corpus ready in {time.perf_counter() - started:.0f} s) ===")
    if args.queries_only:
        queries_only(count, corpus, args)
        return
    mine, notmuchs = Indexing(), Indexing()
    samples = Samples()
    classes: list[QueryClass] = []
    user: User | None = None
    for number in range(args.rounds):
        seconds, cpu = notmuch_index(corpus.maildir)
        notmuchs.seconds.append(seconds)
        notmuchs.cpu.append(cpu)
        user, seconds, cpu, server_cpu = mailbox_index(corpus, mongod_pid)
        mine.seconds.append(seconds)
        mine.cpu.append(cpu)
        mine.mongod_cpu.append(server_cpu)
        print(f"round {number + 1}: notmuch {count / notmuchs.seconds[-1]:,.0f} msg/s "
              f"({notmuchs.cpu[-1]:.1f} s CPU); Mailbox {count / seconds:,.0f} msg/s "
              f"({cpu:.1f} s CPU + mongod {server_cpu:.1f} s)")  # fmt: skip
        if not classes:
            classes = query_classes(corpus)
        worker = NotmuchWorker(corpus.maildir)
        try:
            measure_queries(user, worker, classes, args.queries, samples)
            pooled_ours = [x for v in samples.ours.values() for x in v]
            pooled_theirs = [x for v in samples.theirs.values() for x in v]
            print(f"  queries so far: ours p50 {percentile(pooled_ours, 0.5):.2f} ms, "
                  f"notmuch p50 {percentile(pooled_theirs, 0.5):.2f} ms")  # fmt: skip
            if number == args.rounds - 1:
                report(count, corpus, user, worker, classes, samples, mine, notmuchs, mongod_pid)
        finally:
            worker.close()


def queries_only(count: int, corpus: Corpus, args: argparse.Namespace) -> None:
    """Measure the queries against the indexes an earlier run left (no indexing)."""
    user = User.objects.filter(email=OWNER.address).first()
    stored = get_database()["messages"].count_documents({"user_id": user.pk}) if user else 0
    if user is None or stored != count or not (corpus.maildir / ".notmuch").is_dir():
        raise SystemExit(f"no index of {count:,} messages to reuse: run without --queries-only")
    classes, samples = query_classes(corpus), Samples()
    worker = NotmuchWorker(corpus.maildir)
    try:
        for _ in range(args.rounds):
            measure_queries(user, worker, classes, args.queries, samples)
        report(count, corpus, user, worker, classes, samples, Indexing(), Indexing())
    finally:
        worker.close()


def report(
    count: int,
    corpus: Corpus,
    user: User,
    worker: NotmuchWorker,
    classes: list[QueryClass],
    samples: Samples,
    mine: Indexing,
    notmuchs: Indexing,
    mongod_pid: int | None = None,
) -> None:
    rate_ratio = cpu_ratio = None
    ours_cpu = their_cpu = 0.0
    if mine.seconds:  # not with --queries-only
        print(f"\nindexing, median of {len(mine.seconds)} alternating rounds:")
        ours_rate = count / statistics.median(mine.seconds)
        their_rate = count / statistics.median(notmuchs.seconds)
        ours_cpu = statistics.median(c + m for c, m in zip(mine.cpu, mine.mongod_cpu, strict=True))
        their_cpu = statistics.median(notmuchs.cpu)
        rate_ratio, cpu_ratio = ours_rate / their_rate, ours_cpu / their_cpu
        print(f"  notmuch {their_rate:,.0f} msg/s, {their_cpu:.1f} s CPU")
        print(f"  Mailbox {ours_rate:,.0f} msg/s, {ours_cpu:.1f} s CPU "
              f"(Python {statistics.median(mine.cpu):.1f} + mongod "
              f"{statistics.median(mine.mongod_cpu):.1f})")  # fmt: skip
    sizes, xapian = mailbox_bytes(), xapian_bytes(corpus.maildir)
    mib = 2**20
    print("size on disk:")
    print(f"  Xapian database {xapian / mib:,.1f} MiB")
    print(f"  Mailbox term index (user_term_newest) {sizes.term_index / mib:,.1f} MiB; "
          f"all indexes {sizes.all_indexes / mib:,.1f} MiB; stored search fields "
          f"{sizes.search_fields / mib:,.1f} MiB (uncompressed BSON)")  # fmt: skip
    print(
        "\nnotmuch: a page of rows (id, date, From, Subject, tags), as Mailbox's page; ids: the "
        "message ids alone"
    )
    print(f"{'query class':<16} {'ours p50':>9} {'p95':>7} {'notmuch p50':>12} {'p95':>7} "
          f"{'p50 ratio':>9} {'ids p50':>8} {'ratio':>6} {'trips':>5}  {'count ours':>10} "
          f"{'notmuch':>8}  query")  # fmt: skip
    worst = 0.0
    for query in classes:
        ours, theirs = samples.ours[query.name], samples.theirs[query.name]
        o50, o95 = percentile(ours, 0.5), percentile(ours, 0.95)
        t50, t95 = percentile(theirs, 0.5), percentile(theirs, 0.95)
        worst = max(worst, o95)
        ratio = o50 / t50 if t50 else float("inf")
        i50 = percentile(samples.their_ids[query.name], 0.5)
        ids_ratio = o50 / i50 if i50 else float("inf")
        ours_n = our_count(user, query.ours)
        their_n = int(worker.ask("count", query.notmuch)["count"])
        flag = "" if ours_n == their_n else "  (differs)"
        trips = mongo_round_trips(user, query.ours)
        print(f"{query.name:<16} {o50:9.2f} {o95:7.2f} {t50:12.2f} {t95:7.2f} {ratio:9.2f} "
              f"{i50:8.2f} {ids_ratio:6.2f} {trips:5}  {ours_n:10,} {their_n:8,}  "
              f"{query.ours}{flag}")  # fmt: skip
    pooled_ours = [s for v in samples.ours.values() for s in v]
    pooled_theirs = [s for v in samples.theirs.values() for s in v]
    pooled_ids = [s for v in samples.their_ids.values() for s in v]
    print(f"pooled: ours p50 {percentile(pooled_ours, 0.5):.2f} ms p95 "
          f"{percentile(pooled_ours, 0.95):.2f}; notmuch p50 {percentile(pooled_theirs, 0.5):.2f}"
          f" ms p95 {percentile(pooled_theirs, 0.95):.2f} (ids: p50 "
          f"{percentile(pooled_ids, 0.5):.2f})")  # fmt: skip
    busy, idle = ping_ms(0.0), ping_ms(IDLE)
    print(
        f"one MongoDB round trip (ping) from this process: {busy:.2f} ms back to back, "
        f"{idle:.2f} ms after {IDLE * 1000:.0f} ms idle (as each query here follows notmuch's)"
    )
    compacted = None
    if mine.seconds:  # what the nightly compaction (mails.compaction) makes of the new index
        compacted = compact_store(mongod_pid)
        print(f"after the nightly compaction ({compacted.seconds:.1f} s, mongod CPU "
              f"{compacted.mongod_cpu:.1f} s): term index {compacted.term_index / mib:,.1f} MiB, "
              f"all indexes {compacted.all_indexes / mib:,.1f} MiB")  # fmt: skip
        with_it = ours_cpu + compacted.mongod_cpu
        print(f"  total CPU with it {with_it:.1f} s ({with_it / their_cpu:.2f}x notmuch's)")
    _goals(classes, samples, sizes, xapian, rate_ratio, cpu_ratio, worst, compacted)


@dataclass
class Compacted:
    seconds: float
    mongod_cpu: float
    term_index: int
    all_indexes: int


def compact_store(mongod_pid: int | None) -> Compacted:
    """Run the nightly compaction on the fresh index (whatever its share of free blocks)."""
    before = mongod_cpu(mongod_pid)
    done = compaction.compact(force=True)
    if done is None:
        raise SystemExit("compact refused (see the log)")
    sizes = mailbox_bytes()
    return Compacted(done.seconds, mongod_cpu(mongod_pid) - before, sizes.term_index,
                     sizes.all_indexes)  # fmt: skip


def _goals(
    classes: list[QueryClass],
    samples: Samples,
    sizes: Sizes,
    xapian: int,
    rate_ratio: float | None,
    cpu_ratio: float | None,
    worst_p95: float,
    compacted: Compacted | None = None,
) -> None:
    slower = _slower(classes, samples.ours, samples.theirs)
    slower_than_ids = _slower(classes, samples.ours, samples.their_ids)
    rare_word = percentile(samples.ours["rare word"], 0.5)
    rare_phrase = percentile(samples.ours["phrase, rare"], 0.5)

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    print("\ngoals (issue 19):")
    print(
        f"  every class p50 <= notmuch's (a page of rows each): {len(classes) - len(slower)}/"
        f"{len(classes)} ({verdict(not slower)}; slower: {', '.join(slower) or 'none'})"
    )
    print(f"    against notmuch's bare ids: {len(classes) - len(slower_than_ids)}/{len(classes)} "
          f"(slower: {', '.join(slower_than_ids) or 'none'})")  # fmt: skip
    print(f"  p95 <= 50 ms (judged at 200k): worst class p95 {worst_p95:.1f} ms")
    print(f"  rare phrase within 2x rare word: {rare_phrase / rare_word:.2f}x "
          f"({verdict(rare_phrase <= 2 * rare_word)})")  # fmt: skip
    term_ratio = sizes.term_index / xapian
    print(
        f"  index on disk <= 1.2x Xapian: term index {term_ratio:.2f}x, all indexes "
        f"{sizes.all_indexes / xapian:.2f}x ({verdict(term_ratio <= 1.2)} for the term index)"
    )
    if compacted is not None:
        ratio = compacted.term_index / xapian
        print(f"    after the nightly compaction: term index {ratio:.2f}x, all indexes "
              f"{compacted.all_indexes / xapian:.2f}x ({verdict(ratio <= 1.2)})")  # fmt: skip
    if rate_ratio is None or cpu_ratio is None:
        return  # --queries-only: nothing indexed in this run
    print(f"  indexing >= 1.5x notmuch's msg/s: {rate_ratio:.2f}x ({verdict(rate_ratio >= 1.5)})")
    print(f"  total CPU <= notmuch's: {cpu_ratio:.2f}x ({verdict(cpu_ratio <= 1)})")


def _slower(
    classes: list[QueryClass], ours: dict[str, list[float]], theirs: dict[str, list[float]]
) -> list[str]:
    """The classes whose p50 in ``ours`` is over that in ``theirs``."""
    return [
        q.name for q in classes if percentile(ours[q.name], 0.5) > percentile(theirs[q.name], 0.5)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--queries", type=int, default=10, help="query rounds per A/B round")
    parser.add_argument("--work", type=Path, default=Path("/work/.helpers-data/h19/vs_notmuch"))
    parser.add_argument("--mongod-pidfile", type=Path, help="a private mongod's pid file")
    parser.add_argument(
        "--queries-only", action="store_true", help="reuse an earlier run's indexes: queries only"
    )
    args = parser.parse_args()
    ensure_notmuch()
    args.work.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    pid = int(args.mongod_pidfile.read_text()) if args.mongod_pidfile else None
    if pid is None:
        print("no --mongod-pidfile: mongod's CPU is not counted")
    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} CPUs, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    for count in args.messages:
        run_size(count, args, pid)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"\nbench process peak RSS {usage.ru_maxrss / 1024:,.0f} MiB; load average now "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")  # fmt: skip


if __name__ == "__main__":
    main()
