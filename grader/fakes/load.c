/* load.c — charge les serveurs concurrents : nombreux clients, clients hostiles. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "fake.h"
#include "io.h"
#include "net.h"

#define RESET_THREADS 4
#define MAX_MESSAGES 20 /* error lines printed; the count says the rest */

struct opts {
    const char *host, *port;
    long clients, rounds, maxbytes, idle, flood, resets, slow;
    long hold_ms, slow_ms, flood_cap, barrier_ms;
    uint64_t seed;
    int upper, timeout_ms, idle_first;
};

/* One worker: an active, slow, flooding or resetting client. */
struct worker {
    const struct opts *o;
    pthread_t tid;
    int fd;
    long index, count;
    double *lat;         /* rounds latencies (active and slow clients) */
    long done;           /* round trips completed */
    unsigned long long sent; /* flooders: bytes sent */
};

static atomic_int errors;
static atomic_int flood_stop;

/* -B: after each round trip, a client waits (connection open) until every
 * active client has its answer for that round. The most clients ever
 * waiting there at once were all served at the same moment: a server that
 * serves one client at a time never gets past 1, one bounded to -m MAX
 * never past MAX. A wait longer than barrier_ms breaks the barrier for good
 * (the rounds go on without it). */
static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    long total, arrived, best, round;
    int broken;
} bar = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0, 0};

static void barrier_wait(long barrier_ms)
{
    struct timespec until;
    long round;

    pthread_mutex_lock(&bar.lock);
    if (bar.broken) {
        pthread_mutex_unlock(&bar.lock);
        return;
    }
    round = bar.round;
    if (++bar.arrived > bar.best)
        bar.best = bar.arrived;
    if (bar.arrived == bar.total) {
        bar.arrived = 0;
        bar.round++;
        pthread_cond_broadcast(&bar.cond);
    }
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += barrier_ms / 1000;
    until.tv_nsec += barrier_ms % 1000 * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    while (round == bar.round && !bar.broken)
        if (pthread_cond_timedwait(&bar.cond, &bar.lock, &until) == ETIMEDOUT &&
            round == bar.round && !bar.broken) {
            bar.broken = 1;
            fprintf(stderr, "load: barrière : %ld client(s) sur %ld servi(s) en même temps "
                    "(chacun avait sa réponse et gardait sa connexion ouverte ; "
                    "les autres sans réponse %ld ms plus tard)\n",
                    bar.best, bar.total, barrier_ms);
            pthread_cond_broadcast(&bar.cond);
        }
    pthread_mutex_unlock(&bar.lock);
}

static void report(const char *fmt, long who, const char *why)
{
    if (atomic_fetch_add(&errors, 1) < MAX_MESSAGES)
        fprintf(stderr, fmt, who, why);
}

static void usage(const char *msg)
{
    if (msg != NULL)
        fprintf(stderr, "load: %s\n", msg);
    fprintf(stderr,
            "usage: load [-c CLIENTS] [-r ROUNDS] [-n MAXBYTES] [-s SEED] [-U]\n"
            "            [-t SEC] [-i IDLE] [-I] [-H SEC] [-f FLOOD] [-F BYTES]\n"
            "            [-k RESETS] [-w SLOW] [-d MS] [-B SEC] HOST PORT\n");
    exit(2);
}

static unsigned char transform(unsigned char b, int upper)
{
    return upper && b >= 'a' && b <= 'z' ? (unsigned char)(b - 'a' + 'A') : b;
}

/* Sends msg while reading the reply (an echo server stalls a client that
 * sends everything before reading once both buffers fill); with gap_ms > 0,
 * one byte at a time, gap_ms apart. Returns 0 or -1 with errno. */
static int round_trip(int fd, const unsigned char *msg, unsigned char *reply,
                      size_t len, long gap_ms, int timeout_ms)
{
    struct pollfd p = {fd, 0, 0};
    size_t sent = 0, got = 0;
    double next = 0;
    ssize_t n;
    int r, wait, out;

    while (got < len) {
        out = sent < len && now_ms() >= next;
        wait = sent < len && !out ? (int)(next - now_ms()) + 1 : timeout_ms;
        p.events = POLLIN | (out ? POLLOUT : 0);
        r = poll(&p, 1, wait);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0 && (out || sent == len)) {
            errno = ETIMEDOUT;
            return -1;
        }
        if (p.revents & (POLLIN | POLLERR | POLLHUP)) {
            n = recv(fd, reply + got, len - got, MSG_DONTWAIT);
            if (n == 0)
                errno = EPIPE;
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
                return -1;
            if (n > 0)
                got += (size_t)n;
        }
        if (out && (p.revents & POLLOUT)) {
            n = send(fd, msg + sent, gap_ms > 0 ? 1 : len - sent,
                     MSG_DONTWAIT | MSG_NOSIGNAL);
            if (n < 0 && errno != EAGAIN && errno != EINTR)
                return -1;
            if (n > 0) {
                sent += (size_t)n;
                next = gap_ms > 0 ? now_ms() + (double)gap_ms : 0;
            }
        }
    }
    return 0;
}

/* Active (and slow) clients: rounds of random payloads, every byte checked. */
static void *run_client(void *arg)
{
    struct worker *w = arg;
    const struct opts *o = w->o;
    /* count < 0 marks a slow client: small messages, a byte at a time. */
    long gap = w->count < 0 ? o->slow_ms : 0, r;
    size_t max = (size_t)o->maxbytes, len, i;
    unsigned char *msg = malloc(max), *reply = malloc(max);
    uint64_t state = o->seed * 1000003u + (uint64_t)w->index;
    uint64_t sizes = state ^ UINT64_C(0x5bd1e995);
    double t0;

    for (r = 0; msg != NULL && reply != NULL && r < w->o->rounds; r++) {
        unsigned char b[4];

        gen_bytes(&sizes, b, sizeof b);
        len = 1 + ((size_t)b[0] << 16 | (size_t)b[1] << 8 | b[2]) %
                      (gap > 0 && max > 64 ? 64 : max);
        gen_bytes(&state, msg, len);
        t0 = now_ms();
        if (round_trip(w->fd, msg, reply, len, gap, o->timeout_ms) < 0) {
            report("load: client %ld : %s\n", w->index, net_strerror(errno));
            break;
        }
        w->lat[w->done++] = now_ms() - t0;
        for (i = 0; i < len && reply[i] == transform(msg[i], o->upper); i++)
            continue;
        if (i < len) {
            report("load: client %ld : %s\n", w->index,
                   "réponse fausse (octet différent de celui attendu)");
            break;
        }
        if (o->barrier_ms > 0)
            barrier_wait(o->barrier_ms);
    }
    if (msg == NULL || reply == NULL)
        report("load: client %ld : %s\n", w->index, "mémoire insuffisante");
    free(msg);
    free(reply);
    /* Leaving frees the server's slot for clients waiting their turn. */
    close(w->fd);
    return NULL;
}

/* Sends without ever reading, until told to stop or flood_cap is sent.
 * Says once on stdout when the server stops taking its bytes (100 ms with
 * no room) or when the cap is reached: tests start the others after that. */
static void *run_flood(void *arg)
{
    struct worker *w = arg;
    static const unsigned char junk[65536];
    unsigned long long cap = (unsigned long long)w->o->flood_cap;
    int said = 0, r;
    ssize_t n;

    while (!atomic_load(&flood_stop) && w->sent < cap) {
        r = wait_fd(w->fd, POLLOUT, 100);
        if (r == 0 && !said) {
            printf("inondeur %ld : bloqué après %llu octets\n", w->index,
                   w->sent);
            fflush(stdout);
            said = 1;
        }
        if (r <= 0)
            continue;
        n = send(w->fd, junk, sizeof junk, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n > 0)
            w->sent += (unsigned long long)n;
        else if (n < 0 && errno != EAGAIN && errno != EINTR)
            break; /* the server may drop a flooder: that is its right */
    }
    if (!said) {
        printf("inondeur %ld : %llu octets envoyés\n", w->index, w->sent);
        fflush(stdout);
    }
    return NULL;
}

/* Connections that send part of a transfer, then reset (SO_LINGER 0). */
static void *run_resets(void *arg)
{
    struct worker *w = arg;
    struct linger lg = {1, 0};
    unsigned char buf[65536];
    uint64_t state = w->o->seed + (uint64_t)w->index;
    long k;
    int fd, gai;

    for (k = 0; k < w->count; k++) {
        fd = tcp_connect(w->o->host, w->o->port, w->o->timeout_ms, &gai);
        if (fd < 0) {
            report("load: réinitialisation %ld : %s\n", k, net_strerror(errno));
            continue;
        }
        gen_bytes(&state, buf, sizeof buf);
        (void)!send(fd, buf, 1 + buf[0] * 256u + buf[1],
                    MSG_DONTWAIT | MSG_NOSIGNAL);
        (void)!recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        close(fd);
    }
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static void parse_args(int argc, char **argv, struct opts *o)
{
    long v = 0;
    int c;

    *o = (struct opts){.clients = 10, .rounds = 10, .maxbytes = 4096,
                       .seed = 1, .timeout_ms = 10000, .slow_ms = 2,
                       .flood_cap = 256L << 20};
    opterr = 0;
    while ((c = getopt(argc, argv, "c:r:n:s:UIt:i:H:f:F:k:w:d:B:")) != -1) {
        long *target = c == 'c' ? &o->clients : c == 'r' ? &o->rounds
                     : c == 'n' ? &o->maxbytes : c == 'i' ? &o->idle
                     : c == 'f' ? &o->flood : c == 'k' ? &o->resets
                     : c == 'w' ? &o->slow : c == 'd' ? &o->slow_ms
                     : c == 'F' ? &o->flood_cap : c == 's' ? &v : NULL;
        if (c == 'U') {
            o->upper = 1;
        } else if (c == 'I') {
            o->idle_first = 1;
        } else if (c == 't') {
            if ((o->timeout_ms = parse_timeout_ms(optarg)) < 0)
                usage("délai invalide");
        } else if (c == 'B') {
            if ((o->barrier_ms = parse_timeout_ms(optarg)) <= 0)
                usage("délai de barrière invalide");
        } else if (c == 'H') {
            o->hold_ms = strcmp(optarg, "0") == 0 ? 0 : parse_timeout_ms(optarg);
            if (o->hold_ms < 0)
                usage("durée invalide");
        } else if (target == NULL || parse_long(optarg, 0, LONG_MAX, target) < 0) {
            usage("option inconnue ou valeur invalide");
        } else if (c == 's') {
            o->seed = (uint64_t)v;
        }
    }
    if (o->maxbytes < 1 || o->maxbytes > (64L << 20))
        usage("-n : de 1 à 64 Mio");
    if (argc - optind != 2 || parse_port(argv[optind + 1], 0) < 0)
        usage("HOST et PORT attendus");
    o->host = argv[optind];
    o->port = argv[optind + 1];
}

/* Connects count sockets into fds; returns how many failed. */
static long connect_many(const struct opts *o, int *fds, long count)
{
    long i, failed = 0;
    int gai;

    for (i = 0; i < count; i++) {
        fds[i] = tcp_connect(o->host, o->port, o->timeout_ms, &gai);
        if (fds[i] < 0) {
            report("load: connexion %ld : %s\n", i, net_strerror(errno));
            failed++;
        }
    }
    return failed;
}

/* Idle connections the server closed (refused) meanwhile. */
static long count_closed(const int *fds, long count)
{
    struct pollfd p;
    char b;
    long i, closed = 0;

    for (i = 0; i < count; i++) {
        p.fd = fds[i];
        p.events = POLLIN;
        if (fds[i] >= 0 && poll(&p, 1, 0) == 1 &&
            recv(fds[i], &b, 1, MSG_DONTWAIT) <= 0)
            closed++;
    }
    return closed;
}

int main(int argc, char **argv)
{
    struct opts o;
    long nact, i, nlat = 0, nresets;
    int *fds;
    struct worker *w;
    double *all;
    unsigned long long flooded = 0;

    fake_args(&argc, &argv);

    parse_args(argc, argv, &o);
    signal(SIGPIPE, SIG_IGN);
    nact = o.clients + o.slow;
    bar.total = nact;
    nresets = o.resets > 0 ? RESET_THREADS : 0;
    /* fds: active and slow, then flooders, then idle. */
    fds = calloc((size_t)(nact + o.flood + o.idle + 1), sizeof *fds);
    w = calloc((size_t)(nact + o.flood + nresets + 1), sizeof *w);
    all = calloc((size_t)(nact * o.rounds + 1), sizeof *all);
    if (fds == NULL || w == NULL || all == NULL) {
        fprintf(stderr, "load: mémoire insuffisante\n");
        return 1;
    }
    /* Active clients connect first (idle ones may exhaust the server),
     * unless -I puts them at the back of the queue. */
    if (o.idle_first)
        connect_many(&o, fds + nact + o.flood, o.idle);
    connect_many(&o, fds, nact + o.flood);
    if (!o.idle_first)
        connect_many(&o, fds + nact + o.flood, o.idle);
    for (i = 0; i < nact + o.flood + nresets; i++) {
        void *(*fn)(void *) = i < nact ? run_client
                            : i < nact + o.flood ? run_flood : run_resets;
        w[i].o = &o;
        w[i].index = i;
        w[i].fd = i < nact + o.flood ? fds[i] : -1;
        w[i].count = i < o.clients ? 0 : i < nact ? -1
                   : (o.resets + RESET_THREADS - 1 - (i - nact - o.flood)) / RESET_THREADS;
        w[i].lat = i < nact ? all + i * o.rounds : NULL;
        if ((w[i].fd < 0 && fn != run_resets) ||
            pthread_create(&w[i].tid, NULL, fn, &w[i]) != 0)
            w[i].fd = -2; /* not started */
    }
    for (i = 0; i < nact + o.flood + nresets; i++)
        if (i < nact || i >= nact + o.flood)
            if (w[i].fd != -2)
                pthread_join(w[i].tid, NULL);
    if (o.hold_ms > 0)
        poll(NULL, 0, (int)o.hold_ms);
    atomic_store(&flood_stop, 1);
    for (i = nact; i < nact + o.flood; i++)
        if (w[i].fd != -2) {
            pthread_join(w[i].tid, NULL);
            flooded += w[i].sent;
        }
    for (i = 0; i < nact; i++) {
        memmove(all + nlat, w[i].lat, (size_t)w[i].done * sizeof *all);
        nlat += w[i].done;
    }
    qsort(all, (size_t)nlat, sizeof *all, cmp_double);
    printf("clients=%ld lents=%ld allers_retours=%ld/%ld erreurs=%d "
           "p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n", o.clients, o.slow, nlat,
           nact * o.rounds, atomic_load(&errors),
           nlat ? all[nlat / 2] : 0.0, nlat ? all[nlat * 99 / 100] : 0.0,
           nlat ? all[nlat - 1] : 0.0);
    if (o.barrier_ms > 0)
        printf("ensemble=%ld/%ld\n", bar.best, nact);
    if (o.idle > 0)
        printf("inactifs=%ld fermes_par_le_serveur=%ld\n", o.idle,
               count_closed(fds + nact + o.flood, o.idle));
    if (o.flood > 0)
        printf("inondeurs=%ld octets_envoyes=%llu\n", o.flood, flooded);
    if (o.resets > 0)
        printf("reinitialisations=%ld\n", o.resets);
    if (nlat < nact * o.rounds && atomic_load(&errors) == 0)
        atomic_fetch_add(&errors, 1); /* a client never started */
    for (i = 0; i < nact + o.flood + o.idle; i++)
        if (fds[i] >= 0 && (i >= nact || w[i].fd == -2))
            close(fds[i]);
    free(fds);
    free(w);
    free(all);
    return atomic_load(&errors) == 0 && !bar.broken ? 0 : 1;
}
