/* netinfo — adresse locale des connexions sortantes et interfaces réseau
 * (§6 « Informations Réseau Locales »). */
/* getifaddrs, struct ifreq, SIOCGIFADDR and the IFF_* flags are not POSIX. */
#define _DEFAULT_SOURCE

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net.h"

#define PROG "netinfo"
/* Where the UDP socket is "connected" to learn the outgoing address: an
 * address of the documentation range (RFC 5737), routed like any other by
 * the default route. A UDP connect() only chooses the route and the local
 * address: no packet leaves, unlike a TCP connect. */
#define PROBE_ADDR "198.51.100.1"
#define PROBE_PORT 9
#define FALLBACK_ADDR "127.0.0.1"

static void usage(FILE *out)
{
    fprintf(out,
            "usage : " PROG " [-i INTERFACE]\n"
            "Affiche l'adresse IPv4 locale des connexions sortantes, puis\n"
            "chaque adresse de chaque interface (famille, masque, drapeaux).\n"
            "  -i INTERFACE  seulement l'adresse IPv4 de INTERFACE\n"
            "  -h            affiche cette aide\n");
}

/* The course's get_local_ip: connects a UDP socket toward PROBE_ADDR (no
 * packet is sent) and reads the local address the kernel chose with
 * getsockname. Without a route (or on any failure), 127.0.0.1, as the
 * course does. buf receives the text. */
static void local_ip(char *buf, size_t size)
{
    /* TODO(lab 07): socket(AF_INET, SOCK_DGRAM), connect() vers PROBE_ADDR
     * port PROBE_PORT (un sockaddr_in rempli avec inet_pton et htons), puis
     * getsockname et inet_ntop dans buf. Au moindre échec (pas de route :
     * ENETUNREACH), FALLBACK_ADDR. Fermer la socket.
     */
    snprintf(buf, size, "%s", FALLBACK_ADDR);
}

/* The interface flags shown, in the order of their bits. */
static const struct {
    unsigned flag;
    const char *name;
} FLAGS[] = {
    { IFF_UP, "UP" },           { IFF_BROADCAST, "BROADCAST" },
    { IFF_LOOPBACK, "LOOPBACK" }, { IFF_POINTOPOINT, "POINTOPOINT" },
    { IFF_RUNNING, "RUNNING" },   { IFF_NOARP, "NOARP" },
    { IFF_PROMISC, "PROMISC" },   { IFF_ALLMULTI, "ALLMULTI" },
    { IFF_MULTICAST, "MULTICAST" },
};

/* Writes the names of the flags set, separated by commas, into buf (empty
 * when none is). */
static void flags_str(unsigned flags, char *buf, size_t size)
{
    size_t i, used = 0;
    int n;

    buf[0] = '\0';
    for (i = 0; i < sizeof FLAGS / sizeof FLAGS[0]; i++) {
        if (!(flags & FLAGS[i].flag))
            continue;
        n = snprintf(buf + used, size - used, "%s%s", used ? "," : "",
                     FLAGS[i].name);
        if (n < 0 || (size_t)n >= size - used)
            return;
        used += (size_t)n;
    }
}

/* Numeric text of an address (IPv6 link-local with its %scope), or "?". */
static void addr_text(const struct sockaddr *sa, char *buf, size_t size)
{
    socklen_t len = sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                              : sizeof(struct sockaddr_in);

    if (getnameinfo(sa, len, buf, (socklen_t)size, NULL, 0, NI_NUMERICHOST) != 0)
        snprintf(buf, size, "?");
}

/* One line per IPv4 or IPv6 address of every interface, in the order
 * getifaddrs gives them: "NAME : FAMILY ADDRESS masque MASK <FLAGS>".
 * Entries without an address, or of another family (AF_PACKET: the
 * link layer), are skipped. Returns 0, or -1 with errno. */
static int list_interfaces(void)
{
    char addr[ADDR_STR_LEN], mask[ADDR_STR_LEN], flags[128];

    /* TODO(lab 07): getifaddrs ; pour chaque entrée dont ifa_addr est
     * AF_INET ou AF_INET6 : le nom, la famille (« AF_INET », « AF_INET6 »),
     * l'adresse et le masque (addr_text ; un masque absent : « ? »), les
     * drapeaux (flags_str de ifa_flags). freeifaddrs.
     */
    (void)addr; (void)mask; (void)flags; (void)flags_str; (void)addr_text;
    errno = ENOSYS;
    return -1;
}

/* The course's get_interface_ip: the IPv4 address of one interface, with
 * ioctl(SIOCGIFADDR). Prints it and returns 0, or returns -1 with errno
 * (ENODEV: no such interface; EADDRNOTAVAIL: it has no IPv4 address). */
static int interface_ip(const char *name)
{
    struct ifreq ifr;
    char buf[INET_ADDRSTRLEN];

    memset(&ifr, 0, sizeof ifr);
    /* TODO(lab 07): copier name dans ifr.ifr_name (main a vérifié qu'il
     * tient), ifr.ifr_addr.sa_family = AF_INET ; une socket AF_INET
     * SOCK_DGRAM, ioctl(fd, SIOCGIFADDR, &ifr), fermer la socket en gardant
     * errno ; afficher l'adresse de ifr.ifr_addr (un sockaddr_in) avec
     * inet_ntop.
     */
    (void)name; (void)buf;
    errno = ENOSYS;
    return -1;
}

int main(int argc, char **argv)
{
    const char *iface = NULL;
    char local[INET_ADDRSTRLEN];
    int opt, rc = 0;

    opterr = 0;
    while ((opt = getopt(argc, argv, "i:h")) != -1) {
        switch (opt) {
        case 'i':
            iface = optarg;
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
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    if (iface != NULL) {
        if (iface[0] == '\0' || strlen(iface) >= IFNAMSIZ ||
            strchr(iface, '/') != NULL) {
            fprintf(stderr, PROG ": nom d'interface invalide : « %s » (1 à %d"
                            " caractères)\n", iface, IFNAMSIZ - 1);
            return 2;
        }
        if (interface_ip(iface) < 0) {
            if (errno == ENODEV)
                fprintf(stderr, PROG ": %s : interface inconnue\n", iface);
            else if (errno == EADDRNOTAVAIL)
                fprintf(stderr, PROG ": %s : pas d'adresse IPv4\n", iface);
            else
                fprintf(stderr, PROG ": %s : %s\n", iface, net_strerror(errno));
            return 1;
        }
    } else {
        local_ip(local, sizeof local);
        printf("IP locale : %s\n", local);
        if (list_interfaces() < 0) {
            fprintf(stderr, PROG ": getifaddrs : %s\n", net_strerror(errno));
            rc = 1;
        }
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, PROG ": écriture sur la sortie standard : %s\n",
                net_strerror(errno));
        rc = 1;
    }
    return rc;
}
