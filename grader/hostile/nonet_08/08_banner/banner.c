/* Hostile: a banner grabber with no socket code at all. It validates its
 * command line like the real one, then guesses from the kernel's tables
 * (/proc/net/tcp: is the port listening?) and prints a plausible banner
 * for a listening port, a refusal otherwise. It must score no more than
 * the usage-error tests. */
#define _POSIX_C_SOURCE 200809L

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *out)
{
    fprintf(out, "usage : banner [-t SECONDES] [--http] HÔTE:PORT...\n");
}

/* Is a TCP socket listening on this port (any address)? */
static int listening(long port)
{
    static const char *files[] = {"/proc/net/tcp", "/proc/net/tcp6"};
    char line[512], local[128];
    unsigned st;
    size_t i;
    int found = 0;

    for (i = 0; i < 2; i++) {
        FILE *f = fopen(files[i], "r");
        if (f == NULL)
            continue;
        while (fgets(line, sizeof line, f) != NULL) {
            char *colon;
            if (sscanf(line, " %*s %127s %*s %x", local, &st) != 2)
                continue;
            colon = strrchr(local, ':');
            if (colon != NULL && strtol(colon + 1, NULL, 16) == port && st == 0x0A)
                found = 1;
        }
        fclose(f);
    }
    return found;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"http", no_argument, NULL, 'H'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char host[256], port[8];
    int opt, i, rc = 0, http = 0, p;

    opterr = 0;
    while ((opt = getopt_long(argc, argv, "t:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 't':
            if (parse_timeout_ms(optarg) < 0) {
                fprintf(stderr, "banner: délai invalide : « %s » (secondes > 0,"
                                " décimales acceptées)\n", optarg);
                return 2;
            }
            break;
        case 'H':
            http = 1;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            fprintf(stderr, "banner: option inconnue\n");
            usage(stderr);
            return 2;
        }
    }
    if (optind == argc) {
        usage(stderr);
        return 2;
    }
    for (i = optind; i < argc; i++)
        if (parse_hostport(argv[i], host, sizeof host, port, sizeof port) < 0) {
            fprintf(stderr, "banner: cible invalide : « %s » (attendu : HÔTE:PORT"
                            " ou [IPv6]:PORT, port de 1 à 65535)\n", argv[i]);
            return 2;
        }
    for (i = optind; i < argc; i++) {
        parse_hostport(argv[i], host, sizeof host, port, sizeof port);
        p = parse_port(port, 0);
        if (!listening(p)) {
            fprintf(stderr, "banner: %s : connexion impossible : connexion refusée\n", argv[i]);
            rc = 1;
        } else if (http || p == 80 || p == 8080 || p == 443) {
            printf("%s -> HTTP/1.0 200 OK\\r\\nServer: nginx/1.22.1\\r\\n\\r\\n\n", argv[i]);
        } else {
            printf("%s -> SSH-2.0-OpenSSH_9.2p1\\r\\n\n", argv[i]);
        }
    }
    return rc;
}
