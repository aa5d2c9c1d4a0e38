/* peer.c — faux serveurs pour éprouver les clients des étudiants. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "fake.h"
#include "io.h"
#include "net.h"

#define BUF_SIZE 65536
/* A client stuck mid-exchange must not wedge the sequential accept loop. */
#define IO_TIMEOUT_MS 30000
/* After respond's last byte: time left for the client to close first. */
#define DRAIN_MS 2000
#define RESET_READ_MS 100
#define BLACKHOLE_PROBE_MS 300
#define BLACKHOLE_MAX 8

struct opts {
    const char *mode;
    const char *bind;
    char port[8];
    uint64_t seed;
    long nbytes;
    long chunk;
    long delay_ms;
    const char *text;
    const char *out;
    long rcvbuf; /* 0: the kernel's default */
};

/* A handler returns 0 (close the connection), HOLD (keep it open, unused,
 * until the stop) or -1 (fatal). */
typedef int (*handler)(int cfd, const struct opts *o);
#define HOLD 1
#define HELD_MAX 64

static unsigned char buf[BUF_SIZE];

static void usage(const char *msg)
{
    if (msg != NULL)
        fprintf(stderr, "peer: %s\n", msg);
    fprintf(stderr,
            "usage: peer MODE [-b ADDR] [-p PORT] [-s SEED] [-n BYTES] "
            "[-c CHUNK] [-d DELAY_MS] [-m TEXT] [-o FILE] [-R RCVBUF]\n"
            "  MODE : echo reply respond sink silent partial deaf reset "
            "blackhole closed gen genhex\n"
            "  -o FILE : sink, reply, respond, silent, partial, deaf : what the "
            "peer receives\n");
    exit(2);
}

/* -o FILE: what the peer receives, written as it comes. Created afresh at
 * each connection, so its mere presence tells a test that a client got
 * through (a program with no network code cannot fake it). Returns the
 * descriptor, NO_LOG without -o, or -1 on error (said). */
#define NO_LOG (-2)
static int open_log(const struct opts *o)
{
    int fd;

    if (o->out == NULL)
        return NO_LOG;
    fd = open(o->out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        fprintf(stderr, "peer: %s : %s\n", o->out, strerror(errno));
    return fd;
}

/* Appends n received bytes to the log (if any); -1 on error (said). */
static int log_bytes(int lfd, const struct opts *o, const void *data, size_t n)
{
    if (lfd < 0 || write_all(lfd, data, n) >= 0)
        return 0;
    fprintf(stderr, "peer: %s : %s\n", o->out, strerror(errno));
    return -1;
}

static void close_log(int lfd)
{
    if (lfd >= 0)
        close(lfd);
}

/* Reads (into the log, if any) until EOF, error, stop, or timeout_ms
 * overall. */
static void drain(int fd, int timeout_ms, int lfd, const struct opts *o)
{
    double deadline = now_ms() + timeout_ms;
    int left;
    ssize_t n;

    while ((left = (int)(deadline - now_ms())) > 0) {
        n = recv_timeout(fd, buf, sizeof buf, left);
        if (n <= 0 || log_bytes(lfd, o, buf, (size_t)n) < 0)
            return;
    }
}

/* Sends gen(seed)[0..nbytes) in chunks of -c bytes, -d ms apart, as
 * separate segments; -1 if the client is gone. */
static int send_gen(int cfd, const struct opts *o)
{
    long left = o->nbytes;
    uint64_t state = o->seed;
    size_t c;
    int one = 1;

    /* Separate segments, so clients must cope with a reply in pieces. */
    setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    while (left > 0) {
        c = left < o->chunk ? (size_t)left : (size_t)o->chunk;
        gen_bytes(&state, buf, c);
        if (send_all(cfd, buf, c, IO_TIMEOUT_MS) < 0)
            return -1;
        left -= (long)c;
        if (left > 0 && o->delay_ms > 0 && sleep_ms((int)o->delay_ms) < 0)
            return -1;
    }
    return 0;
}

static int serve_echo(int cfd, const struct opts *o)
{
    ssize_t n;

    (void)o;
    while ((n = recv_timeout(cfd, buf, sizeof buf, IO_TIMEOUT_MS)) > 0)
        if (send_all(cfd, buf, (size_t)n, IO_TIMEOUT_MS) < 0)
            break;
    return 0;
}

static int serve_respond(int cfd, const struct opts *o)
{
    size_t got = 0;
    ssize_t n;
    int lfd = open_log(o);

    if (lfd == -1)
        return -1;
    while (got < BUF_SIZE) {
        n = recv_timeout(cfd, buf, BUF_SIZE - got, IO_TIMEOUT_MS);
        if (n < 0 || log_bytes(lfd, o, buf, (size_t)(n > 0 ? n : 0)) < 0) {
            close_log(lfd);
            return n < 0 ? 0 : -1;
        }
        if (n == 0 || memchr(buf, '\n', (size_t)n) != NULL)
            break;
        got += (size_t)n;
    }
    if (send_gen(cfd, o) == 0) {
        /* Closing with unread input would send a RST that can destroy the
         * reply in flight: half-close and let the client close first. */
        shutdown(cfd, SHUT_WR);
        drain(cfd, DRAIN_MS, lfd, o);
    }
    close_log(lfd);
    return 0;
}

/* Answers the first bytes received (or the end of the stream) at once,
 * with -m TEXT or else gen(seed)[0..nbytes), then reads until the client
 * closes: an answer no program can know without asking for it. */
static int serve_reply(int cfd, const struct opts *o)
{
    ssize_t n;
    int lfd = open_log(o), rc = 0;
    size_t len = strlen(o->text);

    if (lfd == -1)
        return -1;
    n = recv_timeout(cfd, buf, sizeof buf, IO_TIMEOUT_MS);
    if (n < 0)
        goto out;
    if (log_bytes(lfd, o, buf, (size_t)n) < 0) {
        rc = -1;
        goto out;
    }
    if (len > 0 ? send_all(cfd, o->text, len, IO_TIMEOUT_MS) < 0 : send_gen(cfd, o) < 0)
        goto out;
    if (n > 0)
        while ((n = recv_timeout(cfd, buf, sizeof buf, IO_TIMEOUT_MS)) > 0)
            if (log_bytes(lfd, o, buf, (size_t)n) < 0) {
                rc = -1;
                break;
            }
out:
    close_log(lfd);
    return rc;
}

static int serve_sink(int cfd, const struct opts *o)
{
    long long count = 0;
    char reply[32];
    ssize_t n;
    int ffd, len;

    ffd = open_log(o);
    if (ffd < 0)
        return -1;
    while ((n = recv_timeout(cfd, buf, sizeof buf, IO_TIMEOUT_MS)) > 0) {
        if (log_bytes(ffd, o, buf, (size_t)n) < 0) {
            close(ffd);
            return -1;
        }
        count += n;
    }
    close(ffd);
    if (n == 0) {
        len = snprintf(reply, sizeof reply, "%lld\n", count);
        send_all(cfd, reply, (size_t)len, IO_TIMEOUT_MS);
    }
    return 0;
}

/* Returns HOLD: a client's FIN may be a mere half-close (tcp_client -a),
 * and a silent server must not answer it by closing. The connection stays
 * open, unanswered, until the stop. */
static int serve_silent(int cfd, const struct opts *o)
{
    ssize_t n;
    int lfd = open_log(o);

    if (lfd == -1)
        return -1;
    /* No timeout by design: only the client or a stop ends this. */
    while ((n = recv_timeout(cfd, buf, sizeof buf, -1)) > 0)
        if (log_bytes(lfd, o, buf, (size_t)n) < 0)
            break;
    close_log(lfd);
    return HOLD;
}

static int serve_partial(int cfd, const struct opts *o)
{
    if (send_all(cfd, o->text, strlen(o->text), IO_TIMEOUT_MS) < 0)
        return 0;
    return serve_silent(cfd, o);
}

/* Never reads: the client's data fills the receive window (-R makes it
 * small), so its sends have to wait for room until its own timeout. With
 * -o FILE, reads the first line first (into FILE), to show what came. */
static int serve_deaf(int cfd, const struct opts *o)
{
    ssize_t n;
    char *nl = NULL;
    int lfd = open_log(o);

    if (lfd == -1)
        return -1;
    while (lfd >= 0 && nl == NULL &&
           (n = recv_timeout(cfd, buf, sizeof buf, IO_TIMEOUT_MS)) > 0) {
        nl = memchr(buf, '\n', (size_t)n);
        if (log_bytes(lfd, o, buf, nl != NULL ? (size_t)(nl - (char *)buf) + 1 : (size_t)n) < 0)
            break;
    }
    close_log(lfd);
    return HOLD;
}

static int serve_reset(int cfd, const struct opts *o)
{
    struct linger lg = {1, 0};
    size_t len = strlen(o->text);

    if (len == 0 || send_all(cfd, o->text, len, IO_TIMEOUT_MS) >= 0)
        drain(cfd, RESET_READ_MS, NO_LOG, o);
    setsockopt(cfd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    return 0; /* the caller's close() sends the RST */
}

static int accept_loop(int lfd, const struct opts *o, handler h)
{
    int cfd, rc = 0, held[HELD_MAX], nheld = 0, i;

    for (;;) {
        if (wait_fd(lfd, POLLIN, -1) < 0) {
            if (errno != EINTR) { /* EINTR: stop requested */
                fprintf(stderr, "peer: poll : %s\n", strerror(errno));
                rc = -1;
            }
            break;
        }
        cfd = accept(lfd, NULL, NULL);
        if (cfd < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ||
                errno == ECONNABORTED || errno == EPROTO)
                continue;
            fprintf(stderr, "peer: accept : %s\n", net_strerror(errno));
            rc = -1;
            break;
        }
        fcntl(cfd, F_SETFD, FD_CLOEXEC);
        rc = h(cfd, o);
        if (rc == HOLD && nheld < HELD_MAX)
            held[nheld++] = cfd;
        else
            close(cfd);
        if (rc < 0 || stop_requested())
            break;
        rc = 0;
    }
    for (i = 0; i < nheld; i++)
        close(held[i]);
    return rc < 0 ? -1 : 0;
}

static int print_ready(const char *what, int fd)
{
    char addr[ADDR_STR_LEN];

    printf("%s %s\n", what, sock_local_str(fd, addr, sizeof addr));
    if (fflush(stdout) != 0) {
        fprintf(stderr, "peer: stdout : %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

static int listen_or_complain(const struct opts *o, int backlog)
{
    int gai = 0, fd = tcp_listen(o->bind, o->port, backlog, &gai);
    int size = (int)o->rcvbuf;

    if (fd == NET_ERR_RESOLVE)
        fprintf(stderr, "peer: %s : %s\n", o->bind, net_gai_strerror(gai));
    else if (fd < 0)
        fprintf(stderr, "peer: écoute sur %s port %s : %s\n", o->bind, o->port,
                net_strerror(errno));
    /* Accepted sockets inherit it, and the window they advertise follows:
     * a small one fills the client's send buffer (short or EAGAIN sends). */
    else if (size > 0 &&
             setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size) < 0) {
        fprintf(stderr, "peer: SO_RCVBUF : %s\n", strerror(errno));
        close(fd);
        return -1;
    }
    return fd < 0 ? -1 : fd;
}

static int run_server(const struct opts *o, handler h)
{
    int lfd = listen_or_complain(o, SOMAXCONN), rc = -1;

    if (lfd < 0)
        return -1;
    /* Non-blocking: a client gone between poll() and accept() must not
     * leave us blocked in accept(). */
    if (fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL) | O_NONBLOCK) < 0)
        fprintf(stderr, "peer: fcntl : %s\n", strerror(errno));
    else if (print_ready("Serveur en écoute sur", lfd) == 0)
        rc = accept_loop(lfd, o, h);
    close(lfd);
    return rc;
}

/* Backlog 0 holds one connection on Linux; fill it from inside so later
 * SYNs are dropped and clients time out instead of being refused. */
static int run_blackhole(const struct opts *o)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int holders[BLACKHOLE_MAX], nh = 0, lfd, fd, rc = -1, i, err;

    lfd = listen_or_complain(o, 0);
    if (lfd < 0)
        return -1;
    if (getsockname(lfd, (struct sockaddr *)&ss, &len) < 0) {
        fprintf(stderr, "peer: getsockname : %s\n", strerror(errno));
        goto out;
    }
    for (;;) {
        fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            fprintf(stderr, "peer: socket : %s\n", strerror(errno));
            goto out;
        }
        if (connect_timeout(fd, (struct sockaddr *)&ss, len,
                            BLACKHOLE_PROBE_MS) < 0) {
            err = errno;
            close(fd);
            if (err == ETIMEDOUT)
                break; /* the hole is there */
            if (err == EINTR && stop_requested()) {
                rc = 0;
                goto out;
            }
            fprintf(stderr, "peer: remplissage de la file : %s\n",
                    net_strerror(err));
            goto out;
        }
        if (nh == BLACKHOLE_MAX) {
            close(fd);
            fprintf(stderr, "peer: file d'attente impossible à remplir\n");
            goto out;
        }
        holders[nh++] = fd;
    }
    if (print_ready("Serveur en écoute sur", lfd) == 0) {
        sleep_ms(-1);
        rc = 0;
    }
out:
    for (i = 0; i < nh; i++)
        close(holders[i]);
    close(lfd);
    return rc;
}

/* Bound but never listening: connections are refused, yet the port stays
 * ours. No SO_REUSEADDR, so a server using it cannot share the port. */
static int attempt_bind(int fd, const struct addrinfo *ai, void *unused)
{
    (void)unused;
    return bind(fd, ai->ai_addr, ai->ai_addrlen);
}

static int run_closed(const struct opts *o)
{
    int gai = 0, rc;
    int fd = tcp_try_addresses(o->bind, o->port, AI_PASSIVE | AI_NUMERICSERV,
                               attempt_bind, NULL, &gai);

    if (fd == NET_ERR_RESOLVE) {
        fprintf(stderr, "peer: %s : %s\n", o->bind, net_gai_strerror(gai));
        return -1;
    }
    if (fd < 0) {
        fprintf(stderr, "peer: liaison à %s port %s : %s\n", o->bind, o->port,
                net_strerror(errno));
        return -1;
    }
    rc = print_ready("Port fermé sur", fd);
    if (rc == 0)
        sleep_ms(-1);
    close(fd);
    return rc;
}

/* gen: gen(seed)[0..nbytes) on stdout; genhex: the same bytes as lowercase
 * hex digits, no newline (a test's seeded text, without od and tr). */
static int run_gen(const struct opts *o, int hex)
{
    enum { CHUNK = BUF_SIZE / 2 }; /* two hex digits per byte fit in text */
    static const char digits[] = "0123456789abcdef";
    static char text[2 * CHUNK];
    uint64_t state = o->seed;
    long left = o->nbytes;
    const void *out;
    size_t c, i, len;

    while (left > 0) {
        c = left < CHUNK ? (size_t)left : CHUNK;
        gen_bytes(&state, buf, c);
        out = buf;
        len = c;
        if (hex) {
            for (i = 0; i < c; i++) {
                text[2 * i] = digits[buf[i] >> 4];
                text[2 * i + 1] = digits[buf[i] & 15];
            }
            out = text;
            len = 2 * c;
        }
        if (write_all(STDOUT_FILENO, out, len) < 0) {
            fprintf(stderr, "peer: stdout : %s\n", strerror(errno));
            return -1;
        }
        left -= (long)c;
    }
    return 0;
}

static void parse_args(int argc, char **argv, struct opts *o)
{
    long v;
    int c, port;

    if (argc < 2 || argv[1][0] == '-')
        usage(NULL);
    o->mode = argv[1];
    o->bind = "127.0.0.1";
    strcpy(o->port, "0");
    o->seed = 1;
    o->nbytes = 20000;
    o->chunk = 1000;
    o->delay_ms = 5;
    o->text = "";
    o->out = NULL;
    o->rcvbuf = 0;
    opterr = 0;
    /* argv + 1: the mode plays argv[0] so options may follow it. */
    while ((c = getopt(argc - 1, argv + 1, ":b:p:s:n:c:d:m:o:R:")) != -1) {
        switch (c) {
        case 'b':
            o->bind = optarg;
            break;
        case 'p':
            if ((port = parse_port(optarg, 1)) < 0)
                usage("port invalide");
            snprintf(o->port, sizeof o->port, "%u", (unsigned)port & 0xffffu);
            break;
        case 's':
            if (parse_long(optarg, 0, LONG_MAX, &v) < 0)
                usage("graine invalide");
            o->seed = (uint64_t)v;
            break;
        case 'n':
            if (parse_long(optarg, 0, LONG_MAX, &o->nbytes) < 0)
                usage("nombre d'octets invalide");
            break;
        case 'c':
            if (parse_long(optarg, 1, BUF_SIZE, &o->chunk) < 0)
                usage("taille de morceau invalide (1..65536)");
            break;
        case 'd':
            if (parse_long(optarg, 0, 86400000L, &o->delay_ms) < 0)
                usage("délai invalide");
            break;
        case 'm':
            o->text = optarg;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'R':
            if (parse_long(optarg, 1, 1 << 24, &o->rcvbuf) < 0)
                usage("taille de tampon de réception invalide");
            break;
        case ':':
            usage("argument manquant");
            break;
        default:
            usage("option inconnue");
        }
    }
    if (optind != argc - 1)
        usage("argument en trop");
    if (strcmp(o->mode, "sink") == 0 && o->out == NULL)
        usage("le mode sink exige -o FILE");
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        handler h;
    } servers[] = {
        {"echo", serve_echo},       {"respond", serve_respond},
        {"reply", serve_reply},
        {"sink", serve_sink},       {"silent", serve_silent},
        {"partial", serve_partial}, {"reset", serve_reset},
        {"deaf", serve_deaf},
    };
    struct opts o;
    int rc = -2;
    size_t i;

    fake_args(&argc, &argv);

    parse_args(argc, argv, &o);
    if (strcmp(o.mode, "gen") == 0 || strcmp(o.mode, "genhex") == 0)
        return run_gen(&o, o.mode[3] == 'h') < 0 ? 1 : 0;
    for (i = 0; i < sizeof servers / sizeof servers[0]; i++)
        if (strcmp(o.mode, servers[i].name) == 0)
            break;
    if (i == sizeof servers / sizeof servers[0] &&
        strcmp(o.mode, "blackhole") != 0 && strcmp(o.mode, "closed") != 0)
        usage("mode inconnu");
    if (stop_setup() < 0) {
        fprintf(stderr, "peer: signaux : %s\n", strerror(errno));
        return 1;
    }
    if (i < sizeof servers / sizeof servers[0])
        rc = run_server(&o, servers[i].h);
    else if (strcmp(o.mode, "blackhole") == 0)
        rc = run_blackhole(&o);
    else
        rc = run_closed(&o);
    return rc < 0 ? 1 : 0;
}
