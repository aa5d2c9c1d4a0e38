/* resolve — résolution de noms avec getaddrinfo et getnameinfo (§4). */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "net.h"

#define PROG "resolve"

static void usage(FILE *out)
{
    fprintf(out,
            "usage : " PROG " NOM [PORT]\n"
            "        " PROG " -r ADRESSE\n"
            "        " PROG " -l\n"
            "Affiche les adresses de NOM (getaddrinfo), le nom d'une ADRESSE\n"
            "(résolution inverse, getnameinfo) ou le nom de cette machine.\n"
            "  -r ADRESSE   résolution inverse d'une adresse IPv4 ou IPv6\n"
            "  -l           nom de la machine et nom complet (FQDN)\n"
            "  -h           affiche cette aide\n");
}

static const char *family_name(int family)
{
    return family == AF_INET ? "AF_INET" : family == AF_INET6 ? "AF_INET6" : "?";
}

/* The course's loop over socket.getaddrinfo(): one line per address, its
 * family then the socket address (with the port when one was given).
 * Returns the exit code. */
static int forward(const char *name, const char *port)
{
    /* TODO(lab 05): getaddrinfo(name, port, …) avec AF_UNSPEC et SOCK_STREAM
     * (une ligne par adresse, pas une par type de socket) ; pour chaque
     * résultat, afficher family_name() puis l'adresse : sockaddr_str avec un
     * port, sinon getnameinfo(NI_NUMERICHOST). Erreur : le message de
     * net_gai_strerror (en français), code 1. Libérer la liste.
     */
    (void)name; (void)port; (void)family_name;
    fprintf(stderr, PROG ": résolution non implémentée\n");
    return 1;
}

/* socket.gethostbyaddr(): the name of a numeric address. Returns the exit
 * code (2 when text is not an address at all). */
static int reverse(const char *text)
{
    struct sockaddr_storage ss;
    socklen_t len;
    char host[1025]; /* NI_MAXHOST, which POSIX does not define */
    int rc;

    memset(&ss, 0, sizeof ss);
    /* TODO(lab 05): remplir ss avec inet_pton (AF_INET dans un sockaddr_in,
     * sinon AF_INET6 dans un sockaddr_in6) ; ni l'un ni l'autre : erreur
     * d'usage, code 2. Puis getnameinfo avec NI_NAMEREQD (un nom, jamais
     * l'adresse recopiée) : afficher le nom, ou le message de
     * net_gai_strerror et code 1.
     */
    (void)text; (void)len; (void)host; (void)rc;
    fprintf(stderr, PROG ": résolution inverse non implémentée\n");
    return 1;
}

/* socket.gethostname() and socket.getfqdn(): the canonical name of the host
 * name (AI_CANONNAME), or the host name itself when it has none. */
static int local_names(void)
{
    char host[256];
    struct addrinfo hints, *res;

    /* TODO(lab 05): gethostname (erreur : message et code 1), afficher
     * « Nom de la machine : NOM » ; puis getaddrinfo(NOM, NULL, …) avec
     * AI_CANONNAME : « Nom complet (FQDN) : » suivi de ai_canonname, ou du
     * nom de la machine si la résolution échoue ou n'en donne pas.
     */
    (void)host; (void)hints; (void)res;
    fprintf(stderr, PROG ": -l non implémenté\n");
    return 1;
}

int main(int argc, char **argv)
{
    int opt, mode = 0;
    const char *addr = NULL;

    opterr = 0;
    while ((opt = getopt(argc, argv, "r:lh")) != -1) {
        switch (opt) {
        case 'r':
            mode = 'r';
            addr = optarg;
            break;
        case 'l':
            mode = 'l';
            break;
        case 'h':
            usage(stdout);
            return 0;
        default: /* getopt's own message would be in English */
            fprintf(stderr, PROG ": option inconnue ou sans valeur : -%c\n",
                    optopt);
            usage(stderr);
            return 2;
        }
    }
    if (mode == 'r' && optind == argc)
        return reverse(addr);
    if (mode == 'l' && optind == argc)
        return local_names();
    if (mode != 0 || argc - optind < 1 || argc - optind > 2) {
        usage(stderr);
        return 2;
    }
    if (argc - optind == 2 && parse_port(argv[optind + 1], 0) < 0) {
        fprintf(stderr, PROG ": port invalide : « %s » (attendu : 1 à 65535)\n",
                argv[optind + 1]);
        return 2;
    }
    return forward(argv[optind], argc - optind == 2 ? argv[optind + 1] : NULL);
}
