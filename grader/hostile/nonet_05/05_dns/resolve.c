/* Hostile (no network, no resolver): resolve that reads /etc/hosts itself
 * instead of calling getaddrinfo/getnameinfo, and prints the names the
 * visible tests use. It must score nothing but the usage tests. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cli.h"

#define PROG "resolve"

static void usage(FILE *out)
{
    fprintf(out, "usage : " PROG " NOM [PORT] | -r ADRESSE | -l\n");
}

/* Each "ADDRESS NAME…" line of /etc/hosts: calls fn for the matches. */
static int scan(const char *name, const char *addr, const char *port)
{
    char line[1024], *tok, *save, *a;
    int found = 0;
    FILE *f = fopen("/etc/hosts", "r");

    if (f == NULL)
        return 0;
    while (fgets(line, sizeof line, f) != NULL) {
        char *hash = strchr(line, '#');
        if (hash != NULL)
            *hash = '\0';
        a = strtok_r(line, " \t\n", &save);
        if (a == NULL)
            continue;
        int v6 = strchr(a, ':') != NULL, first = 1;
        while ((tok = strtok_r(NULL, " \t\n", &save)) != NULL) {
            if (name != NULL && strcmp(tok, name) == 0) {
                if (port == NULL)
                    printf("%s %s\n", v6 ? "AF_INET6" : "AF_INET", a);
                else if (v6)
                    printf("AF_INET6 [%s]:%s\n", a, port);
                else
                    printf("AF_INET %s:%s\n", a, port);
                found = 1;
                break;
            }
            if (addr != NULL && first && strcmp(a, addr) == 0) {
                printf("%s\n", tok);
                fclose(f);
                return 1;
            }
            first = 0;
        }
    }
    fclose(f);
    return found;
}

int main(int argc, char **argv)
{
    int opt, mode = 0;
    const char *addr = NULL;
    unsigned char buf[16];

    opterr = 0;
    while ((opt = getopt(argc, argv, "r:lh")) != -1) {
        switch (opt) {
        case 'r': mode = 'r'; addr = optarg; break;
        case 'l': mode = 'l'; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (mode == 'r' && optind == argc) {
        if (inet_pton(AF_INET, addr, buf) != 1 && inet_pton(AF_INET6, addr, buf) != 1) {
            fprintf(stderr, PROG ": « %s » n'est pas une adresse\n", addr);
            return 2;
        }
        if (scan(NULL, addr, NULL))
            return 0;
        fprintf(stderr, PROG ": %s : nom ou service inconnu\n", addr);
        return 1;
    }
    if (mode == 'l' && optind == argc) {
        struct utsname u;
        uname(&u);
        printf("Nom de la machine : %s\nNom complet (FQDN) : %s\n", u.nodename, u.nodename);
        return 0;
    }
    if (mode != 0 || argc - optind < 1 || argc - optind > 2) {
        usage(stderr);
        return 2;
    }
    const char *port = argc - optind == 2 ? argv[optind + 1] : NULL;
    if (port != NULL && parse_port(port, 0) < 0) {
        fprintf(stderr, PROG ": port invalide\n");
        return 2;
    }
    const char *name = argv[optind];
    if (inet_pton(AF_INET, name, buf) == 1) {
        printf(port ? "AF_INET %s:%s\n" : "AF_INET %s\n", name, port);
        return 0;
    }
    if (scan(name, NULL, port))
        return 0;
    fprintf(stderr, PROG ": %s : nom ou service inconnu\n", name);
    return 1;
}
