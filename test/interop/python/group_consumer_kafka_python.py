"""kafka-python group member for Keel's consumer-group tests.

Usage: group_consumer_kafka_python.py BOOTSTRAP GROUP TOPIC EXPECTED
Joins GROUP (kafka-python's JoinGroup v2 / OffsetCommit v2 / OffsetFetch v1 path), reads until
EXPECTED messages arrived or 8 s pass without new ones, commits after each poll, leaves the
group and prints {"values": [...], "partitions": [...]} on stdout.
"""
import json
import sys
import time

from kafka import KafkaConsumer

bootstrap, group, topic, expected = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
consumer = KafkaConsumer(
    topic,
    bootstrap_servers=bootstrap.split(","),
    group_id=group,
    client_id="keel-kafka-python",
    auto_offset_reset="earliest",
    enable_auto_commit=False,
    session_timeout_ms=6000,
    heartbeat_interval_ms=500,
    request_timeout_ms=15000,
)
values = []
last = time.time()
deadline = time.time() + 25
while len(values) < expected and time.time() - last < 8 and time.time() < deadline:
    batches = consumer.poll(timeout_ms=200)
    for records in batches.values():
        for r in records:
            values.append(r.value.decode())
            last = time.time()
    if batches:
        consumer.commit()
partitions = sorted(tp.partition for tp in consumer.assignment())
consumer.close()
print(json.dumps({"values": values, "partitions": partitions}))
