/* Hostile (no network): connectivity without a socket, correct usage
 * handling, every endpoint said reachable in 0.12 ms. It must score
 * nothing but the usage tests.
 * connectivity — vérifie que des HÔTE:PORT acceptent une connexion TCP, avec
 * réessais et attente croissante (§5 « Vérification de Connectivité », §7
 * « Timeout et Retry »). */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "io.h"
#include "net.h"

#define PROG "connectivity"
#define HOST_LEN 256
#define PORT_LEN 8
#define MAX_RETRIES 100

static void usage(FILE *out)
{
    fprintf(out,
            "usage : " PROG " [-t SECONDES] [-r ESSAIS] [-d DÉLAI] [-f FICHIER]"
            " HÔTE:PORT…\n"
            "Vérifie que chaque HÔTE:PORT accepte une connexion TCP et affiche\n"
            "« ✓ HÔTE:PORT - LATENCE ms » ou « ✗ HÔTE:PORT - ERREUR ».\n"
            "  -t SECONDES  délai de chaque connexion (défaut : 5)\n"
            "  -r ESSAIS    réessais après le premier échec (défaut : 0)\n"
            "  -d DÉLAI     attente avant le réessai n : DÉLAI × n secondes\n"
            "               (défaut : 1)\n"
            "  -f FICHIER   lit aussi les points d'accès dans FICHIER (un par\n"
            "               ligne, # commente ; - : l'entrée standard)\n"
            "  -h           affiche cette aide\n"
            "Code de sortie : 0 si tous sont joignables, 1 sinon, 2 si les\n"
            "arguments sont invalides.\n");
}

struct endpoint {
    char host[HOST_LEN];
    char port[PORT_LEN];
};

struct endpoint_list {
    struct endpoint *v;
    size_t n, cap;
};

/* What one endpoint gave: reachable with its latency, or why not (err: an
 * errno value, ETIMEDOUT for a timeout; gai_err: a getaddrinfo code, when
 * the name did not resolve). */
struct outcome {
    int reachable;
    double latency_ms;
    int err;
    int gai_err;
};

struct options {
    int timeout_ms;
    long retries;
    int delay_ms;
};

/* Appends "host:port" (or "[v6]:port") to the list. Returns 0, -1 when the
 * text is not a valid endpoint, -2 when memory ran out. */
static int add_endpoint(struct endpoint_list *l, const char *text)
{
    struct endpoint ep = { { 0 }, { 0 } };

    if (parse_hostport(text, ep.host, sizeof ep.host, ep.port,
                       sizeof ep.port) < 0)
        return -1;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        struct endpoint *v = realloc(l->v, cap * sizeof *v);

        if (v == NULL)
            return -2;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = ep;
    return 0;
}

/* Reads the endpoints of a file ("-": standard input), one per line: text
 * after '#' is a comment, blanks around are ignored, an empty line is
 * skipped. Returns 0, or the exit code after printing why: 2 when the file
 * cannot be read or a line is not an endpoint (FILE:LINE named), 1 when
 * memory ran out. */
static int read_endpoint_file(struct endpoint_list *l, const char *path)
{
        FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    char *line = NULL, *p, *end;
    size_t size = 0;
    ssize_t len;
    long lineno = 0;
    int rc = 0, added;

    if (f == NULL) {
        fprintf(stderr, PROG ": %s : %s\n", path, net_strerror(errno));
        return 2;
    }
    while (rc == 0 && (len = getline(&line, &size, f)) >= 0) {
        lineno++;
        if ((size_t)len != strlen(line)) { /* a NUL byte in the line */
            fprintf(stderr, PROG ": %s:%ld : octet nul dans la ligne\n", path,
                    lineno);
            rc = 2;
            break;
        }
        p = strchr(line, '#');
        if (p != NULL)
            *p = '\0';
        p = line + strspn(line, " \t\r\n");
        end = p + strlen(p);
        while (end > p && strchr(" \t\r\n", end[-1]) != NULL)
            *--end = '\0';
        if (*p == '\0')
            continue;
        added = strpbrk(p, " \t") != NULL ? -1 : add_endpoint(l, p);
        if (added == -1) {
            fprintf(stderr, PROG ": %s:%ld : point d'accès invalide : « %s »"
                            " (attendu : HÔTE:PORT ou [IPv6]:PORT)\n",
                    path, lineno, p);
            rc = 2;
        } else if (added == -2) {
            fprintf(stderr, PROG ": %s\n", net_strerror(ENOMEM));
            rc = 1;
        }
    }
    if (rc == 0 && ferror(f)) {
        fprintf(stderr, PROG ": %s : %s\n", path, net_strerror(errno));
        rc = 2;
    }
    free(line);
    if (f != stdin)
        fclose(f);
    return rc;
}

/* No socket at all: every endpoint "answers" in 0.12 ms. */
static void attempt_once(const struct endpoint *ep, int timeout_ms,
                         struct outcome *out)
{
    (void)ep;
    (void)timeout_ms;
    memset(out, 0, sizeof *out);
    out->reachable = 1;
    out->latency_ms = 0.12;
}

/* Sleeps ms milliseconds (no network operation: nothing to wake up for). */
static void pause_ms(long long ms)
{
    struct timespec ts;

    ts.tv_sec = (time_t)(ms / 1000);
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        continue;
}

/* The course's robust_connect: the first attempt, then up to o->retries
 * more while it fails, waiting o->delay_ms × n before retry n (a linear
 * back-off: 1 × DELAY, 2 × DELAY, 3 × DELAY…). The outcome is the last
 * attempt's. */
static void check_endpoint(const struct endpoint *ep, const struct options *o,
                           struct outcome *out)
{
        long n;

    attempt_once(ep, o->timeout_ms, out);
    for (n = 1; !out->reachable && n <= o->retries; n++) {
        pause_ms((long long)o->delay_ms * n);
        attempt_once(ep, o->timeout_ms, out);
    }
}

/* "✓ host:port - 0.12 ms" or "✗ host:port - why" on stdout: "Timeout" when
 * nothing answered in time (the course's word), the resolver's message when
 * the name did not resolve, the connection error otherwise (net_strerror:
 * « connexion refusée »…). An IPv6 address is shown in brackets. */
static void print_outcome(const struct endpoint *ep, const struct outcome *out)
{
    const char *fmt = strchr(ep->host, ':') != NULL ? "%s [%s]:%s - " : "%s %s:%s - ";

    printf(fmt, out->reachable ? "✓" : "✗", ep->host, ep->port);
        if (out->reachable)
        printf("%.2f ms\n", out->latency_ms);
    else if (out->gai_err != 0)
        printf("%s\n", net_gai_strerror(out->gai_err));
    else if (out->err == ETIMEDOUT)
        printf("Timeout\n");
    else
        printf("%s\n", net_strerror(out->err));
    fflush(stdout);
}

int main(int argc, char **argv)
{
    struct options o = { 5000, 0, 1000 };
    struct endpoint_list list = { NULL, 0, 0 };
    struct outcome out;
    const char **files;
    size_t nfiles = 0, i;
    int opt, rc = 0, all_ok = 1;

    files = malloc((size_t)argc * sizeof *files);
    if (files == NULL) {
        fprintf(stderr, PROG ": %s\n", net_strerror(ENOMEM));
        return 1;
    }
    opterr = 0;
    while (rc == 0 && (opt = getopt(argc, argv, "t:r:d:f:h")) != -1) {
        switch (opt) {
        case 't':
            o.timeout_ms = parse_timeout_ms(optarg);
            if (o.timeout_ms < 0) {
                fprintf(stderr, PROG ": délai invalide : « %s » (secondes > 0,"
                                " décimales acceptées)\n", optarg);
                rc = 2;
            }
            break;
        case 'r':
            if (parse_long(optarg, 0, MAX_RETRIES, &o.retries) < 0) {
                fprintf(stderr, PROG ": nombre de réessais invalide : « %s »"
                                " (0 à %d)\n", optarg, MAX_RETRIES);
                rc = 2;
            }
            break;
        case 'd':
            o.delay_ms = parse_timeout_ms(optarg);
            if (o.delay_ms < 0) {
                fprintf(stderr, PROG ": attente invalide : « %s » (secondes > 0,"
                                " décimales acceptées)\n", optarg);
                rc = 2;
            }
            break;
        case 'f':
            files[nfiles++] = optarg;
            break;
        case 'h':
            usage(stdout);
            free(files);
            return 0;
        default: /* getopt's own message would be in English */
            fprintf(stderr, PROG ": option inconnue ou sans valeur : -%c\n",
                    optopt);
            usage(stderr);
            rc = 2;
        }
    }
    if (rc == 0 && nfiles == 0 && optind == argc) {
        usage(stderr);
        rc = 2;
    }
    /* The files' endpoints first, in the order of the -f options, then
     * those of the command line. */
    for (i = 0; rc == 0 && i < nfiles; i++)
        rc = read_endpoint_file(&list, files[i]);
    for (i = (size_t)optind; rc == 0 && i < (size_t)argc; i++) {
        int added = add_endpoint(&list, argv[i]);

        if (added == -1) {
            fprintf(stderr, PROG ": point d'accès invalide : « %s » (attendu :"
                            " HÔTE:PORT ou [IPv6]:PORT, port 1 à 65535)\n",
                    argv[i]);
            rc = 2;
        } else if (added == -2) {
            fprintf(stderr, PROG ": %s\n", net_strerror(ENOMEM));
            rc = 1;
        }
    }
    if (rc == 0 && list.n == 0) {
        fprintf(stderr, PROG ": aucun point d'accès à vérifier\n");
        rc = 2;
    }
    free(files);
    /* In the input order, one after the other, as the course's loop. */
    for (i = 0; rc == 0 && i < list.n; i++) {
        check_endpoint(&list.v[i], &o, &out);
        print_outcome(&list.v[i], &out);
        if (!out.reachable)
            all_ok = 0;
    }
    free(list.v);
    if (rc == 0 && (fflush(stdout) != 0 || ferror(stdout))) {
        fprintf(stderr, PROG ": écriture sur la sortie standard : %s\n",
                net_strerror(errno));
        rc = 1;
    }
    if (rc == 0 && !all_ok)
        rc = 1;
    return rc;
}
