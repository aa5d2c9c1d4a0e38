/* udp_server — renvoie chaque datagramme en majuscules à son expéditeur (§3). */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "io.h"
#include "net.h"

#define PROG "udp_server"
/* The largest UDP payload over IPv4 (65535 - 20 - 8); one more byte of
 * room tells a larger IPv6 datagram apart (MSG_TRUNC). */
#define MAX_DGRAM 65507
/* Bytes of a datagram shown in the log line; the rest is counted. */
#define LOG_BYTES 64

static void usage(FILE *out)
{
    fprintf(out,
            "usage : " PROG " [-b ADRESSE] [-p PORT]\n"
            "Serveur UDP : renvoie chaque datagramme reçu, en majuscules,\n"
            "à son expéditeur.\n"
            "  -b ADRESSE   adresse d'écoute (défaut : 127.0.0.1 ; 0.0.0.0 expose\n"
            "               le serveur au réseau)\n"
            "  -p PORT      port d'écoute (défaut : 9999 ; 0 : port libre au hasard)\n"
            "  -h           affiche cette aide\n"
            "Arrêt propre avec Ctrl-C (SIGINT) ou SIGTERM.\n");
}

/* Logs "Reçu de ADDR: DATA": bytes outside printable ASCII are escaped
 * (\n, \xHH…), so that a datagram cannot drive the terminal; a long
 * datagram is cut and its size given. */
static void log_datagram(const char *addr, const unsigned char *data,
                         size_t len)
{
    size_t i, shown = len < LOG_BYTES ? len : LOG_BYTES;

    printf("Reçu de %s: ", addr);
    for (i = 0; i < shown; i++) {
        unsigned char c = data[i];
        if (c == '\\')
            fputs("\\\\", stdout);
        else if (c == '\n')
            fputs("\\n", stdout);
        else if (c == '\r')
            fputs("\\r", stdout);
        else if (c == '\t')
            fputs("\\t", stdout);
        else if (c >= 0x20 && c < 0x7f)
            putchar(c);
        else
            printf("\\x%02x", c);
    }
    if (shown < len)
        printf("… (%zu octets)", len);
    putchar('\n');
}

/* socket and bind on the first address that works (SOCK_DGRAM: no listen,
 * no accept). Returns the socket or -1 after printing why. */
static int open_socket(const char *host, const char *port)
{
    /* TODO(lab 04): résoudre ADRESSE et PORT avec getaddrinfo (AF_UNSPEC,
     * SOCK_DGRAM, AI_PASSIVE) ; pour chaque adresse : socket() puis bind() ;
     * garder la première qui réussit, libérer la liste avec freeaddrinfo et
     * afficher l'erreur en cas d'échec (UDP : ni listen ni accept).
     */
    (void)host; (void)port;
    fprintf(stderr, PROG ": écoute non implémentée\n");
    return -1;
}

/* Answers datagrams until a stop is requested: each one gets its ASCII
 * uppercase (other bytes unchanged), sent back to the address recvfrom
 * gave, which is the real sender. */
static void serve(int fd)
{
    static unsigned char buf[MAX_DGRAM + 1];
    struct sockaddr_storage peer;
    socklen_t peer_len;
    char addr[ADDR_STR_LEN];
    ssize_t n, i;

    /* TODO(lab 04): jusqu'à l'arrêt : attendre un datagramme avec wait_fd
     * (interrompu par SIGINT/SIGTERM), le lire avec recvfrom (l'adresse de
     * l'expéditeur avec), le journaliser avec log_datagram, le passer en
     * majuscules ASCII (toupper octet par octet, sur n octets : un datagramme
     * vide est valide) et le renvoyer avec sendto à cette adresse. Un échec
     * de recvfrom ou de sendto : un message sur stderr (sauf EINTR, EAGAIN),
     * puis le datagramme suivant.
     */
    (void)fd; (void)buf; (void)peer; (void)peer_len; (void)addr;
    (void)n; (void)i; (void)log_datagram;
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1", *port = "9999";
    int opt, fd;
    char addr[ADDR_STR_LEN];

    opterr = 0;
    while ((opt = getopt(argc, argv, "b:p:h")) != -1) {
        switch (opt) {
        case 'b':
            host = optarg;
            break;
        case 'p':
            port = optarg;
            if (parse_port(port, 1) < 0) {
                fprintf(stderr, PROG ": port invalide : « %s » (attendu : 0 à"
                                " 65535)\n", port);
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
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    /* Line-buffered even into a file or a pipe: logs appear as they happen. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (stop_setup() < 0) {
        fprintf(stderr, PROG ": signaux : %s\n", net_strerror(errno));
        return 1;
    }
    fd = open_socket(host, port);
    if (fd < 0)
        return 1;
    printf("Serveur en écoute sur %s\n", sock_local_str(fd, addr, sizeof addr));
    serve(fd);
    close(fd);
    return 0;
}
