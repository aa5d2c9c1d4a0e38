/* dnsquery — résolveur DNS minimal : requête faite à la main, réponse vérifiée (§5). */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "dns_parse.h"
#include "io.h"
#include "net.h"

#define PROG "dnsquery"
/* A DNS reply over UDP is at most 512 bytes without EDNS, but a datagram
 * can hold 65535: read it whole rather than cut it. */
#define BUF_SIZE 65536

static void usage(FILE *out)
{
    fprintf(out,
            "usage : " PROG " [-s SERVEUR] [-p PORT] [-t SECONDES] [-T A|AAAA] NOM\n"
            "Interroge un serveur DNS en UDP et affiche les adresses de NOM.\n"
            "  -s SERVEUR   serveur DNS (défaut : le premier « nameserver » de\n"
            "               /etc/resolv.conf)\n"
            "  -p PORT      port du serveur (défaut : 53)\n"
            "  -t SECONDES  attente de la réponse (défaut : 5)\n"
            "  -T TYPE      A (IPv4, défaut) ou AAAA (IPv6)\n"
            "  -h           affiche cette aide\n");
}

/* The first "nameserver ADDRESS" of /etc/resolv.conf into buf, or
 * 127.0.0.1 as the C library does when there is none. */
static void default_server(char *buf, size_t size)
{
    char line[512], addr[256];
    FILE *f = fopen("/etc/resolv.conf", "r");

    snprintf(buf, size, "127.0.0.1");
    if (f == NULL)
        return;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, " nameserver %255s", addr) == 1) {
            snprintf(buf, size, "%s", addr);
            break;
        }
    fclose(f);
}

/* A query ID nobody can guess (an off-path attacker must match it to forge
 * a reply): the kernel's random source, never time(). */
static int random_id(uint16_t *id)
{
    /* TODO(lab 05): remplir id avec getrandom(id, sizeof *id, 0) (ou lire
     * /dev/urandom) ; renvoyer 0, ou -1 si la source aléatoire échoue. Le
     * b"\xaa\xbb" fixe du cours se devine : n'importe qui forge la réponse.
     */
    *id = 0xaabb;
    return 0;
}

/* Prints the CNAMEs and the addresses of the asked type, one per line.
 * Returns how many addresses were printed. */
static int print_answers(const struct dns_reply *r, uint16_t qtype)
{
    size_t i;
    int found = 0;

    for (i = 0; i < r->nrecords; i++) {
        const struct dns_record *rec = &r->an[i];
        if (rec->type == DNS_TYPE_CNAME)
            printf("%s CNAME %s (TTL %lu s)\n", rec->name, rec->data,
                   (unsigned long)rec->ttl);
        else if (rec->type == qtype && rec->rclass == DNS_CLASS_IN) {
            printf("%s %s %s (TTL %lu s)\n", rec->name,
                   qtype == DNS_TYPE_A ? "A" : "AAAA", rec->data,
                   (unsigned long)rec->ttl);
            found++;
        }
    }
    return found;
}

/* Waits for the reply to our query until the deadline: a datagram with
 * another ID, QR unset or another question is someone else's (or a
 * forgery) and the wait goes on, as c-ares does. Returns the exit code. */
static int await_reply(int fd, uint16_t id, const char *name, uint16_t qtype,
                       int timeout_ms)
{
    static unsigned char buf[BUF_SIZE];
    static struct dns_reply r;
    double deadline = now_ms() + timeout_ms;
    enum dns_status st;
    ssize_t n;

    /* TODO(lab 05): boucle jusqu'à l'échéance : recv_timeout (temps restant)
     * puis dns_parse_reply. Ignorer (et continuer d'attendre) ce qui ne
     * répond pas à notre requête : en-tête incomplet, autre ID, QR à 0,
     * autre question (dns_reply_matches). Puis, dans l'ordre : TC → « réponse
     * tronquée » ; erreur d'analyse → « réponse invalide : … » ; RCODE 3
     * (NXDOMAIN), 2 (SERVFAIL) ou autre ; sinon print_answers, « aucun
     * enregistrement » s'il n'y a rien du type demandé. Codes : 0 si au
     * moins une adresse, 1 sinon (délai dépassé compris).
     */
    (void)fd; (void)id; (void)name; (void)qtype; (void)timeout_ms;
    (void)buf; (void)r; (void)deadline; (void)st; (void)n;
    (void)print_answers;
    fprintf(stderr, PROG ": analyse de la réponse non implémentée\n");
    return 1;
}

/* A UDP socket connected to server:port: the kernel then drops datagrams
 * from any other address, and reports a closed port as ECONNREFUSED.
 * Returns it, or -1 after printing why. */
static int open_socket(const char *server, const char *port)
{
    struct addrinfo hints, *res;
    int fd, rc;
    char addr[ADDR_STR_LEN];

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_NUMERICHOST;
    rc = getaddrinfo(server, port, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, PROG ": serveur « %s » : %s (une adresse IP est"
                        " attendue)\n", server, net_gai_strerror(rc));
        return -1;
    }
    fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC,
                res->ai_protocol);
    if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) < 0) {
        rc = errno;
        close(fd);
        fd = -1;
        errno = rc;
    }
    if (fd < 0)
        fprintf(stderr, PROG ": %s : %s\n",
                sockaddr_str(res->ai_addr, res->ai_addrlen, addr, sizeof addr),
                net_strerror(errno));
    freeaddrinfo(res);
    return fd;
}

int main(int argc, char **argv)
{
    char server[256] = "", query[DNS_HEADER_LEN + DNS_MAX_WIRE_NAME + 4];
    const char *port = "53", *name;
    int opt, timeout_ms = 5000, fd, rc;
    uint16_t qtype = DNS_TYPE_A, id;
    size_t qlen;
    enum dns_status st;

    opterr = 0;
    while ((opt = getopt(argc, argv, "s:p:t:T:h")) != -1) {
        switch (opt) {
        case 's':
            snprintf(server, sizeof server, "%s", optarg);
            break;
        case 'p':
            port = optarg;
            if (parse_port(port, 0) < 0) {
                fprintf(stderr, PROG ": port invalide : « %s » (attendu : 1 à"
                                " 65535)\n", port);
                return 2;
            }
            break;
        case 't':
            timeout_ms = parse_timeout_ms(optarg);
            if (timeout_ms < 0) {
                fprintf(stderr, PROG ": délai invalide : « %s » (secondes > 0,"
                                " décimales acceptées)\n", optarg);
                return 2;
            }
            break;
        case 'T':
            if (strcmp(optarg, "A") == 0) {
                qtype = DNS_TYPE_A;
            } else if (strcmp(optarg, "AAAA") == 0) {
                qtype = DNS_TYPE_AAAA;
            } else {
                fprintf(stderr, PROG ": type invalide : « %s » (A ou AAAA)\n",
                        optarg);
                return 2;
            }
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
    if (argc - optind != 1) {
        usage(stderr);
        return 2;
    }
    name = argv[optind];
    if (random_id(&id) < 0) {
        fprintf(stderr, PROG ": source aléatoire : %s\n", net_strerror(errno));
        return 1;
    }
    /* A bad name is the user's mistake: nothing is sent. */
    st = dns_build_query(id, name, qtype, (unsigned char *)query, sizeof query,
                         &qlen);
    if (st != DNS_OK) {
        fprintf(stderr, PROG ": nom invalide « %s » : %s (63 octets au plus"
                        " par étiquette, 253 en tout)\n", name, dns_strerror(st));
        return 2;
    }
    if (server[0] == '\0')
        default_server(server, sizeof server);
    fd = open_socket(server, port);
    if (fd < 0)
        return 1;
    if (send(fd, query, qlen, 0) < 0) {
        fprintf(stderr, PROG ": envoi : %s\n", net_strerror(errno));
        rc = 1;
    } else {
        rc = await_reply(fd, id, name, qtype, timeout_ms);
    }
    close(fd);
    return rc;
}
