/* Hostile (no network): dnsquery that never opens a socket. It checks the
 * name as the statement says, then prints what the visible tests expect for
 * each name, sleeping through the timeouts. It must score nothing but the
 * usage tests. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define PROG "dnsquery"

/* Labels of 1 to 63 bytes, 253 characters at most (a final dot allowed). */
static int valid_name(const char *name)
{
    size_t n = strlen(name), label = 0, i;

    if (n > 0 && name[n - 1] == '.')
        n--;
    if (n == 0 || n > 253)
        return 0;
    for (i = 0; i <= n; i++) {
        if (i == n || name[i] == '.') {
            if (label == 0 || label > 63)
                return 0;
            label = 0;
        } else {
            label++;
        }
    }
    return 1;
}

static void nap(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

struct canned {
    const char *name;
    int aaaa; /* -T AAAA */
    int rc;
    const char *out, *err;
};

static const struct canned table[] = {
    {"multi.test", 0, 0, "multi.test A 192.0.2.1 (TTL 300 s)\nmulti.test A 192.0.2.2 (TTL 300 s)\nmulti.test A 192.0.2.3 (TTL 300 s)\n", NULL},
    {"multi.test", 1, 1, NULL, "aucun enregistrement AAAA"},
    {"v6.test", 1, 0, "v6.test AAAA 2001:db8::1 (TTL 600 s)\nv6.test AAAA 2001:db8::2 (TTL 600 s)\n", NULL},
    {"v6.test", 0, 1, NULL, "aucun enregistrement A"},
    {"alias.test", 0, 0, "alias.test CNAME mid.alias.test (TTL 60 s)\nmid.alias.test CNAME final.test (TTL 60 s)\nfinal.test A 192.0.2.10 (TTL 120 s)\n", NULL},
    {"plain.test", 0, 0, "plain.test A 192.0.2.20 (TTL 30 s)\nplain.test A 192.0.2.21 (TTL 30 s)\n", NULL},
    {"decoy.test", 0, 0, "decoy.test A 192.0.2.30 (TTL 300 s)\n", NULL},
    {"nx.test", -1, 1, NULL, "domaine inexistant (NXDOMAIN)"},
    {"fail.test", -1, 1, NULL, "échec du serveur (SERVFAIL)"},
    {"refused.test", -1, 1, NULL, "erreur du serveur (RCODE 5)"},
    {"tc.test", -1, 1, NULL, "réponse tronquée (TC)"},
};

static const char *hostile[] = {"loop", "self", "fwd", "past", "longlabel",
                                "longname", "count", "cut", "rdlen"};

int main(int argc, char **argv)
{
    int opt, timeout_ms = 5000, aaaa = 0;
    size_t i;
    const char *name;

    opterr = 0;
    while ((opt = getopt(argc, argv, "s:p:t:T:h")) != -1) {
        switch (opt) {
        case 's':
            break;
        case 'p':
            if (parse_port(optarg, 0) < 0) {
                fprintf(stderr, PROG ": port invalide\n");
                return 2;
            }
            break;
        case 't':
            timeout_ms = parse_timeout_ms(optarg);
            if (timeout_ms < 0) {
                fprintf(stderr, PROG ": délai invalide\n");
                return 2;
            }
            break;
        case 'T':
            if (strcmp(optarg, "A") == 0)
                aaaa = 0;
            else if (strcmp(optarg, "AAAA") == 0)
                aaaa = 1;
            else {
                fprintf(stderr, PROG ": type invalide\n");
                return 2;
            }
            break;
        case 'h':
            printf("usage : " PROG " [-s SERVEUR] [-p PORT] [-t SECONDES] [-T A|AAAA] NOM\n");
            return 0;
        default:
            fprintf(stderr, "usage : " PROG " [-s SERVEUR] [-p PORT] [-t SECONDES] [-T A|AAAA] NOM\n");
            return 2;
        }
    }
    if (argc - optind != 1) {
        fprintf(stderr, "usage : " PROG " NOM\n");
        return 2;
    }
    name = argv[optind];
    if (!valid_name(name)) {
        fprintf(stderr, PROG ": nom invalide « %s »\n", name);
        return 2;
    }
    for (i = 0; i < sizeof table / sizeof table[0]; i++) {
        const struct canned *c = &table[i];
        if (strcmp(c->name, name) != 0 || (c->aaaa >= 0 && c->aaaa != aaaa))
            continue;
        nap(5);
        if (c->out != NULL)
            fputs(c->out, stdout);
        if (c->err != NULL)
            fprintf(stderr, PROG ": %s : %s\n", name, c->err);
        return c->rc;
    }
    for (i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        size_t n = strlen(hostile[i]);
        if (strncmp(name, hostile[i], n) == 0 && strcmp(name + n, ".test") == 0) {
            fprintf(stderr, PROG ": %s : réponse invalide : message coupé\n", name);
            return 1;
        }
    }
    if (strcmp(name, "silent.test") == 0 || strcmp(name, "empty.test") == 0) {
        nap(timeout_ms);
        fprintf(stderr, PROG ": %s : délai dépassé\n", name);
        return 1;
    }
    /* Every other name: what the fake server says of unknown names. */
    fprintf(stderr, PROG ": %s : domaine inexistant (NXDOMAIN)\n", name);
    return 1;
}
