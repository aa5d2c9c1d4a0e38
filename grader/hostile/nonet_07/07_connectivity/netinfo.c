/* Hostile (no network): netinfo without a socket nor getifaddrs (whose
 * netlink socket is network code too): lo's plausible lines, -i lo, and a
 * clean error for any other name. It must score nothing but the usage
 * tests. */
#define _DEFAULT_SOURCE
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PROG "netinfo"

static void usage(FILE *out) { fprintf(out, "usage : " PROG " [-i INTERFACE]\n"); }

int main(int argc, char **argv)
{
    const char *iface = NULL;
    int opt;

    opterr = 0;
    while ((opt = getopt(argc, argv, "i:h")) != -1) {
        switch (opt) {
        case 'i': iface = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    if (iface != NULL) {
        if (iface[0] == '\0' || strlen(iface) >= IFNAMSIZ) {
            fprintf(stderr, PROG ": nom d'interface invalide\n");
            return 2;
        }
        if (strcmp(iface, "lo") == 0) {
            printf("127.0.0.1\n");
            return 0;
        }
        fprintf(stderr, PROG ": %s : interface inconnue\n", iface);
        return 1;
    }
    printf("IP locale : 127.0.0.1\n"
           "lo : AF_INET 127.0.0.1 masque 255.0.0.0 <UP,LOOPBACK,RUNNING>\n"
           "lo : AF_INET6 ::1 masque ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff <UP,LOOPBACK,RUNNING>\n");
    return 0;
}
