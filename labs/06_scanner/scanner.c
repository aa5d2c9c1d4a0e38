/* scanner — scanner de ports TCP : ouverts, fermés, filtrés (§5 Port Scanner). */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "io.h"
#include "net.h"

#define PROG "scanner"
/* Descriptors kept for the rest of the program: the 3 standard streams,
 * /etc/services, the resolver, and some room. */
#define FD_RESERVE 16

enum port_state { PORT_OPEN, PORT_CLOSED, PORT_FILTERED, PORT_ERROR };

/* What the workers share. The target address, the ports and the timeout
 * are only read; next, err and err_port are guarded by lock; each worker
 * writes state[i] only for the indices i it took from next. */
struct scan {
    struct sockaddr_storage target; /* the port is set per probe */
    socklen_t target_len;
    int timeout_ms;
    int *ports; /* ascending */
    size_t nports;
    unsigned char *state; /* enum port_state, one per port */
    pthread_mutex_t lock;
    size_t next;  /* index of the next port to scan */
    int err;      /* errno of the first local failure (0: none) */
    int err_port; /* the port being scanned then */
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage : " PROG " [-t SECONDES] [-w THREADS] [-p PORTS] [--json] HÔTE\n"
            "Teste chaque port TCP de HÔTE : ouvert, fermé ou filtré.\n"
            "  -t SECONDES  délai de connexion par port (défaut : 1)\n"
            "  -w THREADS   nombre de threads (défaut : 100)\n"
            "  -p PORTS     liste de ports, ex. 1-1024,8080,9000-9100 (défaut : 1-1024)\n"
            "  --json       résultat en JSON : host, open, closed_count, filtered_count\n"
            "  -h           affiche cette aide\n"
            "Ne scannez que vos propres machines.\n");
}

/* addr with its port set to port (IPv4 or IPv6). */
static void set_port(struct sockaddr_storage *addr, int port)
{
    if (addr->ss_family == AF_INET6)
        ((struct sockaddr_in6 *)addr)->sin6_port = htons((uint16_t)port);
    else
        ((struct sockaddr_in *)addr)->sin_port = htons((uint16_t)port);
}

/* Same address and port (the local end of a socket against its target). */
static int same_endpoint(const struct sockaddr_storage *a,
                         const struct sockaddr_storage *b)
{
    const struct sockaddr_in *a4 = (const void *)a, *b4 = (const void *)b;
    const struct sockaddr_in6 *a6 = (const void *)a, *b6 = (const void *)b;

    if (a->ss_family != b->ss_family)
        return 0;
    if (a->ss_family == AF_INET)
        return a4->sin_port == b4->sin_port &&
               a4->sin_addr.s_addr == b4->sin_addr.s_addr;
    return a6->sin6_port == b6->sin6_port &&
           memcmp(&a6->sin6_addr, &b6->sin6_addr, sizeof a6->sin6_addr) == 0;
}

/* One port, as the course's scan_port: a non-blocking connect, a wait of
 * at most timeout_ms, then the outcome from errno. Returns PORT_OPEN,
 * PORT_CLOSED (refused, or connected to itself), PORT_FILTERED (no answer
 * in time, or unreachable), or PORT_ERROR with *err set (a local failure:
 * no descriptor, no memory…). The socket is closed on every path. */
static enum port_state probe_port(const struct scan *s, int port, int *err)
{
    /* TODO(lab 06): copier s->target, y mettre le port (set_port) ;
     * socket(famille, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0) ;
     * connect : 0 = connecté ; EINPROGRESS = attendre POLLOUT avec
     * wait_fd(fd, POLLOUT, s->timeout_ms) (0 = délai dépassé : filtré), puis
     * lire le résultat avec getsockopt(SO_ERROR). ECONNREFUSED : fermé ;
     * ETIMEDOUT, EHOSTUNREACH, ENETUNREACH : filtré ; autre erreur :
     * PORT_ERROR avec *err. Connecté : ouvert, SAUF si getsockname() donne
     * l'adresse et le port visés (la socket s'est connectée à elle-même) :
     * fermé. Toujours close(fd).
     */
    (void)s; (void)port; (void)same_endpoint; (void)set_port;
    *err = ENOSYS;
    return PORT_ERROR;
}

/* A worker: takes the next port to scan until none is left or a local
 * failure stopped the scan (the first one is kept in s->err). */
static void *worker(void *arg)
{
    struct scan *s = arg;

    /* TODO(lab 06): boucle : sous s->lock, prendre l'indice i = s->next++
     * (arrêter si i >= s->nports ou si s->err est non nul) ; hors du
     * verrou, s->state[i] = probe_port(s, s->ports[i], &err) ; si
     * PORT_ERROR, noter err et le port dans s->err et s->err_port (sous le
     * verrou, la première erreur seulement) et arrêter.
     */
    (void)s; (void)probe_port;
    return NULL;
}

/* How many workers: as many as asked, but no more than there are ports,
 * and no more than the descriptors left under RLIMIT_NOFILE (each worker
 * holds one socket at a time), whatever -w says. At least 1. */
static long worker_count(long wanted, size_t nports)
{
    /* TODO(lab 06): borner wanted par nports, puis par la limite de
     * descripteurs (getrlimit(RLIMIT_NOFILE) : rlim_cur - FD_RESERVE, sauf
     * RLIM_INFINITY) ; au moins 1.
     */
    (void)nports;
    return wanted;
}

/* Runs the scan with up to nworkers threads and waits for all of them.
 * Fewer threads than asked (pthread_create failed: process limit,
 * memory) only slow the scan down, said on stderr. Returns 0, or -1 when
 * not a single thread could start (said). */
static int run_workers(struct scan *s, long nworkers)
{
    /* TODO(lab 06): allouer nworkers pthread_t (calloc), pthread_create(
     * worker, s) pour chacun ; si un pthread_create échoue (il renvoie le
     * code d'erreur, sans errno), continuer avec ceux déjà lancés (message
     * sur la sortie d'erreur) ; aucun : message, return -1. Puis
     * pthread_join de chacun et free.
     */
    (void)s; (void)nworkers; (void)worker;
    fprintf(stderr, PROG ": scan non implémenté\n");
    return -1;
}

/* host as a JSON string: quotes, backslashes and control bytes escaped. */
static void print_json_string(const char *str)
{
    const unsigned char *p;

    putchar('"');
    for (p = (const unsigned char *)str; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p < 0x20)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    putchar('"');
}

/* The result: open ports in ascending order with their service names, then
 * the summary line; or, with json, the course's dict on one line. */
static void print_report(const struct scan *s, const char *host, int json,
                         double seconds)
{
    /* TODO(lab 06): compter les ports de chaque état ; les ports ouverts
     * dans l'ordre croissant de s->ports : « PORT/tcp SERVICE » (service :
     * getservbyport(htons(port), "tcp"), ou « inconnu »), puis
     * « N ouverts, N fermés, N filtrés en X.XX s ». Avec json : une ligne
     * {"host": …, "open": [ports], "closed_count": N, "filtered_count": N}
     * (print_json_string pour host), rien d'autre.
     */
    (void)s; (void)host; (void)json; (void)seconds;
    (void)print_json_string;
}

/* The first address of host (AF_UNSPEC) into s->target. Returns 0, or -1
 * after printing why. */
static int resolve_target(const char *host, struct scan *s)
{
    struct addrinfo hints, *res;
    int rc;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    rc = getaddrinfo(host, NULL, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, PROG ": %s : %s\n", host, net_gai_strerror(rc));
        return -1;
    }
    memcpy(&s->target, res->ai_addr, res->ai_addrlen);
    s->target_len = res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

/* The ports of set, ascending, into a new array. Returns it, or NULL. */
static int *port_array(const unsigned char *set, size_t n)
{
    int *ports = malloc(n * sizeof *ports), p;
    size_t i = 0;

    if (ports == NULL)
        return NULL;
    for (p = 1; p <= 65535; p++)
        if (PORT_SET_HAS(set, p))
            ports[i++] = p;
    return ports;
}

static int scan_and_report(struct scan *s, const char *host, long workers,
                           int json)
{
    double start = now_ms();
    int rc = 0;

    s->state = calloc(s->nports, 1);
    if (s->state == NULL) {
        fprintf(stderr, PROG ": %s\n", net_strerror(errno));
        return 1;
    }
    if (pthread_mutex_init(&s->lock, NULL) != 0) {
        fprintf(stderr, PROG ": verrou : %s\n", net_strerror(ENOMEM));
        free(s->state);
        return 1;
    }
    if (run_workers(s, worker_count(workers, s->nports)) < 0) {
        rc = 1;
    } else if (s->err != 0) {
        fprintf(stderr, PROG ": port %d : %s\n", s->err_port,
                net_strerror(s->err));
        rc = 1;
    } else {
        print_report(s, host, json, (now_ms() - start) / 1000.0);
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr, PROG ": sortie standard : %s\n",
                    net_strerror(errno));
            rc = 1;
        }
    }
    pthread_mutex_destroy(&s->lock);
    free(s->state);
    return rc;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {{"json", no_argument, NULL, 'j'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    unsigned char set[PORT_SET_BYTES];
    const char *ports_arg = "1-1024";
    struct scan s;
    long workers = 100, n;
    int opt, json = 0, rc;

    memset(&s, 0, sizeof s);
    s.timeout_ms = 1000;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":t:w:p:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 't':
            s.timeout_ms = parse_timeout_ms(optarg);
            if (s.timeout_ms < 0) {
                fprintf(stderr, PROG ": délai invalide : « %s » (secondes > 0,"
                                " décimales acceptées)\n", optarg);
                return 2;
            }
            break;
        case 'w':
            if (parse_long(optarg, 1, 65535, &workers) < 0) {
                fprintf(stderr, PROG ": nombre de threads invalide : « %s »"
                                " (attendu : 1 à 65535)\n", optarg);
                return 2;
            }
            break;
        case 'p':
            ports_arg = optarg;
            break;
        case 'j':
            json = 1;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case ':':
            fprintf(stderr, PROG ": option sans valeur : %s\n", argv[optind - 1]);
            usage(stderr);
            return 2;
        default: /* getopt's own message would be in English */
            if (optopt != 0)
                fprintf(stderr, PROG ": option inconnue : -%c\n", optopt);
            else
                fprintf(stderr, PROG ": option inconnue : %s\n", argv[optind - 1]);
            usage(stderr);
            return 2;
        }
    }
    if (argc - optind != 1) {
        usage(stderr);
        return 2;
    }
    n = parse_port_list(ports_arg, set);
    if (n < 0) {
        fprintf(stderr, PROG ": liste de ports invalide : « %s » (attendu : "
                        "ports de 1 à 65535, ex. 1-1024,8080,9000-9100)\n",
                ports_arg);
        return 2;
    }
    s.nports = (size_t)n;
    if (resolve_target(argv[optind], &s) < 0)
        return 1;
    s.ports = port_array(set, s.nports);
    if (s.ports == NULL) {
        fprintf(stderr, PROG ": %s\n", net_strerror(errno));
        return 1;
    }
    rc = scan_and_report(&s, argv[optind], workers, json);
    free(s.ports);
    return rc;
}
