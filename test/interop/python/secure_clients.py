"""Secured-listener peers for Keel's interop tests: confluent-kafka-python (librdkafka)
and kafka-python, each given its own client's security settings as JSON.

Usage: secure_clients.py LIBRARY BOOTSTRAP SECURITY_JSON COMMAND ARGS...
  LIBRARY        confluent | kafka-python
  SECURITY_JSON  client config merged into every client, e.g.
                 {"security.protocol": "SASL_SSL", ...} or {"security_protocol": "SASL_PLAINTEXT", ...}
  metadata                   the broker ids the client sees
  roundtrip TOPIC COUNT      produce COUNT keyed messages with acks=all, then read the
                             topic from the beginning by assign() (no group)
Prints one JSON object on stdout; exits non-zero (with a JSON error) on failure.
"""
import json
import sys
import time

DEADLINE_S = 20


def confluent(bootstrap, security, command, *args):
    from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
    from confluent_kafka.admin import AdminClient

    base = {"bootstrap.servers": bootstrap, "socket.timeout.ms": 8000, "broker.address.family": "v4", **security}
    if command == "metadata":
        md = AdminClient(base).list_topics(timeout=8)
        return {"brokers": sorted(b.id for b in md.brokers.values())}
    topic, count = args[0], int(args[1])
    producer = Producer({**base, "acks": "all", "enable.idempotence": False, "linger.ms": 5})
    errors = []
    for i in range(count):
        producer.produce(topic, key="k%d" % i, value="v%d" % i, on_delivery=lambda err, msg: err and errors.append(str(err)))
    if producer.flush(DEADLINE_S) or errors:
        raise RuntimeError("produce failed: %s" % (errors[:3] or "not delivered in time"))
    consumer = Consumer({**base, "group.id": "keel-secure-unused", "enable.auto.commit": False, "enable.partition.eof": True})
    partitions = sorted(consumer.list_topics(topic=topic, timeout=10).topics[topic].partitions.keys())
    ends = {p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1] for p in partitions}
    consumer.assign([TopicPartition(topic, p, 0) for p in partitions])
    values, done, deadline = [], set(p for p in partitions if ends[p] == 0), time.time() + DEADLINE_S
    while len(done) < len(partitions) and time.time() < deadline:
        msg = consumer.poll(0.5)
        if msg is None:
            continue
        if msg.error() is not None:
            if msg.error().code() == -191:  # _PARTITION_EOF
                if msg.offset() >= ends[msg.partition()]:
                    done.add(msg.partition())
                continue
            raise KafkaException(msg.error())
        values.append(msg.value().decode())
        if msg.offset() + 1 >= ends[msg.partition()]:
            done.add(msg.partition())
    consumer.close()
    return {"values": sorted(values)}


def kafka_python(bootstrap, security, command, *args):
    from kafka import KafkaConsumer, KafkaProducer, TopicPartition

    base = {"bootstrap_servers": bootstrap.split(","), "request_timeout_ms": 15000, "api_version_auto_timeout_ms": 8000, **security}
    if command == "metadata":
        consumer = KafkaConsumer(**base)
        topics = consumer.topics()
        brokers = sorted(b.nodeId for b in consumer._client.cluster.brokers())
        consumer.close()
        return {"brokers": brokers, "topics": sorted(topics)}
    topic, count = args[0], int(args[1])
    producer = KafkaProducer(acks="all", linger_ms=5, **base)
    futures = [producer.send(topic, key=b"k%d" % i, value=b"v%d" % i) for i in range(count)]
    for f in futures:
        f.get(timeout=DEADLINE_S)
    producer.close(timeout=5)
    consumer = KafkaConsumer(enable_auto_commit=False, **base)
    tps = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
    consumer.assign(tps)
    consumer.seek_to_beginning(*tps)
    ends = consumer.end_offsets(tps)
    values, deadline = [], time.time() + DEADLINE_S
    while time.time() < deadline and any(consumer.position(tp) < ends[tp] for tp in tps):
        for records in consumer.poll(timeout_ms=500).values():
            values.extend(r.value.decode() for r in records)
    consumer.close()
    return {"values": sorted(values)}


def main():
    library, bootstrap, security, command, args = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4], sys.argv[5:]
    try:
        run = {"confluent": confluent, "kafka-python": kafka_python}[library]
        print(json.dumps({"ok": True, **run(bootstrap, security, command, *args)}))
    except Exception as e:  # report, don't hang: the test parses this line
        print(json.dumps({"ok": False, "error": "%s: %s" % (type(e).__name__, e)}))
        sys.exit(1)


if __name__ == "__main__":
    main()
