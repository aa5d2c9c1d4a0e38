/* bannerpeer — faux services à bannière pour le lab 08 (SSH, SMTP, FTP, HTTP…). */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
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

#define BANNER_CAP 65536
/* What banner prints at most: the "attendu" line covers these bytes. */
#define SHOWN_MAX 1024
#define REQUEST_MAX 4096
/* A client stuck mid-exchange never holds a thread for ever. */
#define IO_TIMEOUT_MS 60000
#define DRAIN_MS 2000
#define LIVE_MAX 256

/* Each mode: what the peer sends, and when.
 *   ssh, smtp, ftp, hostile, big, slow : the banner (in -c pieces, -d ms
 *       apart: by default, slow 5 pieces 100 ms apart, the others one), then
 *       reads until the client closes (-x: closes after the banner);
 *   http : reads the request up to its empty line; "HEAD " gets the
 *       answer (status and headers), anything else a 400; then closes;
 *   silent : sends nothing, reads until the client closes;
 *   close : closes each connection at once, without a byte.
 * With -o FILE, what each client sends is appended to FILE (created at the
 * first connection: its presence proves a client got through). On stdout:
 * "attendu TEXT" (what banner must print after "-> "; in pieces,
 * "premier TEXT" too, the first piece escaped), the ready line,
 * then "simultanées N" each time more connections are open at once than
 * ever before, and "durée N ms" as each connection ends. */
struct opts {
    const char *mode;
    const char *bind;
    char port[8];
    uint64_t seed;
    long nbytes; /* big: banner size */
    long pieces; /* slow */
    long delay_ms;
    int close_after;
    const char *out;
};

static struct opts o;
static unsigned char banner[BANNER_CAP];
static size_t banner_len;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int live[LIVE_MAX], nlive, max_live;

static void usage(const char *msg)
{
    if (msg != NULL)
        fprintf(stderr, "bannerpeer: %s\n", msg);
    fprintf(stderr,
            "usage: bannerpeer MODE [-b ADDR] [-p PORT] [-s SEED] [-n BYTES] "
            "[-c PIECES] [-d DELAY_MS] [-x] [-o FILE]\n"
            "  MODE : ssh smtp ftp http slow hostile big silent close\n");
    exit(2);
}

static void add(const void *p, size_t n)
{
    if (n > BANNER_CAP - banner_len)
        n = BANNER_CAP - banner_len;
    memcpy(banner + banner_len, p, n);
    banner_len += n;
}

static void add_str(const char *s)
{
    add(s, strlen(s));
}

/* The banner of each mode, with 16 hex digits drawn from the seed in it: a
 * program that does not ask the peer cannot print it. */
static void make_banner(void)
{
    static const unsigned char hostile[] = {
        0x1b, ']', '0', ';', 'p', 'i', 'r', 'a', 't', 'e', 0x07,  /* title */
        0x1b, '[', '2', 'J', 0x1b, '[', 'H',                       /* clear */
        0x1b, '[', '3', '1', 'm', 'R', 'O', 'U', 'G', 'E', 0x1b, '[', '0', 'm',
        0x9b, '3', '2', 'm',                   /* raw C1 CSI */
        0xc2, 0x9b, '4', 'm',                  /* C1 CSI in UTF-8 */
        0xe2, 0x80, 0xae, 'c', 'b', 'a',       /* RIGHT-TO-LEFT OVERRIDE */
        0x00, 'a', 'p', 'r', 0xe8, 's', 0x00,  /* NUL, Latin-1 */
        0x7f, 0xff, 0x08, 0x0b, 0x0c,          /* DEL, 0xff, BS, VT, FF */
        0x1f, ' ', '~', 0x80, 0x01,            /* the edges of each class */
        '%', 's', '%', 'n', '%', 'x', ' ', '\\', 'x', '4', '1', ' ',
    };
    unsigned char raw[8];
    uint64_t state = o.seed;
    char hex[17];
    int i;

    gen_bytes(&state, raw, sizeof raw);
    for (i = 0; i < 8; i++)
        snprintf(hex + 2 * i, 3, "%02x", raw[i]);
    if (strcmp(o.mode, "ssh") == 0) {
        add_str("SSH-2.0-OpenSSH_9.2p1 ");
        add_str(hex);
        add_str("\r\n");
    } else if (strcmp(o.mode, "smtp") == 0) {
        add_str("220 mx-");
        add_str(hex);
        add_str(".exemple.test ESMTP Postfix (Debian/GNU)\r\n");
    } else if (strcmp(o.mode, "ftp") == 0) {
        add_str("220-Bienvenue sur ftp-");
        add_str(hex);
        add_str("\r\n220 (vsFTPd 3.0.3)\r\n");
    } else if (strcmp(o.mode, "http") == 0) {
        add_str("HTTP/1.0 200 OK\r\nServer: nginx/1.22.1-");
        add_str(hex);
        add_str("\r\nContent-Type: text/html\r\nContent-Length: 615\r\n\r\n");
    } else if (strcmp(o.mode, "slow") == 0) {
        add_str("220-mx-");
        add_str(hex);
        add_str(".exemple.test ESMTP\r\n220-un service lent\r\n"
                "220-qui envoie sa banni\xc3\xa8re par morceaux\r\n220 pr\xc3\xaat\r\n");
    } else if (strcmp(o.mode, "hostile") == 0) {
        add(hostile, sizeof hostile);
        add_str(hex);
        add_str("\t\r\n");
    } else if (strcmp(o.mode, "big") == 0) {
        state = o.seed;
        banner_len = (size_t)o.nbytes;
        gen_bytes(&state, banner, banner_len);
    }
}

/* The reference of banner's escaping: printable ASCII but '\' as is; \\,
 * \r, \n, \t; \xHH (lowercase) for every other byte. */
static void print_escaped(const unsigned char *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (p[i] == '\\')
            fputs("\\\\", stdout);
        else if (p[i] == '\r')
            fputs("\\r", stdout);
        else if (p[i] == '\n')
            fputs("\\n", stdout);
        else if (p[i] == '\t')
            fputs("\\t", stdout);
        else if (p[i] >= 0x20 && p[i] < 0x7f)
            putchar(p[i]);
        else
            printf("\\x%02x", p[i]);
    }
}

static int log_open(void)
{
    int fd;

    if (o.out == NULL)
        return -1;
    fd = open(o.out, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        fprintf(stderr, "bannerpeer: %s : %s\n", o.out, strerror(errno));
    return fd;
}

/* Reads (into the log) until the client closes, an error, or a stop. */
static void hold(int cfd, int lfd)
{
    unsigned char buf[4096];
    ssize_t n;

    while ((n = recv_timeout(cfd, buf, sizeof buf, IO_TIMEOUT_MS)) > 0)
        if (lfd >= 0 && write_all(lfd, buf, (size_t)n) < 0)
            break;
}

/* Half-close, then let the client close first: closing with unread input
 * would send a RST that can destroy the answer in flight. */
static void finish(int cfd, int lfd)
{
    unsigned char buf[4096];
    double end = now_ms() + DRAIN_MS;
    int left;
    ssize_t n;

    shutdown(cfd, SHUT_WR);
    while ((left = (int)(end - now_ms())) > 0 &&
           (n = recv_timeout(cfd, buf, sizeof buf, left)) > 0)
        if (lfd >= 0 && write_all(lfd, buf, (size_t)n) < 0)
            break;
}

static void serve_http(int cfd, int lfd)
{
    static const char bad[] = "HTTP/1.0 400 Bad Request\r\n\r\n";
    char req[REQUEST_MAX + 1];
    size_t got = 0;
    ssize_t n;

    while (got < REQUEST_MAX) {
        n = recv_timeout(cfd, req + got, REQUEST_MAX - got, IO_TIMEOUT_MS);
        if (n <= 0)
            return;
        if (lfd >= 0)
            write_all(lfd, req + got, (size_t)n);
        got += (size_t)n;
        req[got] = '\0';
        if (strstr(req, "\r\n\r\n") != NULL)
            break;
    }
    if (strncmp(req, "HEAD ", 5) == 0)
        send_all(cfd, banner, banner_len, IO_TIMEOUT_MS);
    else
        send_all(cfd, bad, sizeof bad - 1, IO_TIMEOUT_MS);
    finish(cfd, lfd);
}

/* Sends the banner in -c pieces, -d ms apart (one piece by default). */
static int send_banner(int cfd)
{
    size_t sent = 0, piece;
    long i;
    int one = 1;

    /* Separate segments, so that the client sees the pieces apart. */
    if (o.pieces > 1)
        setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    for (i = 0; i < o.pieces && sent < banner_len; i++) {
        piece = (banner_len - sent) / (size_t)(o.pieces - i);
        if (piece == 0)
            piece = 1;
        if (send_all(cfd, banner + sent, piece, IO_TIMEOUT_MS) < 0)
            return -1;
        sent += piece;
        if (sent < banner_len && sleep_ms((int)o.delay_ms) < 0)
            return -1;
    }
    return 0;
}

static void serve_conn(int cfd)
{
    int lfd = log_open();

    if (strcmp(o.mode, "http") == 0)
        serve_http(cfd, lfd);
    else if (send_banner(cfd) < 0)
        ; /* the client left */
    else if (o.close_after)
        finish(cfd, lfd);
    else
        hold(cfd, lfd);
    if (lfd >= 0)
        close(lfd);
}

/* Connections still open: a client's FIN that this peer has not read yet
 * does not count (its thread may be slower than the client's next
 * connect). Called with the lock held. */
static int count_live(void)
{
    char c;
    int i, n = 0;

    for (i = 0; i < nlive; i++)
        if (recv(live[i], &c, 1, MSG_PEEK | MSG_DONTWAIT) != 0)
            n++;
    return n;
}

static void track(int cfd, int add_it)
{
    int i, now;

    pthread_mutex_lock(&lock);
    if (add_it) {
        if (nlive < LIVE_MAX)
            live[nlive++] = cfd;
        now = count_live();
        if (now > max_live) {
            max_live = now;
            printf("simultanées %d\n", max_live);
            fflush(stdout);
        }
    } else {
        for (i = 0; i < nlive; i++)
            if (live[i] == cfd) {
                live[i] = live[--nlive];
                break;
            }
    }
    pthread_mutex_unlock(&lock);
}

/* Each connection ends with a line "durée N ms" (from accept to the
 * client's close, or this peer's): how long the client waited, measured
 * here, whatever the time the program took to start. */
static void *conn_thread(void *arg)
{
    int cfd = (int)(intptr_t)arg;
    double start = now_ms();

    if (strcmp(o.mode, "close") != 0)
        serve_conn(cfd);
    track(cfd, 0);
    close(cfd);
    pthread_mutex_lock(&lock);
    printf("durée %.0f ms\n", now_ms() - start);
    fflush(stdout);
    pthread_mutex_unlock(&lock);
    return NULL;
}

static int accept_loop(int lfd)
{
    pthread_attr_t attr;
    pthread_t tid;
    int cfd;

    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    for (;;) {
        if (wait_fd(lfd, POLLIN, -1) < 0)
            return errno == EINTR ? 0 : -1;
        cfd = accept(lfd, NULL, NULL);
        if (cfd < 0)
            continue;
        fcntl(cfd, F_SETFD, FD_CLOEXEC);
        track(cfd, 1);
        if (pthread_create(&tid, &attr, conn_thread, (void *)(intptr_t)cfd) != 0) {
            track(cfd, 0);
            close(cfd);
        }
    }
}

static void parse_args(int argc, char **argv)
{
    int c, port;

    if (argc < 2 || argv[1][0] == '-')
        usage(NULL);
    o.mode = argv[1];
    o.bind = "127.0.0.1";
    strcpy(o.port, "0");
    o.seed = 1;
    o.nbytes = 3000;
    o.pieces = strcmp(o.mode, "slow") == 0 ? 5 : 1;
    o.delay_ms = 100;
    opterr = 0;
    while ((c = getopt(argc - 1, argv + 1, ":b:p:s:n:c:d:xo:")) != -1) {
        long v;
        switch (c) {
        case 'b':
            o.bind = optarg;
            break;
        case 'p':
            if ((port = parse_port(optarg, 1)) < 0)
                usage("port invalide");
            snprintf(o.port, sizeof o.port, "%u", (unsigned)port & 0xffffu);
            break;
        case 's':
            if (parse_long(optarg, 0, LONG_MAX, &v) < 0)
                usage("graine invalide");
            o.seed = (uint64_t)v;
            break;
        case 'n':
            if (parse_long(optarg, 0, BANNER_CAP, &o.nbytes) < 0)
                usage("taille invalide");
            break;
        case 'c':
            if (parse_long(optarg, 1, 1000, &o.pieces) < 0)
                usage("nombre de morceaux invalide");
            break;
        case 'd':
            if (parse_long(optarg, 0, 60000, &o.delay_ms) < 0)
                usage("délai invalide");
            break;
        case 'x':
            o.close_after = 1;
            break;
        case 'o':
            o.out = optarg;
            break;
        default:
            usage("option inconnue ou sans valeur");
        }
    }
    if (optind != argc - 1)
        usage("argument en trop");
}

int main(int argc, char **argv)
{
    static const char *modes[] = {"ssh", "smtp", "ftp", "http", "slow",
                                  "hostile", "big", "silent", "close"};
    char addr[ADDR_STR_LEN];
    size_t i;
    int gai = 0, lfd, rc;

    fake_args(&argc, &argv);
    parse_args(argc, argv);
    for (i = 0; i < sizeof modes / sizeof modes[0]; i++)
        if (strcmp(o.mode, modes[i]) == 0)
            break;
    if (i == sizeof modes / sizeof modes[0])
        usage("mode inconnu");
    if (stop_setup() < 0) {
        fprintf(stderr, "bannerpeer: signaux : %s\n", strerror(errno));
        return 1;
    }
    make_banner();
    lfd = tcp_listen(o.bind, o.port, SOMAXCONN, &gai);
    if (lfd < 0) {
        fprintf(stderr, "bannerpeer: écoute sur %s port %s : %s\n", o.bind, o.port,
                lfd == NET_ERR_RESOLVE ? net_gai_strerror(gai) : net_strerror(errno));
        return 1;
    }
    fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL) | O_NONBLOCK);
    /* What banner must print for this peer (before the ready line). */
    if (banner_len > 0) {
        fputs("attendu ", stdout);
        print_escaped(banner, banner_len < SHOWN_MAX ? banner_len : SHOWN_MAX);
        putchar('\n');
    }
    /* In pieces: what a client that stops after the first one shows. */
    if (o.pieces > 1 && banner_len > 0) {
        fputs("premier ", stdout);
        print_escaped(banner, banner_len / (size_t)o.pieces > 0 ? banner_len / (size_t)o.pieces : 1);
        putchar('\n');
    }
    printf("Serveur en écoute sur %s\n", sock_local_str(lfd, addr, sizeof addr));
    if (fflush(stdout) != 0)
        return 1;
    rc = accept_loop(lfd);
    close(lfd);
    return rc < 0 ? 1 : 0;
}
