"""confluent-kafka-python (librdkafka) peer for Keel's interop tests.

Usage: confluent_client.py BOOTSTRAP COMMAND ARGS...
  create TOPIC PARTITIONS REPLICATION   AdminClient.create_topics, then list the topic
  produce TOPIC COUNT PREFIX            keyed messages, acks=all, no idempotence, snappy
  consume TOPIC EXPECTED                assign every partition from the beginning and poll
Prints one JSON object on stdout; exits non-zero (with a JSON error) on failure.
"""
import json
import sys
import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

DEADLINE_S = 20


def common(bootstrap):
    return {"bootstrap.servers": bootstrap, "socket.timeout.ms": 8000, "broker.address.family": "v4"}


def create(bootstrap, topic, partitions, replication):
    admin = AdminClient(common(bootstrap))
    futures = admin.create_topics([NewTopic(topic, num_partitions=int(partitions), replication_factor=int(replication))], request_timeout=15)
    futures[topic].result(timeout=DEADLINE_S)
    md = admin.list_topics(topic=topic, timeout=10)
    t = md.topics[topic]
    if t.error is not None:
        raise RuntimeError("metadata error for %s: %s" % (topic, t.error))
    return {
        "brokers": sorted(b.id for b in md.brokers.values()),
        "partitions": {str(p.id): {"leader": p.leader, "replicas": list(p.replicas), "isrs": list(p.isrs)} for p in t.partitions.values()},
    }


def produce(bootstrap, topic, count, prefix):
    conf = common(bootstrap)
    conf.update({"acks": "all", "enable.idempotence": False, "compression.type": "snappy", "linger.ms": 20})
    producer = Producer(conf)
    deliveries = []
    errors = []

    def on_delivery(err, msg):
        if err is not None:
            errors.append(str(err))
        else:
            deliveries.append({"key": msg.key().decode(), "value": msg.value().decode(), "partition": msg.partition(), "offset": msg.offset()})

    for i in range(int(count)):
        producer.produce(topic, key="key-%d" % (i % 9), value="%s-%d-%s" % (prefix, i, "z" * (i * 4)), on_delivery=on_delivery)
        producer.poll(0)
    remaining = producer.flush(DEADLINE_S)
    if remaining:
        raise RuntimeError("%d messages not delivered within %ss" % (remaining, DEADLINE_S))
    if errors:
        raise RuntimeError("delivery errors: %s" % errors[:5])
    return {"deliveries": deliveries}


def consume(bootstrap, topic, expected):
    conf = common(bootstrap)
    # group.id is required by the client's config check; assign() never contacts the group coordinator.
    conf.update({"group.id": "keel-interop-unused", "enable.auto.commit": False, "auto.offset.reset": "earliest", "enable.partition.eof": True})
    consumer = Consumer(conf)
    md = consumer.list_topics(topic=topic, timeout=10)
    partitions = sorted(md.topics[topic].partitions.keys())
    ends = {}
    for p in partitions:
        low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
        ends[p] = high
    consumer.assign([TopicPartition(topic, p, 0) for p in partitions])
    messages = []
    done = set(p for p in partitions if ends[p] == 0)
    deadline = time.time() + DEADLINE_S
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
        messages.append({"key": msg.key().decode() if msg.key() is not None else None, "value": msg.value().decode(), "partition": msg.partition(), "offset": msg.offset()})
        if msg.offset() + 1 >= ends[msg.partition()]:
            done.add(msg.partition())
    consumer.close()
    return {"messages": messages, "ends": {str(p): ends[p] for p in partitions}, "complete": len(done) == len(partitions), "expected": int(expected)}


def main():
    bootstrap, command, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    try:
        result = {"create": create, "produce": produce, "consume": consume}[command](bootstrap, *args)
        print(json.dumps({"ok": True, **result}))
    except Exception as e:  # report, don't hang: the test parses this line
        print(json.dumps({"ok": False, "error": "%s: %s" % (type(e).__name__, e)}))
        sys.exit(1)


if __name__ == "__main__":
    main()
