"""confluent-kafka-python (librdkafka) producer for the replication failover tests.

Prints READY once every partition has an acknowledgement.
Usage: replication_producer.py BOOTSTRAP TOPIC PARTITIONS DURATION_S IDEMPOTENT(0|1)

Writes continuously to every partition (key "py-<p>", value "<p>:<seq>") with acks=all
and retries=5 for DURATION_S seconds, then flushes and prints one JSON object:
{"acked": [[partition, seq, ack_ms, offset], ...], "failed": [[partition, seq, error], ...]}.
Without idempotence, max.in.flight=1 keeps each partition in order across retries.
"""
import json
import sys
import time

from confluent_kafka import Producer

bootstrap, topic, partitions, duration, idempotent = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5] == "1"

config = {
    "bootstrap.servers": bootstrap,
    "acks": "all",
    "retries": 5,
    "retry.backoff.ms": 100,
    "linger.ms": 2,
    "socket.timeout.ms": 5000,
    "message.timeout.ms": 20000,
    "topic.metadata.refresh.interval.ms": 1000,
    "enable.idempotence": idempotent,
}
if not idempotent:
    config["max.in.flight.requests.per.connection"] = 1

acked = []
failed = []
acked_partitions = set()


def on_delivery(err, msg):
    p, seq = (int(x) for x in msg.value().decode().split(":"))
    if err is not None:
        failed.append([p, seq, str(err)])
    else:
        acked.append([p, seq, int(time.time() * 1000), msg.offset()])
        if len(acked_partitions) < partitions:
            acked_partitions.add(p)
            if len(acked_partitions) == partitions:
                # Tells the test it may start breaking things.
                print("READY", flush=True)


producer = Producer(config)
seq = 0
started = time.time()
deadline = started + duration
while time.time() < deadline:
    for p in range(partitions):
        while True:
            try:
                producer.produce(topic, key=f"py-{p}".encode(), value=f"{p}:{seq}".encode(), partition=p, on_delivery=on_delivery)
                break
            except BufferError:
                producer.poll(0.01)
    seq += 1
    # Paced (100 rounds a second): a backlog in librdkafka's queue would hide recovery times.
    next_round = started + seq * 0.01
    while time.time() < next_round:
        producer.poll(max(0.0, next_round - time.time()))
remaining = producer.flush(30)
print(json.dumps({"acked": acked, "failed": failed, "unflushed": remaining, "sent_per_partition": seq}))
