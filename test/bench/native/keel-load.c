/*
 * One librdkafka-based load tool for every broker the bench compares (Keel's sandbox and
 * librdkafka's own mock cluster), so both sides are measured by the same client code.
 *
 *   keel-load produce  BOOTSTRAP TOPIC COUNT SIZE ACKS
 *   keel-load consume  BOOTSTRAP TOPIC PARTITIONS COUNT
 *   keel-load latency  BOOTSTRAP TOPIC COUNT
 *
 * Each prints one JSON line with its measurements.
 */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *detail) {
  fprintf(stderr, "keel-load: %s: %s\n", what, detail);
  exit(1);
}

static void set(rd_kafka_conf_t *conf, const char *name, const char *value) {
  char err[512];
  if (rd_kafka_conf_set(conf, name, value, err, sizeof err) != RD_KAFKA_CONF_OK) die(name, err);
}

static long delivered = 0, failed = 0;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
  (void)rk; (void)opaque;
  if (m->err) failed++; else delivered++;
}

static rd_kafka_t *make_producer(const char *bootstrap, const char *acks, const char *linger_ms) {
  char err[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  set(conf, "bootstrap.servers", bootstrap);
  set(conf, "acks", acks);
  set(conf, "linger.ms", linger_ms);
  set(conf, "batch.size", "1000000");
  set(conf, "queue.buffering.max.messages", "1000000");
  set(conf, "enable.idempotence", "false");
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) die("producer", err);
  return rk;
}

static int produce(const char *bootstrap, const char *topic, long count, int size, const char *acks) {
  rd_kafka_t *rk = make_producer(bootstrap, acks, "5");
  char *payload = malloc(size);
  for (int i = 0; i < size; i++) payload[i] = 'a' + (i % 26);
  char key[32];
  double start = now_s();
  for (long i = 0; i < count; i++) {
    int klen = snprintf(key, sizeof key, "k%ld", i);
    for (;;) {
      rd_kafka_resp_err_t e = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_VALUE(payload, size),
                                                RD_KAFKA_V_KEY(key, klen), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) { rd_kafka_poll(rk, 10); continue; }
      if (e) die("produce", rd_kafka_err2str(e));
      break;
    }
    rd_kafka_poll(rk, 0);
  }
  rd_kafka_flush(rk, 120000);
  double secs = now_s() - start;
  printf("{\"mode\":\"produce\",\"messages\":%ld,\"failed\":%ld,\"bytes\":%ld,\"seconds\":%.4f,\"mbPerSec\":%.2f,\"msgPerSec\":%.0f}\n",
         delivered, failed, delivered * (long)size, secs, delivered * (double)size / secs / 1e6, delivered / secs);
  rd_kafka_destroy(rk);
  free(payload);
  return failed ? 1 : 0;
}

static rd_kafka_t *make_consumer(const char *bootstrap, const char *topic, int partitions) {
  char err[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  set(conf, "bootstrap.servers", bootstrap);
  set(conf, "fetch.wait.max.ms", "100");
  set(conf, "fetch.min.bytes", "1");
  set(conf, "enable.partition.eof", "false");
  /* librdkafka's assign() needs a group id, though nothing is committed. */
  set(conf, "group.id", "keel-bench-reader");
  set(conf, "enable.auto.commit", "false");
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (!rk) die("consumer", err);
  rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; p++) rd_kafka_topic_partition_list_add(list, topic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_resp_err_t e = rd_kafka_assign(rk, list);
  if (e) die("assign", rd_kafka_err2str(e));
  rd_kafka_topic_partition_list_destroy(list);
  return rk;
}

static int consume(const char *bootstrap, const char *topic, int partitions, long count) {
  rd_kafka_t *rk = make_consumer(bootstrap, topic, partitions);
  long got = 0, bytes = 0;
  double start = 0, deadline = now_s() + 120;
  while (got < count && now_s() < deadline) {
    rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
    if (!m) continue;
    if (!m->err) {
      if (got == 0) start = now_s();
      got++;
      bytes += m->len;
    }
    rd_kafka_message_destroy(m);
  }
  double secs = now_s() - start;
  printf("{\"mode\":\"consume\",\"messages\":%ld,\"bytes\":%ld,\"seconds\":%.4f,\"mbPerSec\":%.2f,\"msgPerSec\":%.0f}\n",
         got, bytes, secs, bytes / secs / 1e6, got / secs);
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return got == count ? 0 : 1;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/*
 * One message at a time: produce, then wait until the long-polling consumer sees it. The
 * producer does not linger (as Kafka's EndToEndLatency tool): with linger.ms=5 every sample
 * included the client's own 5 ms batching wait (rd_kafka_flush with timeout 0 does not cut it
 * short), which is not the broker's latency.
 */
static int latency(const char *bootstrap, const char *topic, long count) {
  rd_kafka_t *producer = make_producer(bootstrap, "1", "0");
  rd_kafka_t *consumer = make_consumer(bootstrap, topic, 1);
  double *samples = calloc(count, sizeof(double));
  long n = 0;
  char value[64];
  /* Warm up: the consumer must be fetching before timing starts. */
  for (int i = 0; i < 20; i++) { rd_kafka_message_t *m = rd_kafka_consumer_poll(consumer, 50); if (m) rd_kafka_message_destroy(m); }
  for (long i = 0; i < count; i++) {
    int len = snprintf(value, sizeof value, "%ld", i);
    double sent = now_s();
    rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(0), RD_KAFKA_V_VALUE(value, len),
                      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    rd_kafka_flush(producer, 0);
    double deadline = sent + 5;
    while (now_s() < deadline) {
      rd_kafka_poll(producer, 0);
      rd_kafka_message_t *m = rd_kafka_consumer_poll(consumer, 1);
      if (!m) continue;
      int match = !m->err && (int)m->len == len && memcmp(m->payload, value, len) == 0;
      rd_kafka_message_destroy(m);
      if (match) { samples[n++] = (now_s() - sent) * 1000; break; }
    }
  }
  qsort(samples, n, sizeof(double), cmp_double);
  printf("{\"mode\":\"latency\",\"samples\":%ld,\"p50Ms\":%.3f,\"p99Ms\":%.3f,\"maxMs\":%.3f}\n",
         n, n ? samples[n / 2] : -1, n ? samples[(long)(n * 0.99)] : -1, n ? samples[n - 1] : -1);
  rd_kafka_consumer_close(consumer);
  rd_kafka_destroy(consumer);
  rd_kafka_destroy(producer);
  free(samples);
  return n == count ? 0 : 1;
}

int main(int argc, char **argv) {
  if (argc >= 7 && !strcmp(argv[1], "produce")) return produce(argv[2], argv[3], atol(argv[4]), atoi(argv[5]), argv[6]);
  if (argc >= 6 && !strcmp(argv[1], "consume")) return consume(argv[2], argv[3], atoi(argv[4]), atol(argv[5]));
  if (argc >= 5 && !strcmp(argv[1], "latency")) return latency(argv[2], argv[3], atol(argv[4]));
  fprintf(stderr, "usage: keel-load produce|consume|latency ...\n");
  return 2;
}
