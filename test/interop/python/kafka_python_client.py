"""kafka-python 2.0.2 peer for Keel's interop tests (no consumer group).

Usage: kafka_python_client.py BOOTSTRAP COMMAND ARGS...
  version                      the broker version kafka-python guesses from ApiVersions
  produce TOPIC COUNT [CODEC]  keyed messages, acks=all, optional compression_type, wait for every future
  consume TOPIC                assign every partition, seek_to_beginning, poll to the end
Prints one JSON object on stdout; exits non-zero (with a JSON error) on failure.
"""
import json
import sys
import time

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.client_async import KafkaClient

DEADLINE_S = 20


def common(bootstrap):
    return {"bootstrap_servers": bootstrap.split(","), "request_timeout_ms": 15000, "api_version_auto_timeout_ms": 8000}


def version(bootstrap):
    client = KafkaClient(**common(bootstrap))
    try:
        return {"version": list(client.check_version(timeout=8))}
    finally:
        client.close()


def produce(bootstrap, topic, count, codec="none"):
    producer = KafkaProducer(acks="all", retries=3, linger_ms=20, compression_type=None if codec == "none" else codec, **common(bootstrap))
    futures = []
    for i in range(int(count)):
        futures.append((i, producer.send(topic, key=("k%d" % (i % 5)).encode(), value=("kp-%d-%s" % (i, "w" * i)).encode())))
    deliveries = []
    for i, f in futures:
        md = f.get(timeout=DEADLINE_S)
        deliveries.append({"key": "k%d" % (i % 5), "value": "kp-%d-%s" % (i, "w" * i), "partition": md.partition, "offset": md.offset})
    producer.close(timeout=5)
    return {"deliveries": deliveries, "version": list(producer.config["api_version"])}


def consume(bootstrap, topic):
    consumer = KafkaConsumer(enable_auto_commit=False, consumer_timeout_ms=1000, **common(bootstrap))
    partitions = sorted(consumer.partitions_for_topic(topic) or [])
    if not partitions:
        raise RuntimeError("no partitions for %s" % topic)
    tps = [TopicPartition(topic, p) for p in partitions]
    consumer.assign(tps)
    consumer.seek_to_beginning(*tps)
    ends = consumer.end_offsets(tps)
    messages = []
    deadline = time.time() + DEADLINE_S
    while time.time() < deadline and any(consumer.position(tp) < ends[tp] for tp in tps):
        for tp, records in consumer.poll(timeout_ms=500).items():
            for r in records:
                messages.append({"key": r.key.decode() if r.key is not None else None, "value": r.value.decode(), "partition": r.partition, "offset": r.offset})
    complete = all(consumer.position(tp) >= ends[tp] for tp in tps)
    consumer.close()
    return {"messages": messages, "complete": complete, "ends": {str(tp.partition): ends[tp] for tp in tps}}


def main():
    bootstrap, command, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    try:
        result = {"version": version, "produce": produce, "consume": consume}[command](bootstrap, *args)
        print(json.dumps({"ok": True, **result}))
    except Exception as e:
        print(json.dumps({"ok": False, "error": "%s: %s" % (type(e).__name__, e)}))
        sys.exit(1)


if __name__ == "__main__":
    main()
