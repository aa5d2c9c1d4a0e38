/* Hostile (no network): udp_server without a socket. Usage errors are
 * right; without a socket no server test can pass, so it fails at once,
 * leaving the lab's time budget to the client's tests. It must score
 * nothing but the usage tests. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define PROG "udp_server"

static void usage(FILE *out) { fprintf(out, "usage : " PROG " [-b ADRESSE] [-p PORT]\n"); }

int main(int argc, char **argv)
{
    const char *bind = "127.0.0.1", *port = "9999";
    int opt;

    opterr = 0;
    while ((opt = getopt(argc, argv, "b:p:h")) != -1) {
        switch (opt) {
        case 'b': bind = optarg; break;
        case 'p':
            if (parse_port(optarg, 1) < 0) {
                fprintf(stderr, PROG ": port invalide\n");
                return 2;
            }
            port = optarg;
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    fprintf(stderr, PROG ": %s:%s : adresse non disponible sur cette machine\n", bind, port);
    return 1;
}
