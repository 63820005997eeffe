"""librdkafka (confluent-kafka-python) load for `npm run bench:txn` (txn-bench.ts).

Usage: txn_bench.py BOOTSTRAP MODE TOPIC [--seconds S] [--size B] [--linger-ms L]
  MODE plain       acks=all, no idempotence
       idempotent  acks=all, enable.idempotence
       txn         transactional, one transaction per 100 messages
Produces for S seconds (after one primed message: connections, metadata and the producer id
are set up before the clock starts), then waits for every delivery report; the rate counts
that wait too. Prints one JSON line: messages, failed, seconds, msgPerSec, mbPerSec.
"""
import argparse
import json
import time

from confluent_kafka import Producer

TXN_SIZE = 100
# Enough queued data for full 1 MB batches on every partition plus what is in flight, but
# bounded so the final flush stays well under a second instead of draining a huge backlog.
QUEUE_KBYTES = 64 * 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bootstrap")
    ap.add_argument("mode", choices=["plain", "idempotent", "txn"])
    ap.add_argument("topic")
    ap.add_argument("--seconds", type=float, default=4.0, help="how long to produce before the final flush")
    ap.add_argument("--size", type=int, default=512, help="value bytes")
    ap.add_argument("--linger-ms", type=int, default=5, help="librdkafka linger.ms (its default is 5)")
    args = ap.parse_args()
    mode = args.mode

    conf = {"bootstrap.servers": args.bootstrap, "broker.address.family": "v4", "acks": "all",
            "linger.ms": args.linger_ms, "batch.size": 1000000,
            "queue.buffering.max.messages": 1000000, "queue.buffering.max.kbytes": QUEUE_KBYTES}
    if mode == "idempotent":
        conf["enable.idempotence"] = True
    elif mode == "txn":
        conf["transactional.id"] = "bench-txn"
    failed = [0]

    def on_delivery(err, msg):
        if err is not None:
            failed[0] += 1

    producer = Producer(conf)
    payload = b"x" * args.size
    topic = args.topic
    if mode == "txn":
        producer.init_transactions(30)
        producer.begin_transaction()
    producer.produce(topic, value=payload, key="prime")
    if mode == "txn":
        producer.commit_transaction(30)
    producer.flush(30)

    start = time.monotonic()
    deadline = start + args.seconds
    i = 0
    while time.monotonic() < deadline:
        if mode == "txn":
            producer.begin_transaction()
        # A chunk of messages between clock reads (a whole transaction in txn mode).
        end = i + TXN_SIZE
        while i < end:
            try:
                producer.produce(topic, value=payload, key=str(i % 1000), on_delivery=on_delivery)
                i += 1
            except BufferError:
                producer.poll(0.01)
            producer.poll(0)
        if mode == "txn":
            producer.commit_transaction(30)
    failed[0] += producer.flush(60)  # still undelivered after a minute: counted as failed
    seconds = time.monotonic() - start
    print(json.dumps({"mode": mode, "messages": i, "failed": failed[0], "seconds": round(seconds, 3),
                      "msgPerSec": round(i / seconds), "mbPerSec": round(i * args.size / seconds / 1e6, 2)}))


if __name__ == "__main__":
    main()
