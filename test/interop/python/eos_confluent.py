"""confluent-kafka-python (librdkafka) exactly-once peer for Keel's EOS tests.

Usage: eos_confluent.py BOOTSTRAP COMMAND ARGS...
  idempotent TOPIC COUNT PARTITIONS      enable.idempotence, value m<i> to partition i % PARTITIONS
  ctp IN OUT GROUP TXNID COUNT           consume-transform-produce, one transaction per input
                                         message, send_offsets_to_transaction; every 5th aborted
  hang TOPIC TXNID TIMEOUT_MS COUNT      begin a transaction, produce COUNT records, flush, print
                                         {"ready": true} and wait to be killed
  read TOPIC ISOLATION EXPECTED          assign every partition from the start and poll
                                         (ISOLATION: read_committed | read_uncommitted)
  commit TOPIC TXNID COUNT PREFIX        one committed transaction of COUNT records
Prints one JSON object on stdout; exits non-zero (with a JSON error) on failure.
"""
import json
import sys
import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition

DEADLINE_S = 25


def common(bootstrap):
    return {"bootstrap.servers": bootstrap, "socket.timeout.ms": 8000, "broker.address.family": "v4"}


def idempotent(bootstrap, topic, count, partitions):
    conf = common(bootstrap)
    conf.update({"enable.idempotence": True, "linger.ms": 5, "retry.backoff.ms": 50})
    producer = Producer(conf)
    errors = []
    delivered = [0]

    def on_delivery(err, msg):
        if err is not None:
            errors.append(str(err))
        else:
            delivered[0] += 1

    for i in range(int(count)):
        producer.produce(topic, value="m%d" % i, partition=i % int(partitions), on_delivery=on_delivery)
        producer.poll(0)
        if i % 50 == 49:
            time.sleep(0.02)  # spread the stream so faults and leader moves land mid-way
    remaining = producer.flush(DEADLINE_S)
    if remaining or errors:
        raise RuntimeError("undelivered %d, errors %s" % (remaining, errors[:5]))
    return {"delivered": delivered[0]}


def txn_producer(bootstrap, txnid, timeout_ms=60000):
    conf = common(bootstrap)
    # librdkafka insists on socket.timeout.ms <= transaction.timeout.ms.
    conf.update({"transactional.id": txnid, "transaction.timeout.ms": int(timeout_ms), "linger.ms": 5, "socket.timeout.ms": min(8000, int(timeout_ms))})
    producer = Producer(conf)
    producer.init_transactions(DEADLINE_S)
    return producer


def ctp(bootstrap, src, dst, group, txnid, count):
    count = int(count)
    producer = txn_producer(bootstrap, txnid)
    conf = common(bootstrap)
    conf.update({"group.id": group, "enable.auto.commit": False, "auto.offset.reset": "earliest", "isolation.level": "read_committed"})
    consumer = Consumer(conf)
    consumer.subscribe([src])
    committed, aborted = [], []
    deadline = time.time() + DEADLINE_S
    while len(committed) + len(aborted) < count and time.time() < deadline:
        msg = consumer.poll(0.2)
        if msg is None:
            continue
        if msg.error():
            raise KafkaException(msg.error())
        n = int(msg.value().decode()[2:])
        producer.begin_transaction()
        producer.produce(dst, value="out%d" % n, partition=n % 3)
        offsets = [TopicPartition(msg.topic(), msg.partition(), msg.offset() + 1)]
        producer.send_offsets_to_transaction(offsets, consumer.consumer_group_metadata(), DEADLINE_S)
        if n % 5 == 0:
            # Flush first: librdkafka purges still-queued messages on abort, and the test wants
            # the aborted record really in the log (read_uncommitted must see it).
            producer.flush(DEADLINE_S)
            producer.abort_transaction(DEADLINE_S)
            aborted.append("out%d" % n)
            # Rewind is not wanted: the aborted input counts as handled for this test.
        else:
            producer.commit_transaction(DEADLINE_S)
            committed.append("out%d" % n)
    consumer.close()
    if len(committed) + len(aborted) < count:
        raise RuntimeError("handled only %d of %d" % (len(committed) + len(aborted), count))
    return {"committed": committed, "aborted": aborted}


def hang(bootstrap, topic, txnid, timeout_ms, count):
    producer = txn_producer(bootstrap, txnid, timeout_ms)
    producer.begin_transaction()
    for i in range(int(count)):
        producer.produce(topic, value="hung%d" % i, partition=i % 3)
    producer.flush(DEADLINE_S)
    print(json.dumps({"ready": True}), flush=True)
    time.sleep(600)
    return {}


def commit(bootstrap, topic, txnid, count, prefix):
    producer = txn_producer(bootstrap, txnid)
    producer.begin_transaction()
    for i in range(int(count)):
        producer.produce(topic, value="%s%d" % (prefix, i), partition=i % 3)
    producer.commit_transaction(DEADLINE_S)
    return {"committed": int(count)}


def read(bootstrap, topic, isolation, expected):
    conf = common(bootstrap)
    conf.update({"group.id": "eos-reader", "enable.auto.commit": False, "isolation.level": isolation})
    consumer = Consumer(conf)
    md = consumer.list_topics(topic, timeout=10)
    consumer.assign([TopicPartition(topic, p, -2) for p in md.topics[topic].partitions])
    values = []
    deadline = time.time() + DEADLINE_S
    idle_until = None
    while time.time() < deadline:
        msg = consumer.poll(0.2)
        if msg is None:
            if len(values) >= int(expected):
                idle_until = idle_until or time.time() + 0.5  # linger a little to catch extras
                if time.time() > idle_until:
                    break
            continue
        if msg.error():
            if msg.error().code() == -191:  # _PARTITION_EOF
                continue
            raise KafkaException(msg.error())
        values.append(msg.value().decode())
    consumer.close()
    return {"values": values}


def main():
    bootstrap, command, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    try:
        result = {"idempotent": idempotent, "ctp": ctp, "hang": hang, "read": read, "commit": commit}[command](bootstrap, *args)
        print(json.dumps({"ok": True, **result}))
    except Exception as e:  # report, don't hang: the test parses this line
        print(json.dumps({"ok": False, "error": "%s: %s" % (type(e).__name__, e)}))
        sys.exit(1)


if __name__ == "__main__":
    main()
