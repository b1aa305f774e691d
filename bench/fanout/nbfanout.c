// nbfanout: the fan-out load generator for NotifyBroker's Notifier service, over h2c (HTTP/2 with prior knowledge).
//
// It opens N Subscribe streams spread over a few connections, waits until every stream has its Open event, and then
// (unless --duration is 0) publishes Broadcasts on its own connection as fast as the broker accepts them, each with
// its send time (CLOCK_MONOTONIC, ns) in lParam and its sequence number in wParam. Every subscriber counts the
// window-message events it receives and takes the latency from lParam, so publisher and subscribers share one clock.
//
// Native on purpose: on a 2-core machine the load generator must cost far less than the server it measures, so the
// subscribers do not parse events beyond the two fields they need, and everything runs on one thread with poll().
//
// Identity: when $NB_BENCH_KEY is set, every call carries "authorization: Bearer $NB_BENCH_KEY" (the broker refuses
// calls without a key; servers without authentication ignore the header). From the environment, not argv, so the key
// is not in the process list.
//
// Output: "key value" lines on stdout (see usage()). Idle mode (--duration 0) prints "ready <n>" once all streams
// are open and holds them until stdin closes or --hold seconds pass, so a script can measure the server meanwhile.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <nghttp2/nghttp2.h>

#define MAX_CONNECTIONS 64
#define LATENCY_BUCKETS 1000000      /* 1 µs buckets up to 1 s ... */
#define SLOW_LATENCY_BUCKETS 100000  /* ... then 1 ms buckets up to 100 s; slower still counts in the overflow */

// BSF_POSTMESSAGE: post, don't wait for each window (the fast, asynchronous broadcast).
#define DEFAULT_FLAGS 0x10
// BSM_APPLICATIONS: top-level windows, which include the broker's listener window.
#define DEFAULT_RECIPIENTS 0x8

typedef struct Options {
    const char *host;
    int port;
    int subscribers;
    int connections;
    double duration;
    double hold;
    double drain;
    int wave;
    double open_timeout;
    int inflight;
    int max_ahead;
    uint32_t flags;
    uint32_t recipients;
    const char *registered_name;
    const char *service; // path prefix of Subscribe and Broadcast
} Options;

typedef struct Connection {
    int fd;
    nghttp2_session *session;
    bool is_publisher;
    bool dead;
} Connection;

// One Subscribe stream's state: a tiny gRPC frame reader that keeps only the message being reassembled.
typedef struct Subscriber {
    int32_t stream_id;
    uint8_t prefix[5];
    int prefix_have;
    uint32_t message_length;
    uint32_t message_have;
    uint8_t *message;
    uint32_t message_capacity;
    bool opened;
    bool closed;
    int grpc_status;       // from the trailers; -1 until seen
    char grpc_message[96]; // likewise (truncated)
    uint64_t delivered;
    size_t body_sent;
} Subscriber;

// One in-flight Broadcast call.
typedef struct Broadcast {
    uint64_t sequence;
    uint8_t body[128];
    size_t body_length;
    size_t body_sent;
    int http_status;
    int grpc_status;
} Broadcast;

static Options options = {
    .host = "127.0.0.1", .port = 0, .subscribers = 1000, .connections = 4, .duration = 5, .hold = 0, .drain = 10,
    .wave = 0, .open_timeout = 60, .inflight = 100, .max_ahead = 64, .flags = DEFAULT_FLAGS, .recipients = DEFAULT_RECIPIENTS,
    .registered_name = "NotifyBroker.Bench.FanOut", .service = "/notify.v1.Notifier",
};

static Connection connections[MAX_CONNECTIONS + 1];
static int connection_count;
static Subscriber *subscribers;
static uint8_t subscribe_body[256];
static size_t subscribe_body_length;
static char authority[64];
static char *authorization; // "Bearer <key>", or NULL: no authorization header
static char subscribe_path[128], broadcast_path[128];

static int opened_count, closed_count;
static uint64_t delivered_total, other_events;
static uint64_t sent_broadcasts, accepted_broadcasts, failed_broadcasts, inflight_broadcasts;
static char first_failure[256];
static uint32_t *latency_us, *latency_ms;
static uint64_t latency_overflow, latency_max_us;
static uint64_t first_send_ns, last_delivery_ns;

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void die(const char *what) {
    fprintf(stderr, "nbfanout: %s: %s\n", what, strerror(errno));
    exit(1);
}

// ---- protobuf, just enough ---------------------------------------------------------------------------------------

static size_t put_varint(uint8_t *out, uint64_t value) {
    size_t n = 0;
    while (value >= 0x80) { out[n++] = (uint8_t)(value | 0x80); value >>= 7; }
    out[n++] = (uint8_t)value;
    return n;
}

static bool get_varint(const uint8_t **p, const uint8_t *end, uint64_t *value) {
    uint64_t v = 0;
    for (int shift = 0; *p < end && shift < 64; shift += 7) {
        uint8_t b = *(*p)++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) { *value = v; return true; }
    }
    return false;
}

// Skips one field's value of wire type `wire`; false on malformed input.
static bool skip_field(const uint8_t **p, const uint8_t *end, int wire) {
    uint64_t n;
    switch (wire) {
    case 0: return get_varint(p, end, &n);
    case 1: if (end - *p < 8) return false; *p += 8; return true;
    case 2: if (!get_varint(p, end, &n) || (uint64_t)(end - *p) < n) return false; *p += n; return true;
    case 5: if (end - *p < 4) return false; *p += 4; return true;
    default: return false;
    }
}

// Frames `message` (length bytes) behind the 5-byte gRPC prefix into `out`.
static size_t frame(uint8_t *out, const uint8_t *message, size_t length) {
    out[0] = 0;
    out[1] = (uint8_t)(length >> 24); out[2] = (uint8_t)(length >> 16);
    out[3] = (uint8_t)(length >> 8); out[4] = (uint8_t)length;
    memcpy(out + 5, message, length);
    return 5 + length;
}

// SubscribeRequest{registered_names: [name]}: only our broadcasts (plus Open and keepalives) reach the stream.
static void build_subscribe_body(void) {
    uint8_t message[200];
    size_t name_length = strlen(options.registered_name), n = 0;
    message[n++] = 0x1a; // field 3, length-delimited
    n += put_varint(message + n, name_length);
    memcpy(message + n, options.registered_name, name_length);
    n += name_length;
    subscribe_body_length = frame(subscribe_body, message, n);
}

// BroadcastRequest{flags, recipients, registered_name, wparam = sequence, lparam = send time}.
static size_t build_broadcast_body(uint8_t *out, uint64_t sequence, uint64_t sent_ns) {
    uint8_t message[120];
    size_t name_length = strlen(options.registered_name), n = 0;
    message[n++] = 0x08; n += put_varint(message + n, options.flags);
    message[n++] = 0x10; n += put_varint(message + n, options.recipients);
    message[n++] = 0x22; n += put_varint(message + n, name_length);
    memcpy(message + n, options.registered_name, name_length); n += name_length;
    message[n++] = 0x28; n += put_varint(message + n, sequence);
    message[n++] = 0x30; n += put_varint(message + n, sent_ns);
    return frame(out, message, n);
}

// Reads Event.window_message.lparam (Event field 12, WindowMessage field 4). Returns 1 for a window message,
// 2 for the Open event (field 10), 0 for anything else (keepalive), -1 when malformed.
static int parse_event(const uint8_t *p, const uint8_t *end, uint64_t *lparam) {
    int kind = 0;
    while (p < end) {
        uint64_t key, length;
        if (!get_varint(&p, end, &key)) return -1;
        int field = (int)(key >> 3), wire = (int)(key & 7);
        if (field == 12 && wire == 2) {
            if (!get_varint(&p, end, &length) || (uint64_t)(end - p) < length) return -1;
            const uint8_t *inner = p, *inner_end = p + length;
            p = inner_end;
            kind = 1;
            while (inner < inner_end) {
                uint64_t inner_key;
                if (!get_varint(&inner, inner_end, &inner_key)) return -1;
                if (inner_key == ((4 << 3) | 0)) {
                    if (!get_varint(&inner, inner_end, lparam)) return -1;
                } else if (!skip_field(&inner, inner_end, (int)(inner_key & 7))) {
                    return -1;
                }
            }
        } else {
            if (field == 10) kind = 2;
            if (!skip_field(&p, end, wire)) return -1;
        }
    }
    return kind;
}

// ---- subscriber side ---------------------------------------------------------------------------------------------

static void on_message(Subscriber *sub, const uint8_t *message, uint32_t length) {
    uint64_t lparam = 0;
    int kind = parse_event(message, message + length, &lparam);
    if (kind == 2 && !sub->opened) {
        sub->opened = true;
        opened_count++;
    } else if (kind == 1) {
        uint64_t now = now_ns();
        sub->delivered++;
        delivered_total++;
        last_delivery_ns = now;
        uint64_t us = now > lparam ? (now - lparam) / 1000 : 0;
        if (us < LATENCY_BUCKETS) latency_us[us]++;
        else if (us / 1000 < SLOW_LATENCY_BUCKETS) latency_ms[us / 1000]++;
        else latency_overflow++;
        if (us > latency_max_us) latency_max_us = us;
    } else {
        other_events++;
    }
}

// Feeds DATA bytes through the 5-byte-prefix reader; messages may span DATA frames and frames may hold several.
static void on_subscriber_data(Subscriber *sub, const uint8_t *data, size_t length) {
    while (length > 0) {
        if (sub->prefix_have < 5) {
            size_t take = 5 - (size_t)sub->prefix_have;
            if (take > length) take = length;
            memcpy(sub->prefix + sub->prefix_have, data, take);
            sub->prefix_have += (int)take; data += take; length -= take;
            if (sub->prefix_have < 5) return;
            sub->message_length = ((uint32_t)sub->prefix[1] << 24) | ((uint32_t)sub->prefix[2] << 16) |
                                  ((uint32_t)sub->prefix[3] << 8) | sub->prefix[4];
            sub->message_have = 0;
            if (sub->message_length == 0) { on_message(sub, NULL, 0); sub->prefix_have = 0; continue; }
            // Whole message in this chunk: parse in place, no copy.
            if (length >= sub->message_length) {
                on_message(sub, data, sub->message_length);
                data += sub->message_length; length -= sub->message_length;
                sub->prefix_have = 0;
                continue;
            }
            if (sub->message_capacity < sub->message_length) {
                sub->message = realloc(sub->message, sub->message_length);
                if (!sub->message) die("realloc");
                sub->message_capacity = sub->message_length;
            }
        }
        size_t take = sub->message_length - sub->message_have;
        if (take > length) take = length;
        memcpy(sub->message + sub->message_have, data, take);
        sub->message_have += (uint32_t)take; data += take; length -= take;
        if (sub->message_have == sub->message_length) {
            on_message(sub, sub->message, sub->message_length);
            sub->prefix_have = 0;
        }
    }
}

// ---- nghttp2 callbacks -------------------------------------------------------------------------------------------

static ssize_t send_callback(nghttp2_session *session, const uint8_t *data, size_t length, int flags, void *user_data) {
    (void)session; (void)flags;
    Connection *c = user_data;
    ssize_t n = send(c->fd, data, length, MSG_NOSIGNAL);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return NGHTTP2_ERR_WOULDBLOCK;
        return NGHTTP2_ERR_CALLBACK_FAILURE;
    }
    return n;
}

static int on_data_chunk(nghttp2_session *session, uint8_t flags, int32_t stream_id, const uint8_t *data, size_t length,
                         void *user_data) {
    (void)flags;
    Connection *c = user_data;
    if (c->is_publisher) return 0; // Broadcast replies: only the status matters
    Subscriber *sub = nghttp2_session_get_stream_user_data(session, stream_id);
    if (sub) on_subscriber_data(sub, data, length);
    return 0;
}

static int on_header(nghttp2_session *session, const nghttp2_frame *frame, const uint8_t *name, size_t name_length,
                     const uint8_t *value, size_t value_length, uint8_t flags, void *user_data) {
    (void)flags;
    Connection *c = user_data;
    if (frame->hd.type != NGHTTP2_HEADERS) return 0;
    int32_t stream_id = frame->hd.stream_id;
    if (c->is_publisher) {
        Broadcast *b = nghttp2_session_get_stream_user_data(session, stream_id);
        if (!b) return 0;
        if (name_length == 7 && memcmp(name, ":status", 7) == 0) b->http_status = atoi((const char *)value);
        if (name_length == 11 && memcmp(name, "grpc-status", 11) == 0) b->grpc_status = atoi((const char *)value);
        if (name_length == 12 && memcmp(name, "grpc-message", 12) == 0 && first_failure[0] == 0 && value_length > 0)
            snprintf(first_failure, sizeof first_failure, "%.*s", (int)value_length, value);
    } else {
        Subscriber *sub = nghttp2_session_get_stream_user_data(session, stream_id);
        if (sub && name_length == 11 && memcmp(name, "grpc-status", 11) == 0) sub->grpc_status = atoi((const char *)value);
        if (name_length == 12 && memcmp(name, "grpc-message", 12) == 0) {
            if (sub) snprintf(sub->grpc_message, sizeof sub->grpc_message, "%.*s", (int)value_length, value);
            if (first_failure[0] == 0) snprintf(first_failure, sizeof first_failure, "subscribe: %.*s", (int)value_length, value);
        }
    }
    return 0;
}

static int on_stream_close(nghttp2_session *session, int32_t stream_id, uint32_t error_code, void *user_data) {
    Connection *c = user_data;
    if (c->is_publisher) {
        Broadcast *b = nghttp2_session_get_stream_user_data(session, stream_id);
        if (!b) return 0;
        inflight_broadcasts--;
        if (error_code == 0 && b->http_status == 200 && b->grpc_status == 0) {
            accepted_broadcasts++;
        } else {
            failed_broadcasts++;
            if (first_failure[0] == 0)
                snprintf(first_failure, sizeof first_failure, "broadcast: http %d grpc-status %d rst %u",
                         b->http_status, b->grpc_status, error_code);
        }
        free(b);
    } else {
        Subscriber *sub = nghttp2_session_get_stream_user_data(session, stream_id);
        if (sub && !sub->closed) {
            sub->closed = true;
            closed_count++;
            // Why each stream ended, so a lost stream can be explained (e.g. RESOURCE_EXHAUSTED = slow consumer).
            fprintf(stderr, "nbfanout: stream ended: subscriber %ld connection %d stream %d grpc-status %d rst %u delivered %llu message %s\n",
                    (long)(sub - subscribers), (int)(c - connections), stream_id, sub->grpc_status, error_code,
                    (unsigned long long)sub->delivered, sub->grpc_message[0] ? sub->grpc_message : "-");
        }
    }
    return 0;
}

static ssize_t read_subscribe_body(nghttp2_session *session, int32_t stream_id, uint8_t *buf, size_t length,
                                   uint32_t *data_flags, nghttp2_data_source *source, void *user_data) {
    (void)session; (void)stream_id; (void)user_data;
    Subscriber *sub = source->ptr;
    size_t left = subscribe_body_length - sub->body_sent;
    if (left > length) left = length;
    memcpy(buf, subscribe_body + sub->body_sent, left);
    sub->body_sent += left;
    if (sub->body_sent == subscribe_body_length) *data_flags |= NGHTTP2_DATA_FLAG_EOF;
    return (ssize_t)left;
}

// The send time goes into the body at the moment nghttp2 writes it, not when the call was queued.
static ssize_t read_broadcast_body(nghttp2_session *session, int32_t stream_id, uint8_t *buf, size_t length,
                                   uint32_t *data_flags, nghttp2_data_source *source, void *user_data) {
    (void)session; (void)stream_id; (void)user_data;
    Broadcast *b = source->ptr;
    if (b->body_sent == 0 && b->body_length == 0) {
        uint64_t sent = now_ns();
        if (first_send_ns == 0) first_send_ns = sent;
        b->body_length = build_broadcast_body(b->body, b->sequence, sent);
    }
    size_t left = b->body_length - b->body_sent;
    if (left > length) left = length;
    memcpy(buf, b->body + b->body_sent, left);
    b->body_sent += left;
    if (b->body_sent == b->body_length) *data_flags |= NGHTTP2_DATA_FLAG_EOF;
    return (ssize_t)left;
}

// ---- connections -------------------------------------------------------------------------------------------------

static void open_connection(Connection *c, bool is_publisher) {
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((uint16_t)options.port) };
    if (inet_pton(AF_INET, options.host, &address.sin_addr) != 1) { fprintf(stderr, "nbfanout: bad host\n"); exit(2); }
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (c->fd < 0) die("socket");
    if (connect(c->fd, (struct sockaddr *)&address, sizeof address) < 0) die("connect");
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
    c->is_publisher = is_publisher;

    nghttp2_session_callbacks *callbacks;
    nghttp2_session_callbacks_new(&callbacks);
    nghttp2_session_callbacks_set_send_callback(callbacks, send_callback);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, on_data_chunk);
    nghttp2_session_callbacks_set_on_header_callback(callbacks, on_header);
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, on_stream_close);
    nghttp2_session_client_new(&c->session, callbacks, c);
    nghttp2_session_callbacks_del(callbacks);

    // Large windows so flow control never paces the server: 1 MiB per stream, 256 MiB per connection.
    nghttp2_settings_entry settings[] = {
        { NGHTTP2_SETTINGS_ENABLE_PUSH, 0 },
        { NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 1 << 20 },
    };
    nghttp2_submit_settings(c->session, NGHTTP2_FLAG_NONE, settings, 2);
    nghttp2_session_set_local_window_size(c->session, NGHTTP2_FLAG_NONE, 0, 1 << 28);
}

static nghttp2_nv header(const char *name, const char *value) {
    nghttp2_nv nv = { (uint8_t *)name, (uint8_t *)value, strlen(name), strlen(value),
                      NGHTTP2_NV_FLAG_NO_COPY_NAME | NGHTTP2_NV_FLAG_NO_COPY_VALUE };
    return nv;
}

static int32_t submit_call(Connection *c, const char *path, nghttp2_data_source_read_callback read, void *state) {
    nghttp2_nv headers[] = {
        header(":method", "POST"), header(":scheme", "http"), header(":authority", authority), header(":path", path),
        header("content-type", "application/grpc"), header("te", "trailers"), header("authorization", authorization ? authorization : ""),
    };
    nghttp2_data_provider body = { .source = { .ptr = state }, .read_callback = read };
    int32_t id = nghttp2_submit_request(c->session, NULL, headers, authorization ? 7 : 6, &body, state);
    if (id < 0) { fprintf(stderr, "nbfanout: submit: %s\n", nghttp2_strerror(id)); exit(1); }
    return id;
}

// One pass of the event loop: write what nghttp2 has, wait up to timeout_ms, read what arrived.
static void pump(int timeout_ms) {
    struct pollfd fds[MAX_CONNECTIONS + 1];
    for (int i = 0; i < connection_count; i++) {
        Connection *c = &connections[i];
        if (!c->dead && nghttp2_session_send(c->session) != 0) c->dead = true;
        fds[i].fd = c->dead ? -1 : c->fd;
        fds[i].events = POLLIN | (nghttp2_session_want_write(c->session) ? POLLOUT : 0);
        fds[i].revents = 0;
    }
    if (poll(fds, (nfds_t)connection_count, timeout_ms) < 0 && errno != EINTR) die("poll");
    static uint8_t buffer[1 << 18];
    for (int i = 0; i < connection_count; i++) {
        Connection *c = &connections[i];
        if (c->dead || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        for (;;) {
            ssize_t n = recv(c->fd, buffer, sizeof buffer, 0);
            if (n > 0) {
                if (nghttp2_session_mem_recv(c->session, buffer, (size_t)n) < 0) { c->dead = true; break; }
                if ((size_t)n < sizeof buffer) break;
            } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
                c->dead = true;
                break;
            } else {
                break;
            }
        }
    }
}

static bool any_dead(void) {
    for (int i = 0; i < connection_count; i++) if (connections[i].dead) return true;
    return false;
}

static uint64_t percentile(double p) {
    uint64_t total = latency_overflow;
    for (int i = 0; i < LATENCY_BUCKETS; i++) total += latency_us[i];
    for (int i = 0; i < SLOW_LATENCY_BUCKETS; i++) total += latency_ms[i];
    if (total == 0) return 0;
    uint64_t rank = (uint64_t)(p * (double)total + 0.5), seen = 0;
    if (rank == 0) rank = 1;
    for (int i = 0; i < LATENCY_BUCKETS; i++) { seen += latency_us[i]; if (seen >= rank) return (uint64_t)i; }
    for (int i = 0; i < SLOW_LATENCY_BUCKETS; i++) { seen += latency_ms[i]; if (seen >= rank) return (uint64_t)i * 1000; }
    return latency_max_us;
}

static void usage(void) {
    fprintf(stderr,
        "usage: nbfanout --port P [--host 127.0.0.1] [--subscribers 1000] [--connections 4] [--duration 5]\n"
        "                [--hold 0] [--drain 10] [--wave 0] [--open-timeout 60] [--inflight 100] [--max-ahead 64]\n"
        "                [--flags 0x10] [--recipients 0x8] [--registered-name NotifyBroker.Bench.FanOut]\n"
        "                [--service /notify.v1.Notifier]   (/bare/fanout on the bench server: the Kestrel ceiling)\n"
        "  --duration 0 = idle mode: open the streams, print \"ready N\", hold them for --hold s or until stdin closes.\n"
        "  --wave N = open the streams N at a time, each wave once the previous one is open (0 = all at once).\n"
        "  $NB_BENCH_KEY set: every call carries \"authorization: Bearer $NB_BENCH_KEY\".\n"
        "  Every subscriber stream that ends is reported on stderr with its grpc-status, RST code and message.\n"
        "  --max-ahead: how many accepted broadcasts may still be undelivered to some subscriber before the\n"
        "               publisher waits (keeps the broker's bounded queues from overflowing by design).\n"
        "prints: subscribers opened closed broadcasts_sent broadcasts_accepted broadcasts_failed deliveries\n"
        "        expected_deliveries elapsed_s deliveries_per_s broadcasts_per_s latency_p50_us latency_p99_us\n"
        "        latency_max_us first_failure\n");
    exit(2);
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc) usage();
        const char *v = argv[++i];
        if (!strcmp(a, "--host")) options.host = v;
        else if (!strcmp(a, "--port")) options.port = atoi(v);
        else if (!strcmp(a, "--subscribers")) options.subscribers = atoi(v);
        else if (!strcmp(a, "--connections")) options.connections = atoi(v);
        else if (!strcmp(a, "--duration")) options.duration = atof(v);
        else if (!strcmp(a, "--hold")) options.hold = atof(v);
        else if (!strcmp(a, "--drain")) options.drain = atof(v);
        else if (!strcmp(a, "--wave")) options.wave = atoi(v);
        else if (!strcmp(a, "--open-timeout")) options.open_timeout = atof(v);
        else if (!strcmp(a, "--inflight")) options.inflight = atoi(v);
        else if (!strcmp(a, "--max-ahead")) options.max_ahead = atoi(v);
        else if (!strcmp(a, "--flags")) options.flags = (uint32_t)strtoul(v, NULL, 0);
        else if (!strcmp(a, "--recipients")) options.recipients = (uint32_t)strtoul(v, NULL, 0);
        else if (!strcmp(a, "--registered-name")) options.registered_name = v;
        else if (!strcmp(a, "--service")) options.service = v;
        else usage();
    }
    if (options.port <= 0 || options.subscribers < 0 || options.connections < 1 || options.connections > MAX_CONNECTIONS ||
        options.inflight < 1 || options.max_ahead < 1 || strlen(options.registered_name) > 60)
        usage();
    snprintf(authority, sizeof authority, "%s:%d", options.host, options.port);
    const char *key = getenv("NB_BENCH_KEY");
    if (key && *key) {
        if (asprintf(&authorization, "Bearer %s", key) < 0) die("asprintf");
    }
    snprintf(subscribe_path, sizeof subscribe_path, "%s/Subscribe", options.service);
    snprintf(broadcast_path, sizeof broadcast_path, "%s/Broadcast", options.service);
    latency_us = calloc(LATENCY_BUCKETS, sizeof *latency_us);
    latency_ms = calloc(SLOW_LATENCY_BUCKETS, sizeof *latency_ms);
    subscribers = calloc((size_t)options.subscribers + 1, sizeof *subscribers);
    if (!latency_us || !latency_ms || !subscribers) die("calloc");
    build_subscribe_body();

    // Subscribers, round-robin over the subscriber connections; nghttp2 queues what exceeds the server's
    // SETTINGS_MAX_CONCURRENT_STREAMS, so too low a limit shows up as streams that never open.
    connection_count = options.connections;
    for (int i = 0; i < connection_count; i++) open_connection(&connections[i], false);
    // --wave N: open N streams, wait until they are open, then the next N (a burst of opens makes the server's
    // buffer pools grow to the burst, which would count as per-stream memory).
    int wave = options.wave > 0 ? options.wave : options.subscribers;
    uint64_t start = now_ns();
    for (int first = 0; first < options.subscribers; first += wave) {
        int end = first + wave < options.subscribers ? first + wave : options.subscribers;
        for (int i = first; i < end; i++) {
            subscribers[i].grpc_status = -1;
            subscribers[i].stream_id = submit_call(&connections[i % connection_count], subscribe_path, read_subscribe_body, &subscribers[i]);
        }
        while (opened_count + closed_count < end && !any_dead() && (double)(now_ns() - start) / 1e9 < options.open_timeout)
            pump(10);
    }
    double open_s = (double)(now_ns() - start) / 1e9;
    fprintf(stderr, "nbfanout: %d of %d streams open in %.2f s (%d closed)\n", opened_count, options.subscribers, open_s, closed_count);
    if (opened_count < options.subscribers) {
        fprintf(stderr, "nbfanout: not every stream opened; is the server's Http2 MaxStreamsPerConnection at least %d?%s%s\n",
                (options.subscribers + connection_count - 1) / connection_count, first_failure[0] ? " first failure: " : "", first_failure);
        printf("subscribers %d\nopened %d\nclosed %d\nfirst_failure %s\n", options.subscribers, opened_count, closed_count,
               first_failure[0] ? first_failure : "-");
        return 1;
    }

    if (options.duration <= 0) {
        printf("ready %d\n", opened_count);
        fflush(stdout);
        fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
        uint64_t hold_start = now_ns();
        for (;;) {
            pump(50);
            char byte;
            ssize_t n = read(0, &byte, 1);
            if (n == 0 || (n > 0 && byte == '\n')) break;
            if (options.hold > 0 && (double)(now_ns() - hold_start) / 1e9 >= options.hold) break;
            if (any_dead()) { fprintf(stderr, "nbfanout: a connection dropped while holding\n"); return 1; }
        }
        printf("subscribers %d\nopened %d\nclosed %d\n", options.subscribers, opened_count, closed_count);
        return 0;
    }

    Connection *publisher = &connections[connection_count++];
    open_connection(publisher, true);
    uint64_t publish_start = now_ns(), deadline = publish_start + (uint64_t)(options.duration * 1e9);
    uint64_t live = (uint64_t)options.subscribers; // each accepted broadcast is owed to every open stream
    while (now_ns() < deadline && !any_dead()) {
        live = (uint64_t)(options.subscribers - closed_count);
        uint64_t owed = accepted_broadcasts * live;
        uint64_t behind = owed > delivered_total ? (owed - delivered_total) / (live ? live : 1) : 0;
        while (inflight_broadcasts < (uint64_t)options.inflight && behind + inflight_broadcasts < (uint64_t)options.max_ahead) {
            Broadcast *b = calloc(1, sizeof *b);
            if (!b) die("calloc");
            b->sequence = ++sent_broadcasts;
            b->grpc_status = -1;
            submit_call(publisher, broadcast_path, read_broadcast_body, b);
            inflight_broadcasts++;
        }
        pump(1);
    }
    // Drain: wait for the calls in flight, then for every owed delivery (or the drain timeout).
    uint64_t drain_deadline = now_ns() + (uint64_t)(options.drain * 1e9);
    while (now_ns() < drain_deadline && !any_dead()) {
        live = (uint64_t)(options.subscribers - closed_count);
        if (inflight_broadcasts == 0 && delivered_total >= accepted_broadcasts * live) break;
        pump(5);
    }

    double elapsed = last_delivery_ns > first_send_ns ? (double)(last_delivery_ns - first_send_ns) / 1e9 : 0;
    printf("subscribers %d\nopened %d\nclosed %d\n", options.subscribers, opened_count, closed_count);
    printf("broadcasts_sent %llu\nbroadcasts_accepted %llu\nbroadcasts_failed %llu\n", (unsigned long long)sent_broadcasts,
           (unsigned long long)accepted_broadcasts, (unsigned long long)failed_broadcasts);
    printf("deliveries %llu\nexpected_deliveries %llu\n", (unsigned long long)delivered_total,
           (unsigned long long)(accepted_broadcasts * (uint64_t)options.subscribers));
    printf("elapsed_s %.3f\n", elapsed);
    printf("deliveries_per_s %.0f\nbroadcasts_per_s %.0f\n", elapsed > 0 ? (double)delivered_total / elapsed : 0,
           elapsed > 0 ? (double)accepted_broadcasts / elapsed : 0);
    printf("latency_p50_us %llu\nlatency_p99_us %llu\nlatency_max_us %llu\n", (unsigned long long)percentile(0.50),
           (unsigned long long)percentile(0.99), (unsigned long long)latency_max_us);
    printf("first_failure %s\n", first_failure[0] ? first_failure : "-");
    return failed_broadcasts > 0 || any_dead() ? 1 : 0;
}
