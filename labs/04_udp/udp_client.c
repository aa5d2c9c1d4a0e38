/* udp_client — envoie un datagramme et attend la réponse, avec délai et réémissions (§3). */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "io.h"
#include "net.h"

#define PROG "udp_client"
/* Room for the largest UDP payload (65535 - 8 - 20 over IPv4, a few bytes
 * more over IPv6): a smaller buffer would silently cut the reply. */
#define BUF_SIZE 65536

static void usage(FILE *out)
{
    fprintf(out,
            "usage : " PROG " [-t SECONDES] [-r ESSAIS] HÔTE PORT MESSAGE\n"
            "Envoie MESSAGE dans un datagramme UDP à HÔTE:PORT et affiche la\n"
            "réponse du serveur.\n"
            "  -t SECONDES  attente de la réponse après chaque envoi (défaut : 5)\n"
            "  -r ESSAIS    réémissions après le premier envoi si rien ne vient\n"
            "               (défaut : 3, soit 4 envois au plus)\n"
            "  -h           affiche cette aide\n");
}

/* Sends the message on fd (a connected UDP socket) and waits for a reply,
 * retransmitting up to retries times when timeout_ms passes with nothing.
 * Because the socket is connected, the kernel drops datagrams from any
 * other address, and reports a closed port (ICMP "port unreachable") as
 * ECONNREFUSED. Returns the reply's length, or -1 with errno. */
static ssize_t exchange(int fd, const char *message, unsigned char *reply,
                        int timeout_ms, long retries)
{
    ssize_t n = -1;
    long attempt;

    /* TODO(lab 04): jusqu'à 1 + retries fois : send() du message (UDP : un
     * datagramme entier ou rien), puis recv_timeout (common/io.h) dans reply
     * (BUF_SIZE octets). ETIMEDOUT : réémettre ; une autre erreur (dont
     * ECONNREFUSED, port fermé) : abandonner aussitôt. Renvoyer la longueur
     * reçue (0 pour un datagramme vide), ou -1 avec errno.
     */
    (void)fd; (void)message; (void)reply; (void)timeout_ms;
    (void)retries; (void)attempt;
    errno = ENOSYS;
    return n;
}

int main(int argc, char **argv)
{
    static unsigned char reply[BUF_SIZE];
    struct addrinfo hints, *res, *ai;
    int opt, timeout_ms = 5000, fd, rc, err = 0;
    long retries = 3;
    ssize_t n = -1;
    const char *host, *port, *message;
    char addr[ADDR_STR_LEN] = "?";

    opterr = 0;
    while ((opt = getopt(argc, argv, "t:r:h")) != -1) {
        switch (opt) {
        case 't':
            timeout_ms = parse_timeout_ms(optarg);
            if (timeout_ms < 0) {
                fprintf(stderr, PROG ": délai invalide : « %s » (secondes > 0,"
                                " décimales acceptées)\n", optarg);
                return 2;
            }
            break;
        case 'r':
            if (parse_long(optarg, 0, 100, &retries) < 0) {
                fprintf(stderr, PROG ": nombre de réémissions invalide : « %s »"
                                " (attendu : 0 à 100)\n", optarg);
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
    if (argc - optind != 3) {
        usage(stderr);
        return 2;
    }
    host = argv[optind];
    port = argv[optind + 1];
    message = argv[optind + 2];
    if (parse_port(port, 0) < 0) {
        fprintf(stderr, PROG ": port invalide : « %s » (attendu : 1 à 65535)\n",
                port);
        return 2;
    }

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, PROG ": %s : %s\n", host, net_gai_strerror(rc));
        return 1;
    }
    /* TODO(lab 04): pour chaque adresse : socket() en SOCK_DGRAM, connect()
     * (la socket n'accepte plus que les datagrammes de cette adresse et
     * apprend les refus ICMP), puis exchange() ; passer à l'adresse
     * suivante seulement si socket() échoue (rien n'est parti) ou si le port
     * est fermé (ECONNREFUSED). Fermer chaque socket, garder errno dans err.
     */
    (void)ai; (void)fd; (void)exchange; (void)message;
    err = ENOSYS;
    freeaddrinfo(res);
    if (n < 0) {
        fprintf(stderr, PROG ": %s : %s\n", addr, net_strerror(err));
        return 1;
    }
    if (write_all(STDOUT_FILENO, reply, (size_t)n) < 0) {
        fprintf(stderr, PROG ": écriture sur la sortie standard : %s\n",
                net_strerror(errno));
        return 1;
    }
    return 0;
}
