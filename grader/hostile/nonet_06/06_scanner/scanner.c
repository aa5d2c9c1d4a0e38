#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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

/* Hostile: a scanner with no socket code at all. It validates its options
 * like the reference, then reads the kernel's tables (/proc/net/tcp and
 * tcp6 of the lab's network namespace): a port that listens on the target
 * address (or a wildcard) is "open", one whose accept queue is not empty
 * is "filtered" (it waits -t for it, as a real scan would), the rest are
 * "closed". It must score no more than the usage-error tests. */

/* 0 closed, 1 open, 2 filtered: port's state as /proc/net shows it. */
static unsigned char guess[65536];

static int hexval(const char *s, size_t n)
{
    int v = 0;
    size_t i;

    for (i = 0; i < n; i++)
        v = v * 16 + (s[i] <= '9' ? s[i] - '0' : (s[i] | 32) - 'a' + 10);
    return v;
}

static void read_table(const char *file, int v6, const char *host)
{
    char line[512], local[128], rem[128], queues[64];
    unsigned st, txq, rxq;
    FILE *f = fopen(file, "r");
    int loop6 = strcmp(host, "::1") == 0;

    if (f == NULL)
        return;
    while (fgets(line, sizeof line, f) != NULL) {
        char *colon;
        int port, any, lo;
        if (sscanf(line, " %*s %127s %127s %x %63s", local, rem, &st, queues) != 4 || st != 0x0A)
            continue;
        colon = strrchr(local, ':');
        if (colon == NULL)
            continue;
        port = hexval(colon + 1, strlen(colon + 1));
        any = strspn(local, "0") == (size_t)(colon - local);
        lo = v6 ? strncmp(local, "00000000000000000000000001000000", 32) == 0
                : strncmp(local, "0100007F", 8) == 0;
        if (!any && !(lo && (v6 == loop6)))
            continue;
        if (sscanf(queues, "%x:%x", &txq, &rxq) == 2 && rxq > 0)
            guess[port] = 2;
        else if (guess[port] == 0)
            guess[port] = 1;
    }
    fclose(f);
}

static int fake_scan(const unsigned char *set, const char *host, int json, int timeout_ms)
{
    long open = 0, closed = 0, filtered = 0, p;
    const char *sep = "";
    struct timespec ts;

    read_table("/proc/net/tcp", 0, host);
    read_table("/proc/net/tcp6", 1, host);
    for (p = 1; p <= 65535; p++) {
        if (!PORT_SET_HAS(set, p))
            continue;
        if (guess[p] == 1)
            open++;
        else if (guess[p] == 2)
            filtered++;
        else
            closed++;
    }
    if (filtered > 0) {
        ts.tv_sec = timeout_ms / 1000;
        ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000L;
        nanosleep(&ts, NULL);
    }
    if (json) {
        printf("{\"host\": \"%s\", \"open\": [", host);
        for (p = 1; p <= 65535; p++)
            if (PORT_SET_HAS(set, p) && guess[p] == 1) {
                printf("%s%ld", sep, p);
                sep = ", ";
            }
        printf("], \"closed_count\": %ld, \"filtered_count\": %ld}\n", closed, filtered);
        return 0;
    }
    for (p = 1; p <= 65535; p++)
        if (PORT_SET_HAS(set, p) && guess[p] == 1) {
            struct servent *se = getservbyport(htons((uint16_t)p), "tcp");
            printf("%ld/tcp %s\n", p, se != NULL ? se->s_name : "inconnu");
        }
    printf("%ld ouverts, %ld fermés, %ld filtrés en %.2f s\n", open, closed, filtered,
           filtered > 0 ? timeout_ms / 1000.0 : 0.01);
    return 0;
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
    (void)workers; (void)rc;
    if (strcmp(argv[optind], "nom..invalide") == 0) {
        fprintf(stderr, PROG ": %s : nom ou service inconnu\n", argv[optind]);
        return 1;
    }
    return fake_scan(set, strcmp(argv[optind], "localhost") == 0 ? "127.0.0.1" : argv[optind], json, s.timeout_ms);
}
