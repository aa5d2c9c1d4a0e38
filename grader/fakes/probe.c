/* probe.c — faux clients pour éprouver les serveurs des étudiants. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
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
#define SLOW_READ 4096
#define EXIT_STILL_OPEN 3

struct opts {
    const char *mode;
    const char *host;
    const char *port;
    int timeout_ms;
    long nbytes; /* -1: the mode's default */
    uint64_t seed;
    int seed_set;
    const char *file;
    long rcvbuf; /* 0: leave the system default */
    long delay_ms;
    long pause_ms; /* echo: nothing read during the first pause_ms */
    const char *text; /* NULL: the mode's default */
    int wait_ms;
};

static unsigned char buf[BUF_SIZE];

static void usage(const char *msg)
{
    if (msg != NULL)
        fprintf(stderr, "probe: %s\n", msg);
    fprintf(stderr,
            "usage: probe MODE [options] HOST PORT    (-t SEC, défaut 10)\n"
            "  echo    [-n BYTES] [-s SEED] [-f FILE] [-R RCVBUF] "
            "[-D DELAY_MS] [-P PAUSE_MS]\n"
            "  reset   [-n BYTES]\n"
            "  session [-m TEXT] [-w SEC]\n"
            "  hold    [-m TEXT]\n");
    exit(2);
}

/* Local (non-network) failures: plain strerror() wording. */
static int fail_sys(const char *what, int err)
{
    fprintf(stderr, "probe: %s : %s\n", what, strerror(err));
    return 1;
}

static int fail(const char *what, int err)
{
    if (what != NULL)
        fprintf(stderr, "probe: %s : %s\n", what, net_strerror(err));
    else
        fprintf(stderr, "probe: %s\n", net_strerror(err));
    return 1;
}

/* tcp_connect() with an optional SO_RCVBUF, which only shapes the window
 * advertised in the handshake if set before connect(). */
static int attempt_connect(int fd, const struct addrinfo *ai, void *arg)
{
    const struct opts *o = arg;
    int size = (int)o->rcvbuf;

    if (size > 0 &&
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size) < 0)
        return -1;
    return connect_timeout(fd, ai->ai_addr, ai->ai_addrlen, o->timeout_ms);
}

static int open_conn(const struct opts *o)
{
    int gai = 0;
    int fd = tcp_try_addresses(o->host, o->port, 0, attempt_connect,
                               (void *)o, &gai);

    if (fd == NET_ERR_RESOLVE)
        fprintf(stderr, "probe: %s : %s\n", o->host, net_gai_strerror(gai));
    else if (fd < 0)
        fprintf(stderr, "probe: connexion à %s port %s : %s\n", o->host,
                o->port, net_strerror(errno));
    return fd < 0 ? -1 : fd;
}

static unsigned char *load_file(const char *path, size_t *len)
{
    unsigned char *data = NULL, *bigger;
    size_t cap = 0;
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    *len = 0;
    if (fd < 0)
        return NULL;
    for (;;) {
        if (*len == cap) {
            cap = cap ? cap * 2 : BUF_SIZE;
            if ((bigger = realloc(data, cap)) == NULL)
                break;
            data = bigger;
        }
        n = read(fd, data + *len, cap - *len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0) {
                close(fd);
                return data;
            }
            break;
        }
        *len += (size_t)n;
    }
    n = errno;
    close(fd);
    free(data);
    errno = (int)n;
    return NULL;
}

/* One poll() loop, reading while sending: a client that sends everything
 * before reading deadlocks once both directions' buffers are full. */
static int run_echo(int fd, const struct opts *o)
{
    unsigned char *data;
    size_t len, sent = 0, cap = o->delay_ms > 0 ? SLOW_READ : BUF_SIZE;
    struct pollfd p;
    ssize_t n;
    int rc = 1, done_sending = 0, r;
    uint64_t state = o->seed;
    double read_from;

    if (o->file != NULL) {
        data = load_file(o->file, &len);
        if (data == NULL) {
            fprintf(stderr, "probe: %s : %s\n", o->file, strerror(errno));
            return 1;
        }
    } else {
        len = o->nbytes < 0 ? 1048576 : (size_t)o->nbytes;
        data = malloc(len ? len : 1);
        if (data == NULL)
            return fail(NULL, ENOMEM);
        gen_bytes(&state, data, len);
    }
    if (len == 0) {
        shutdown(fd, SHUT_WR);
        done_sending = 1;
    }
    p.fd = fd;
    read_from = now_ms() + (double)o->pause_ms;
    for (;;) {
        /* During the pause, only send: the echo piles up in the server. */
        int pausing = now_ms() < read_from;

        p.events = (pausing ? 0 : POLLIN) | (done_sending ? 0 : POLLOUT);
        r = poll(&p, 1, pausing ? (int)(read_from - now_ms()) + 1 : o->timeout_ms);
        if (r == 0 && pausing)
            continue;
        if (r < 0 && errno == EINTR && !stop_requested())
            continue;
        if (r <= 0) {
            fail(NULL, r == 0 ? ETIMEDOUT : errno);
            break;
        }
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            n = recv(fd, buf, cap, MSG_DONTWAIT);
            if (n == 0) {
                if (done_sending)
                    rc = 0;
                else
                    fprintf(stderr, "probe: connexion fermée par le "
                                    "serveur avant la fin de l'envoi\n");
                break;
            }
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
                errno != EINTR) {
                fail(NULL, errno);
                break;
            }
            if (n > 0) {
                if (write_all(STDOUT_FILENO, buf, (size_t)n) < 0) {
                    fail_sys("stdout", errno);
                    break;
                }
                if (o->delay_ms > 0 && sleep_ms((int)o->delay_ms) < 0) {
                    fail(NULL, EINTR);
                    break;
                }
            }
        }
        if (!done_sending && (p.revents & (POLLOUT | POLLERR))) {
            n = send(fd, data + sent,
                     len - sent < BUF_SIZE ? len - sent : BUF_SIZE,
                     MSG_DONTWAIT | MSG_NOSIGNAL);
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
                errno != EINTR) {
                fail(NULL, errno);
                break;
            }
            if (n > 0 && (sent += (size_t)n) == len) {
                shutdown(fd, SHUT_WR);
                done_sending = 1;
            }
        }
    }
    free(data);
    return rc;
}

static int run_reset(int fd, const struct opts *o)
{
    struct linger lg = {1, 0};
    double deadline = now_ms() + o->timeout_ms;
    size_t len = o->nbytes < 0 ? 65536 : (size_t)o->nbytes, sent = 0;
    unsigned char *data = malloc(len ? len : 1);
    uint64_t state = 1;
    ssize_t n;
    int left;

    if (data == NULL)
        return fail(NULL, ENOMEM);
    gen_bytes(&state, data, len);
    /* Whatever does not fit in time is simply not sent: the RST matters. */
    while (sent < len) {
        n = send(fd, data + sent, len - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n > 0) {
            sent += (size_t)n;
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            break;
        left = (int)(deadline - now_ms());
        if (left <= 0 || wait_fd(fd, POLLOUT, left) <= 0)
            break;
    }
    free(data);
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    return 0; /* main's close() sends the RST */
}

static int run_session(int fd, const struct opts *o)
{
    const char *text = o->text != NULL ? o->text : "bonjour\n";
    size_t len = strlen(text), got = 0, want;
    double deadline;
    ssize_t n;
    int left, eof = 0;

    if (send_all(fd, text, len, o->timeout_ms) < 0)
        return fail("envoi", errno);
    while (got < len) {
        want = len - got < BUF_SIZE ? len - got : BUF_SIZE;
        n = recv_timeout(fd, buf, want, o->timeout_ms);
        if (n == 0) {
            fprintf(stderr, "probe: connexion fermée avant la fin de "
                            "l'écho (%zu/%zu octets)\n", got, len);
            return 1;
        }
        if (n < 0)
            return fail("réception", errno);
        if (write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
            return fail_sys("stdout", errno);
        got += (size_t)n;
    }
    /* Keep reading while waiting: unread data at close() would turn our
     * normal close into a RST. */
    deadline = now_ms() + o->wait_ms;
    while ((left = (int)(deadline - now_ms())) > 0) {
        if (eof) {
            if (sleep_ms(left) < 0)
                return fail(NULL, EINTR);
            break;
        }
        n = recv_timeout(fd, buf, sizeof buf, left);
        if (n == 0)
            eof = 1;
        else if (n < 0 && errno != ETIMEDOUT)
            return fail("attente", errno);
    }
    return 0;
}

static int run_hold(int fd, const struct opts *o)
{
    double deadline = now_ms() + o->timeout_ms;
    size_t len = o->text != NULL ? strlen(o->text) : 0;
    ssize_t n;
    int left;

    /* A server that already closed is what we look for: keep going and
     * let the read below report it. */
    if (len > 0 && send_all(fd, o->text, len, o->timeout_ms) < 0 &&
        errno != EPIPE && errno != ECONNRESET)
        return fail("envoi", errno);
    for (;;) {
        left = (int)(deadline - now_ms());
        n = left > 0 ? recv_timeout(fd, buf, sizeof buf, left) : -1;
        if (left <= 0)
            errno = ETIMEDOUT;
        if (n == 0)
            return 0;
        if (n < 0) {
            if (errno == ECONNRESET) {
                fprintf(stderr, "probe: connexion réinitialisée\n");
                return 0;
            }
            if (errno == ETIMEDOUT) {
                fprintf(stderr, "probe: délai dépassé, le serveur n'a pas "
                                "fermé la connexion\n");
                return EXIT_STILL_OPEN;
            }
            return fail("réception", errno);
        }
        if (write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
            return fail_sys("stdout", errno);
    }
}

/* Options each mode accepts; -t is common to all. */
static const struct {
    const char *name;
    const char *allowed;
    int (*run)(int fd, const struct opts *o);
} modes[] = {
    {"echo", "tnsfRDP", run_echo},
    {"reset", "tn", run_reset},
    {"session", "tmw", run_session},
    {"hold", "tm", run_hold},
};
#define NMODES (sizeof modes / sizeof modes[0])

static size_t parse_args(int argc, char **argv, struct opts *o)
{
    size_t m;
    long v;
    int c;

    if (argc < 2 || argv[1][0] == '-')
        usage(NULL);
    o->mode = argv[1];
    for (m = 0; m < NMODES; m++)
        if (strcmp(o->mode, modes[m].name) == 0)
            break;
    if (m == NMODES)
        usage("mode inconnu");
    o->timeout_ms = 10000;
    o->nbytes = -1;
    o->seed = 1;
    o->seed_set = 0;
    o->file = NULL;
    o->rcvbuf = 0;
    o->delay_ms = 0;
    o->pause_ms = 0;
    o->text = NULL;
    o->wait_ms = 0;
    opterr = 0;
    /* argv + 1: the mode plays argv[0] so options may follow it. */
    while ((c = getopt(argc - 1, argv + 1, ":t:n:s:f:R:D:P:m:w:")) != -1) {
        if (c == ':')
            usage("argument manquant");
        if (c == '?' || strchr(modes[m].allowed, c) == NULL)
            usage("option inconnue ou inutile pour ce mode");
        switch (c) {
        case 't':
            if ((o->timeout_ms = parse_timeout_ms(optarg)) < 0)
                usage("délai invalide");
            break;
        case 'n':
            if (parse_long(optarg, 0, LONG_MAX, &o->nbytes) < 0)
                usage("nombre d'octets invalide");
            break;
        case 's':
            if (parse_long(optarg, 0, LONG_MAX, &v) < 0)
                usage("graine invalide");
            o->seed = (uint64_t)v;
            o->seed_set = 1;
            break;
        case 'f':
            o->file = optarg;
            break;
        case 'R':
            if (parse_long(optarg, 1, INT_MAX, &o->rcvbuf) < 0)
                usage("taille de tampon invalide");
            break;
        case 'D':
            if (parse_long(optarg, 0, 86400000L, &o->delay_ms) < 0)
                usage("délai invalide");
            break;
        case 'P':
            if (parse_long(optarg, 0, 86400000L, &o->pause_ms) < 0)
                usage("pause invalide");
            break;
        case 'm':
            o->text = optarg;
            break;
        case 'w':
            /* 0 is a valid wait here, unlike for timeouts. */
            if (strcmp(optarg, "0") == 0)
                o->wait_ms = 0;
            else if ((o->wait_ms = parse_timeout_ms(optarg)) < 0)
                usage("durée invalide");
            break;
        }
    }
    if (o->file != NULL && (o->nbytes >= 0 || o->seed_set))
        usage("-f exclut -n et -s");
    if (argc - 1 - optind != 2)
        usage("HOST et PORT attendus");
    o->host = argv[1 + optind];
    o->port = argv[2 + optind];
    if (parse_port(o->port, 0) < 0)
        usage("port invalide");
    return m;
}

int main(int argc, char **argv)
{
    char addr[ADDR_STR_LEN];
    struct opts o;
    size_t m;
    int fd, rc;

    fake_args(&argc, &argv);
    m = parse_args(argc, argv, &o);

    if (stop_setup() < 0) {
        fprintf(stderr, "probe: signaux : %s\n", strerror(errno));
        return 1;
    }
    fd = open_conn(&o);
    if (fd < 0)
        return 1;
    fprintf(stderr, "local %s\n", sock_local_str(fd, addr, sizeof addr));
    fflush(stderr);
    rc = modes[m].run(fd, &o);
    close(fd);
    return rc;
}
