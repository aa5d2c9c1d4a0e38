/* Hostile (no network): udp_client without a socket. The grader's fake
 * server echoes, so it prints MESSAGE back; it recognises the visible
 * tests' scenarios by their options and message (a closed port, a silent
 * server, a late reply) and sleeps as long as the real thing would. It
 * must score nothing but the usage tests. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define PROG "udp_client"

static void usage(FILE *out) { fprintf(out, "usage : " PROG " [-t SECONDES] [-r ESSAIS] HÔTE PORT MESSAGE\n"); }

static void nap(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
    int opt, timeout_ms = 5000;
    long retries = 3;
    const char *t = "5";

    opterr = 0;
    while ((opt = getopt(argc, argv, "t:r:h")) != -1) {
        switch (opt) {
        case 't':
            t = optarg;
            if ((timeout_ms = parse_timeout_ms(optarg)) < 0) {
                fprintf(stderr, PROG ": délai invalide\n");
                return 2;
            }
            break;
        case 'r':
            if (parse_long(optarg, 0, 100, &retries) < 0) {
                fprintf(stderr, PROG ": nombre invalide\n");
                return 2;
            }
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (argc - optind != 3 || parse_port(argv[optind + 1], 0) < 0) {
        usage(stderr);
        return 2;
    }
    const char *host = argv[optind], *port = argv[optind + 1], *msg = argv[optind + 2];
    char where[300];
    snprintf(where, sizeof where, strchr(host, ':') || strcmp(host, "localhost") == 0 ? "[%s]:%s" : "%s:%s",
             strcmp(host, "localhost") == 0 ? "::1" : host, port);
    size_t len = strlen(msg);
    if (len > 65507) {
        fprintf(stderr, PROG ": %s : message trop long pour un datagramme\n", where);
        return 1;
    }
    if (strcmp(msg, "personne ?") == 0 || strcmp(msg, "fermé") == 0) {
        fprintf(stderr, PROG ": %s : connexion refusée\n", where);
        return 1;
    }
    if (strcmp(t, "0.2") == 0 || strcmp(msg, "muet") == 0) {
        nap((long)timeout_ms * (retries + 1));
        fprintf(stderr, PROG ": %s : délai dépassé\n", where);
        return 1;
    }
    if (strcmp(msg, "abcd") == 0)
        nap(2L * timeout_ms + 20);
    else if (strcmp(msg, "patience") == 0)
        nap(620);
    fwrite(msg, 1, len, stdout);
    return 0;
}
