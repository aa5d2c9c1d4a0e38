/* udppeer — faux pair UDP : serveur retors pour udp_client, client pour udp_server. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
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

struct opts {
    const char *mode;
    const char *bind;
    const char *port;
    long delay_ms; /* serve: wait before each answer */
    long drop;     /* serve: datagrams ignored first */
    int intruder;  /* serve: answer first from another socket */
    int quiet;     /* serve: never answer */
    const char *text;
    const char *key; /* serve: each reply starts with it */
    long nbytes;   /* send: gen(seed)[0..n) instead of -m */
    uint64_t seed;
    int timeout_ms;
};

static unsigned char buf[BUF_SIZE], out[BUF_SIZE];

static void usage(const char *msg)
{
    if (msg != NULL)
        fprintf(stderr, "udppeer: %s\n", msg);
    fprintf(stderr,
            "usage: udppeer serve [-b ADDR] [-p PORT] [-d DELAY_MS] [-D DROP] "
            "[-x] [-q] [-m TEXT] [-k KEY]  (ou FAKE_KEY=KEY)\n"
            "       udppeer send [-t SEC] [-m TEXT | -n BYTES -s SEED] HOST PORT\n");
    exit(2);
}

/* A UDP socket bound to host:port (port "0": any). -1 on failure. */
static int udp_bind(const char *host, const char *port)
{
    struct addrinfo hints, *res, *ai;
    int fd = -1;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST;
    if (getaddrinfo(host, port, &hints, &res) != 0)
        return -1;
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
        if (fd >= 0 && bind(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

/* Echoes (or answers -m TEXT to) each datagram, as the options say, after
 * -k KEY when given (the program under test cannot know it: its reply
 * proves the datagram reached this server); logs "datagramme N : K octets
 * de ADDR" for each one received. */
static int serve(const struct opts *o)
{
    struct sockaddr_storage peer;
    socklen_t len;
    char addr[ADDR_STR_LEN];
    long count = 0;
    ssize_t n;
    int fd, other = -1;

    fd = udp_bind(o->bind, o->port);
    if (fd < 0) {
        fprintf(stderr, "udppeer: bind %s:%s : %s\n", o->bind, o->port,
                net_strerror(errno));
        return 1;
    }
    if (o->intruder && (other = udp_bind(o->bind, "0")) < 0) {
        close(fd);
        return 1;
    }
    printf("Serveur en écoute sur %s\n", sock_local_str(fd, addr, sizeof addr));
    while (wait_fd(fd, POLLIN, -1) > 0) {
        len = sizeof peer;
        n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&peer, &len);
        if (n < 0)
            continue;
        count++;
        printf("datagramme %ld : %zd octets de %s\n", count, n,
               sockaddr_str((struct sockaddr *)&peer, len, addr, sizeof addr));
        if (o->quiet || count <= o->drop)
            continue;
        if (o->delay_ms > 0 && sleep_ms((int)o->delay_ms) < 0)
            break;
        if (other >= 0)
            sendto(other, "INTRUS", 6, 0, (struct sockaddr *)&peer, len);
        const unsigned char *body = o->text ? (const unsigned char *)o->text : buf;
        size_t blen = o->text ? strlen(o->text) : (size_t)n, klen = 0;
        if (o->key != NULL) {
            klen = strlen(o->key);
            memcpy(out, o->key, klen);
        }
        if (blen > sizeof out - klen)
            blen = sizeof out - klen;
        memmove(out + klen, body, blen);
        sendto(fd, out, klen + blen, 0, (struct sockaddr *)&peer, len);
    }
    if (other >= 0)
        close(other);
    close(fd);
    return 0;
}

/* One datagram to host:port, its reply on stdout: 0, 3 on timeout, 1. */
static int send_one(const struct opts *o, const char *host, const char *port)
{
    struct addrinfo hints, *res;
    char addr[ADDR_STR_LEN];
    ssize_t n;
    size_t len;
    int fd, rc = 1;
    uint64_t state = o->seed;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_NUMERICHOST;
    if (getaddrinfo(host, port, &hints, &res) != 0)
        return 1;
    fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, res->ai_addr, res->ai_addrlen) < 0) {
        fprintf(stderr, "udppeer: %s\n", net_strerror(errno));
        goto out;
    }
    fprintf(stderr, "local %s\n", sock_local_str(fd, addr, sizeof addr));
    if (o->text != NULL) {
        len = strlen(o->text);
        memcpy(buf, o->text, len);
    } else {
        len = (size_t)o->nbytes;
        gen_bytes(&state, buf, len);
    }
    if (send(fd, buf, len, 0) < 0) {
        fprintf(stderr, "udppeer: envoi : %s\n", net_strerror(errno));
        goto out;
    }
    n = recv_timeout(fd, buf, sizeof buf, o->timeout_ms);
    if (n < 0) {
        fprintf(stderr, "udppeer: réception : %s\n", net_strerror(errno));
        rc = errno == ETIMEDOUT ? 3 : 1;
        goto out;
    }
    fprintf(stderr, "réponse : %zd octets\n", n);
    rc = write_all(STDOUT_FILENO, buf, (size_t)n) < 0;
out:
    if (fd >= 0)
        close(fd);
    freeaddrinfo(res);
    return rc;
}

int main(int argc, char **argv)
{
    struct opts o = {.bind = "127.0.0.1", .port = "0", .timeout_ms = 5000};
    int opt;

    fake_args(&argc, &argv);

    if (argc < 2)
        usage(NULL);
    o.mode = argv[1];
    optind = 2;
    opterr = 0;
    while ((opt = getopt(argc, argv, "b:p:d:D:xqm:k:n:s:t:")) != -1) {
        long v;
        switch (opt) {
        case 'b': o.bind = optarg; break;
        case 'p':
            if (parse_port(optarg, 1) < 0)
                usage("port invalide");
            o.port = optarg;
            break;
        case 'd':
            if (parse_long(optarg, 0, 60000, &o.delay_ms) < 0)
                usage("délai invalide");
            break;
        case 'D':
            if (parse_long(optarg, 0, 1000, &o.drop) < 0)
                usage("nombre invalide");
            break;
        case 'x': o.intruder = 1; break;
        case 'q': o.quiet = 1; break;
        case 'm': o.text = optarg; break;
        case 'k': o.key = optarg; break;
        case 'n':
            if (parse_long(optarg, 0, 65507, &o.nbytes) < 0)
                usage("taille invalide");
            break;
        case 's':
            if (parse_long(optarg, 0, 2147483647L, &v) < 0)
                usage("graine invalide");
            o.seed = (uint64_t)v;
            break;
        case 't':
            if ((o.timeout_ms = parse_timeout_ms(optarg)) < 0)
                usage("délai invalide");
            break;
        default: usage("option inconnue");
        }
    }
    /* The tests give the key in the environment, which other users cannot
     * read in /proc (a command line, they can). */
    if (o.key == NULL && getenv("FAKE_KEY") != NULL && getenv("FAKE_KEY")[0] != '\0')
        o.key = getenv("FAKE_KEY");
    if (o.key != NULL && strlen(o.key) > 256)
        usage("clé trop longue");
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (stop_setup() < 0)
        return 1;
    if (strcmp(o.mode, "serve") == 0) {
        if (optind != argc)
            usage("argument en trop");
        return serve(&o);
    }
    if (strcmp(o.mode, "send") == 0) {
        if (argc - optind != 2 || parse_port(argv[optind + 1], 0) < 0)
            usage("HOST PORT attendus");
        return send_one(&o, argv[optind], argv[optind + 1]);
    }
    usage("mode inconnu");
    return 2;
}
