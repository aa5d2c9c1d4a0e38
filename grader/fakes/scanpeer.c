/* scanpeer.c — cibles du scanner de ports : ports ouverts, filtrés, lents. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "fake.h"
#include "io.h"
#include "net.h"

/* A full accept queue (backlog 0 holds one connection on Linux; a few more
 * tries in case a kernel holds more): later SYNs are dropped, and the
 * scanner's connects time out. */
#define HOLD_MAX 4
#define HOLD_PROBE_MS 300

enum kind { OPEN, FILTERED, SLOW };

struct port {
    int port, lfd, kind;
    int holders[HOLD_MAX], nh;
    int full;    /* FILTERED, SLOW: a probe timed out */
    int probe;   /* the probe's descriptor during the fill, else -1 */
};

struct opts {
    const char *bind;
    const char *log;
    long slow_ms;
};

static void usage(const char *msg)
{
    if (msg != NULL)
        fprintf(stderr, "scanpeer: %s\n", msg);
    fprintf(stderr,
            "usage: scanpeer [-b ADDR] [-l PORTS] [-f PORTS] [-S PORTS] "
            "[-d MS] [-o LOG]\n"
            "  -l PORTS : ports à l'écoute ; chaque connexion acceptée est "
            "notée dans LOG (« PORT » par ligne)\n"
            "  -f PORTS : ports filtrés (file d'attente pleine : SYN ignorés)\n"
            "  -S PORTS : filtrés, puis ouverts MS ms (défaut 200) après le "
            "premier SYN ignoré par le noyau (ListenOverflows)\n"
            "Affiche « Prêt : N ports » quand tout est en place.\n");
    exit(2);
}

/* TcpExt ListenOverflows of this network namespace (-1 if unreadable). */
static long listen_overflows(void)
{
    char names[4096], values[4096], *n, *v, *sn, *sv;
    long result = -1;
    FILE *f = fopen("/proc/net/netstat", "r");

    if (f == NULL)
        return -1;
    while (fgets(names, sizeof names, f) != NULL &&
           fgets(values, sizeof values, f) != NULL) {
        if (strncmp(names, "TcpExt:", 7) != 0)
            continue;
        n = strtok_r(names, " \n", &sn);
        v = strtok_r(values, " \n", &sv);
        while (n != NULL && v != NULL) {
            if (strcmp(n, "ListenOverflows") == 0)
                result = atol(v);
            n = strtok_r(NULL, " \n", &sn);
            v = strtok_r(NULL, " \n", &sv);
        }
    }
    fclose(f);
    return result;
}

static int listen_on(const struct opts *o, struct port *p)
{
    char port[8];
    int gai = 0, backlog = p->kind == OPEN ? SOMAXCONN : 0;

    snprintf(port, sizeof port, "%d", p->port);
    p->lfd = tcp_listen(o->bind, port, backlog, &gai);
    if (p->lfd == NET_ERR_RESOLVE) {
        fprintf(stderr, "scanpeer: %s : %s\n", o->bind, net_gai_strerror(gai));
        return -1;
    }
    if (p->lfd < 0) {
        fprintf(stderr, "scanpeer: écoute sur %s port %d : %s\n", o->bind,
                p->port, strerror(errno));
        return -1;
    }
    return fcntl(p->lfd, F_SETFL, O_NONBLOCK);
}

/* Fills the accept queue of every FILTERED and SLOW port, all at once:
 * rounds of one non-blocking connect per port not yet full; a connect that
 * completes holds a place, one still pending after HOLD_PROBE_MS proves
 * the queue full. */
static int fill_queues(struct port *ps, size_t n)
{
    struct sockaddr_storage ss;
    socklen_t len;
    size_t i, pending;
    int fd, err;
    double deadline;
    struct pollfd pfd;

    for (;;) {
        pending = 0;
        for (i = 0; i < n; i++) {
            ps[i].probe = -1;
            if (ps[i].kind == OPEN || ps[i].full)
                continue;
            if (ps[i].nh == HOLD_MAX) {
                fprintf(stderr, "scanpeer: port %d : file impossible à remplir\n",
                        ps[i].port);
                return -1;
            }
            len = sizeof ss;
            if (getsockname(ps[i].lfd, (struct sockaddr *)&ss, &len) < 0)
                return -1;
            fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                fprintf(stderr, "scanpeer: socket : %s\n", strerror(errno));
                return -1;
            }
            if (connect(fd, (struct sockaddr *)&ss, len) < 0 && errno != EINPROGRESS) {
                fprintf(stderr, "scanpeer: connect : %s\n", strerror(errno));
                close(fd);
                return -1;
            }
            ps[i].probe = fd;
            pending++;
        }
        if (pending == 0)
            return 0;
        deadline = now_ms() + HOLD_PROBE_MS;
        for (i = 0; i < n; i++) {
            if (ps[i].probe < 0)
                continue;
            pfd.fd = ps[i].probe;
            pfd.events = POLLOUT;
            err = 0;
            len = sizeof err;
            if (poll(&pfd, 1, deadline > now_ms() ? (int)(deadline - now_ms()) : 0) == 1 &&
                getsockopt(pfd.fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) {
                ps[i].holders[ps[i].nh++] = pfd.fd;
            } else {
                close(pfd.fd);
                ps[i].full = 1;
            }
        }
    }
}

/* Accepts what the queue holds (the holders' connections) and drops it. */
static void drain(struct port *p)
{
    int fd, i;

    while ((fd = accept(p->lfd, NULL, NULL)) >= 0)
        close(fd);
    for (i = 0; i < p->nh; i++)
        close(p->holders[i]);
    p->nh = 0;
    p->kind = OPEN;
}

static int log_port(int logfd, int port)
{
    char line[16];
    int n = snprintf(line, sizeof line, "%d\n", port);

    return logfd < 0 ? 0 : (int)write_all(logfd, line, (size_t)n);
}

static int serve(const struct opts *o, struct port *ps, size_t n)
{
    struct pollfd *pfds = calloc(n, sizeof *pfds);
    long base = listen_overflows(), now;
    double release = -1;
    int logfd = -1, fd, rc = -1, r;
    size_t i, slow = 0;

    if (pfds == NULL)
        return -1;
    if (o->log != NULL) {
        logfd = open(o->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (logfd < 0) {
            fprintf(stderr, "scanpeer: %s : %s\n", o->log, strerror(errno));
            goto out;
        }
    }
    for (i = 0; i < n; i++)
        slow += ps[i].kind == SLOW;
    printf("Prêt : %zu ports\n", n);
    if (fflush(stdout) != 0)
        goto out;
    for (;;) {
        if (slow > 0 && release < 0 && (now = listen_overflows()) > base)
            release = now_ms() + (double)o->slow_ms;
        if (release >= 0 && now_ms() >= release) {
            for (i = 0; i < n; i++)
                if (ps[i].kind == SLOW)
                    drain(&ps[i]);
            slow = 0;
            release = -1;
        }
        for (i = 0; i < n; i++) {
            pfds[i].fd = ps[i].kind == OPEN ? ps[i].lfd : -1;
            pfds[i].events = POLLIN;
        }
        r = poll(pfds, (nfds_t)n, slow > 0 ? 10 : -1);
        if (r < 0 && errno == EINTR && stop_requested()) {
            rc = 0;
            goto out;
        }
        if (r < 0 && errno != EINTR) {
            fprintf(stderr, "scanpeer: poll : %s\n", strerror(errno));
            goto out;
        }
        for (i = 0; r > 0 && i < n; i++) {
            if (!(pfds[i].revents & POLLIN))
                continue;
            while ((fd = accept(ps[i].lfd, NULL, NULL)) >= 0) {
                close(fd);
                if (log_port(logfd, ps[i].port) < 0)
                    goto out;
            }
        }
        if (stop_requested()) {
            rc = 0;
            goto out;
        }
    }
out:
    if (logfd >= 0)
        close(logfd);
    free(pfds);
    return rc;
}

/* Adds the ports of list (a port list) with kind to ps. */
static void add_ports(const char *list, int kind, struct port **ps, size_t *n)
{
    static unsigned char set[PORT_SET_BYTES];
    long count = parse_port_list(list, set);
    int p;

    if (count < 0)
        usage("liste de ports invalide");
    *ps = realloc(*ps, (*n + (size_t)count) * sizeof **ps);
    if (*ps == NULL)
        usage("mémoire");
    for (p = 1; p <= 65535; p++)
        if (PORT_SET_HAS(set, p)) {
            memset(&(*ps)[*n], 0, sizeof **ps);
            (*ps)[*n].port = p;
            (*ps)[*n].kind = kind;
            (*ps)[*n].lfd = -1;
            (*n)++;
        }
}

int main(int argc, char **argv)
{
    struct opts o = {"127.0.0.1", NULL, 200};
    struct port *ps = NULL;
    struct rlimit rl;
    size_t n = 0, i;
    int c, rc = 1, j;

    fake_args(&argc, &argv);
    opterr = 0;
    while ((c = getopt(argc, argv, ":b:l:f:S:d:o:")) != -1) {
        switch (c) {
        case 'b': o.bind = optarg; break;
        case 'l': add_ports(optarg, OPEN, &ps, &n); break;
        case 'f': add_ports(optarg, FILTERED, &ps, &n); break;
        case 'S': add_ports(optarg, SLOW, &ps, &n); break;
        case 'd':
            if (parse_long(optarg, 0, 600000, &o.slow_ms) < 0)
                usage("délai invalide");
            break;
        case 'o': o.log = optarg; break;
        default: usage("option inconnue ou sans valeur");
        }
    }
    if (optind != argc || n == 0)
        usage("aucun port");
    /* Up to three descriptors a port during the fill. */
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (stop_setup() < 0) {
        fprintf(stderr, "scanpeer: signaux : %s\n", strerror(errno));
        return 1;
    }
    for (i = 0; i < n; i++)
        if (listen_on(&o, &ps[i]) < 0)
            goto out;
    if (fill_queues(ps, n) == 0 && serve(&o, ps, n) == 0)
        rc = 0;
out:
    for (i = 0; i < n; i++) {
        for (j = 0; j < ps[i].nh; j++)
            close(ps[i].holders[j]);
        if (ps[i].lfd >= 0)
            close(ps[i].lfd);
    }
    free(ps);
    return rc;
}
