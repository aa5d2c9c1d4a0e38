/* banner — récupère la bannière de services TCP, plusieurs à la fois (§5). */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "io.h"
#include "net.h"

#define PROG "banner"
/* At most this many bytes of banner, as the course's recv(1024). */
#define BANNER_MAX 1024
/* Once the banner has started: this long without a new byte ends it. */
#define IDLE_MS 500
/* Targets handled at the same time (threads, hence sockets). */
#define MAX_WORKERS 16
#define HOST_LEN 256
#define PORT_LEN 8

/* The request of the course's grab_banner for HTTP ports, byte for byte. */
static const char http_request[] = "HEAD / HTTP/1.0\r\n\r\n";

/* Why a target gave no banner (len == 0). The zero value is the one a
 * target keeps when connected but nothing came. */
enum failure { FAIL_NOBANNER, FAIL_RESOLVE, FAIL_CONNECT, FAIL_SEND };

struct target {
    const char *arg; /* as written on the command line */
    char host[HOST_LEN];
    char port[PORT_LEN];
    int http;        /* send the HEAD request first */
    size_t len;      /* bytes of banner: > 0 is a success */
    enum failure fail; /* when len == 0 */
    int err;         /* errno, or getaddrinfo's code for FAIL_RESOLVE;
                        0 with FAIL_NOBANNER: closed without a byte */
    unsigned char banner[BANNER_MAX];
};

/* The work shared by the threads: the next target to take, under lock. */
struct pool {
    struct target *targets;
    size_t count;
    size_t next;
    int timeout_ms;
    pthread_mutex_t lock;
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage : " PROG " [-t SECONDES] [--http] HÔTE:PORT...\n"
            "Affiche la bannière de chaque service (ports 80, 8080 et 443 :\n"
            "réponse à « HEAD / HTTP/1.0 »), plusieurs cibles à la fois.\n"
            "  HÔTE:PORT    127.0.0.1:22, localhost:25, [::1]:21 (IPv6 entre crochets)\n"
            "  -t SECONDES  délai de connexion, puis d'attente de la bannière (défaut : 3)\n"
            "  --http       envoie la requête HEAD quel que soit le port\n"
            "  -h, --help   affiche cette aide\n");
}

/* The course's HTTP ports: those get a HEAD request instead of waiting. */
static int is_http_port(const char *port)
{
    /* TODO(lab 08): 1 si PORT (texte déjà validé) vaut 80, 8080 ou 443,
     * sinon 0 (parse_port rend sa valeur).
     */
    (void)port;
    return 0;
}

/* Reads the banner into buf (BANNER_MAX bytes): returns how many bytes
 * came (> 0), 0 when the peer closed before its first byte, -1 with errno
 * when nothing came (ETIMEDOUT: silent for timeout_ms) or on an error
 * before the first byte. Reading stops at BANNER_MAX bytes, at the end of
 * the stream, IDLE_MS after the last byte, or timeout_ms after the start;
 * an error after some bytes keeps them. */
static ssize_t read_banner(int fd, unsigned char *buf, int timeout_ms)
{
    /* TODO(lab 08): échéance = now_ms() + timeout_ms ; attente = timeout_ms.
     * Tant que len < BANNER_MAX et attente > 0 : n = recv_timeout(fd,
     * buf + len, BANNER_MAX - len, attente) ; n <= 0 : rendre len s'il est
     * > 0 (la bannière est finie), sinon n (0 ou -1, errno intact) ; n > 0 :
     * len += n, puis attente = temps restant avant l'échéance, au plus
     * IDLE_MS. Enfin rendre len.
     */
    (void)fd; (void)buf; (void)timeout_ms;
    errno = ENOSYS;
    return -1;
}

/* One target, start to end: connect (each address, -t each), HEAD for
 * HTTP, then the banner; the outcome is left in t. */
static void grab_banner(struct target *t, int timeout_ms)
{
    /* TODO(lab 08): fd = tcp_connect(host, port, timeout_ms, &gai)
     * (common/net.h) : NET_ERR_RESOLVE → FAIL_RESOLVE et err = gai ;
     * -1 → FAIL_CONNECT et err = errno. Si t->http : send_all de la
     * requête HEAD (sizeof http_request - 1 octets ; échec : FAIL_SEND).
     * Puis read_banner : > 0 → t->len ; sinon (t->fail vaut déjà
     * FAIL_NOBANNER) err = 0 si le serveur a fermé sans rien envoyer, errno
     * sinon. close(fd) toujours.
     */
    (void)t; (void)timeout_ms; (void)read_banner; (void)http_request;
}

/* A thread of the pool: takes the next target until none is left. */
static void *worker(void *arg)
{
    struct pool *p = arg;
    size_t i;

    /* TODO(lab 08): boucle : sous p->lock, prendre l'indice p->next et
     * l'avancer (ou s'arrêter quand il vaut p->count) ; hors du verrou,
     * grab_banner(&p->targets[i], p->timeout_ms).
     */
    (void)p; (void)i; (void)grab_banner;
    return NULL;
}

/* Handles every target with up to MAX_WORKERS threads, the calling one
 * included: a thread that cannot be created leaves its share to the
 * others (said once on stderr). Returns when every target is done. */
static void run_pool(struct pool *p)
{
    pthread_t tids[MAX_WORKERS - 1];
    size_t started = 0, wanted;
    int err;

    /* TODO(lab 08): wanted = min(p->count, MAX_WORKERS) ; créer wanted - 1
     * threads worker (pthread_create rend son code d'erreur, pas errno : au
     * premier échec, « banner: thread : RAISON » et on n'en crée plus) ;
     * worker(p) dans le thread appelant ; puis pthread_join de chacun.
     */
    (void)tids; (void)started; (void)wanted; (void)err;
    (void)worker(p);
}

/* Writes n received bytes as inert text into out (room for 4 * n + 1):
 * printable ASCII but '\' as is, then \\ \r \n \t, and \xHH for every
 * other byte (controls, DEL, every byte >= 0x80): no escape sequence, C1
 * control or bidirectional mark reaches the terminal. Returns out. */
static char *escape_banner(const unsigned char *in, size_t n, char *out)
{
    /* TODO(lab 08): pour chaque octet : '\\' → "\\\\", '\r' → "\\r",
     * '\n' → "\\n", '\t' → "\\t", 0x20..0x7e tel quel, tout autre octet
     * → "\\x%02x" ; terminer par '\0'. Pas de strlen : n octets, NUL compris.
     */
    (void)in; (void)n;
    out[0] = '\0';
    return out;
}

/* One line for the target: the banner on stdout, or why not on stderr.
 * Returns 0 for a banner, 1 for a failure, -1 when stdout failed. */
static int report(const struct target *t)
{
    char text[4 * BANNER_MAX + 1];

    if (t->len > 0) {
        printf("%s -> %s\n", t->arg, escape_banner(t->banner, t->len, text));
        /* Flushed line by line: stdout and stderr stay in order. */
        return fflush(stdout) == 0 ? 0 : -1;
    }
    switch (t->fail) {
    case FAIL_RESOLVE:
        fprintf(stderr, PROG ": %s : %s\n", t->arg, net_gai_strerror(t->err));
        break;
    case FAIL_CONNECT:
        fprintf(stderr, PROG ": %s : connexion impossible : %s\n", t->arg,
                net_strerror(t->err));
        break;
    case FAIL_SEND:
        fprintf(stderr, PROG ": %s : envoi : %s\n", t->arg, net_strerror(t->err));
        break;
    case FAIL_NOBANNER:
        fprintf(stderr, PROG ": %s : aucune bannière : %s\n", t->arg,
                t->err == 0 ? "connexion fermée par le serveur"
                            : net_strerror(t->err));
        break;
    }
    return 1;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"http", no_argument, NULL, 'H'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct pool p;
    int opt, timeout_ms = 3000, force_http = 0, rc = 0, r;
    size_t i;

    opterr = 0;
    while ((opt = getopt_long(argc, argv, "t:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 't':
            timeout_ms = parse_timeout_ms(optarg);
            if (timeout_ms < 0) {
                fprintf(stderr, PROG ": délai invalide : « %s » (secondes > 0,"
                                " décimales acceptées)\n", optarg);
                return 2;
            }
            break;
        case 'H':
            force_http = 1;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default: /* getopt's own message would be in English */
            if (optopt != 0)
                fprintf(stderr, PROG ": option inconnue ou sans valeur : -%c\n",
                        optopt);
            else
                fprintf(stderr, PROG ": option inconnue : %s\n", argv[optind - 1]);
            usage(stderr);
            return 2;
        }
    }
    if (optind == argc) {
        fprintf(stderr, PROG ": aucune cible\n");
        usage(stderr);
        return 2;
    }
    p.count = (size_t)(argc - optind);
    p.next = 0;
    p.timeout_ms = timeout_ms;
    p.targets = calloc(p.count, sizeof *p.targets);
    if (p.targets == NULL) {
        fprintf(stderr, PROG ": mémoire insuffisante\n");
        return 1;
    }
    /* Every target is checked before any connection. */
    for (i = 0; i < p.count; i++) {
        struct target *t = &p.targets[i];

        t->arg = argv[optind + (int)i];
        if (parse_hostport(t->arg, t->host, sizeof t->host, t->port,
                           sizeof t->port) < 0) {
            fprintf(stderr, PROG ": cible invalide : « %s » (attendu : HÔTE:PORT"
                            " ou [IPv6]:PORT, port de 1 à 65535)\n", t->arg);
            free(p.targets);
            return 2;
        }
        t->http = force_http || is_http_port(t->port);
    }
    pthread_mutex_init(&p.lock, NULL);
    run_pool(&p);
    pthread_mutex_destroy(&p.lock);
    /* In the order of the command line, whatever order they ended in. */
    for (i = 0; i < p.count; i++) {
        r = report(&p.targets[i]);
        if (r < 0) {
            fprintf(stderr, PROG ": sortie standard : %s\n", net_strerror(errno));
            rc = 1;
            break;
        }
        if (r > 0)
            rc = 1;
    }
    free(p.targets);
    return rc;
}
