"""confluent-kafka-python (librdkafka) group member for Keel's consumer-group tests.

Usage: group_consumer_confluent.py BOOTSTRAP GROUP TOPIC NAME [commit|nocommit] [STRATEGY]
Runs the reference consumer (manual commit after each message, cooperative-sticky by default)
until a line "close" (or EOF) arrives on stdin, then closes cleanly (leaving the group).
Prints one JSON object per line: assign/revoke/lost events with the full current assignment,
each message, errors, and "closed".
"""
import json
import os
import sys
import threading
import time

from confluent_kafka import Consumer

bootstrap, group, topic, name = sys.argv[1:5]
commit = (sys.argv[5] if len(sys.argv) > 5 else "commit") == "commit"
strategy = sys.argv[6] if len(sys.argv) > 6 else "cooperative-sticky"

assignment = set()


def emit(obj):
    obj["name"] = name
    obj["t"] = time.time()
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def on_assign(consumer, partitions):
    assignment.update(p.partition for p in partitions)
    emit({"event": "assign", "added": sorted(p.partition for p in partitions), "assignment": sorted(assignment)})


def on_revoke(consumer, partitions):
    assignment.difference_update(p.partition for p in partitions)
    emit({"event": "revoke", "removed": sorted(p.partition for p in partitions), "assignment": sorted(assignment)})


def on_lost(consumer, partitions):
    assignment.difference_update(p.partition for p in partitions)
    emit({"event": "lost", "removed": sorted(p.partition for p in partitions), "assignment": sorted(assignment)})


consumer = Consumer({
    "bootstrap.servers": bootstrap,
    "broker.address.family": "v4",
    "group.id": group,
    "client.id": name,
    "auto.offset.reset": "earliest",
    "enable.auto.commit": False,
    "partition.assignment.strategy": strategy,
    # The reference settings; a crash test may shorten them (env) to keep the suite quick.
    "session.timeout.ms": int(os.environ.get("KEEL_SESSION_TIMEOUT_MS", "30000")),
    "heartbeat.interval.ms": int(os.environ.get("KEEL_HEARTBEAT_INTERVAL_MS", "3000")),
    "max.poll.interval.ms": 300000,
})
consumer.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke, on_lost=on_lost)
emit({"event": "started"})

stop = threading.Event()


def watch_stdin():
    for line in sys.stdin:
        if line.strip() == "close":
            break
    stop.set()


threading.Thread(target=watch_stdin, daemon=True).start()

while not stop.is_set():
    msg = consumer.poll(0.05)
    if msg is None:
        continue
    if msg.error():
        emit({"event": "error", "error": str(msg.error())})
        continue
    emit({"event": "message", "partition": msg.partition(), "offset": msg.offset(), "value": msg.value().decode()})
    if commit:
        try:
            consumer.commit(message=msg, asynchronous=False)
        except Exception as e:  # a commit racing a rebalance may fail; the test checks what matters
            emit({"event": "commit-error", "error": str(e)})

consumer.close()
emit({"event": "closed"})
