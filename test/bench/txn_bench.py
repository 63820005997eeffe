"""librdkafka (confluent-kafka-python) load for `npm run bench:txn`.

Usage: txn_bench.py BOOTSTRAP MODE TOPIC COUNT SIZE
  MODE plain       acks=all, no idempotence
       idempotent  acks=all, enable.idempotence
       txn         transactional, one transaction per 100 messages
Prints one JSON line: messages, seconds, msgPerSec, mbPerSec.
"""
import json
import sys
import time

from confluent_kafka import Producer

TXN_SIZE = 100


def main():
    bootstrap, mode, topic, count, size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    conf = {"bootstrap.servers": bootstrap, "broker.address.family": "v4", "acks": "all", "linger.ms": 5,
            "batch.size": 1000000, "queue.buffering.max.messages": 1000000}
    if mode == "idempotent":
        conf["enable.idempotence"] = True
    elif mode == "txn":
        conf["transactional.id"] = "bench-txn"
    failed = [0]

    def on_delivery(err, msg):
        if err is not None:
            failed[0] += 1

    producer = Producer(conf)
    payload = b"x" * size
    if mode == "txn":
        producer.init_transactions(30)
    start = time.monotonic()
    i = 0
    while i < count:
        if mode == "txn":
            producer.begin_transaction()
        end = min(count, i + TXN_SIZE) if mode == "txn" else count
        while i < end:
            try:
                producer.produce(topic, value=payload, key=str(i % 1000), on_delivery=on_delivery)
                i += 1
            except BufferError:
                producer.poll(0.01)
            producer.poll(0)
        if mode == "txn":
            producer.commit_transaction(30)
    producer.flush(60)
    seconds = time.monotonic() - start
    print(json.dumps({"mode": mode, "messages": count, "failed": failed[0], "seconds": round(seconds, 3),
                      "msgPerSec": round(count / seconds), "mbPerSec": round(count * size / seconds / 1e6, 2)}))


if __name__ == "__main__":
    main()
