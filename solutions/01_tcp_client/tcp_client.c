/* tcp_client — envoie un message à un serveur TCP et affiche sa réponse (§2). */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "io.h"
#include "net.h"

#define PROG "tcp_client"
#define BUF_SIZE 4096

static void usage(FILE *out)
{
    fprintf(out,
            "usage : " PROG " [-t SECONDES] [-a] HÔTE PORT [MESSAGE]\n"
            "Se connecte à HÔTE:PORT, envoie MESSAGE (ou l'entrée standard),\n"
            "puis affiche la réponse du serveur.\n"
            "  -t SECONDES  délai pour chaque opération réseau (défaut : 10)\n"
            "  -a           ferme l'envoi puis lit toute la réponse, jusqu'à\n"
            "               la fermeture par le serveur (sinon : un seul recv\n"
            "               de 4096 octets au plus)\n"
            "  -h           affiche cette aide\n");
}

/* Tries each address of host:port in turn, as the course's connect() does
 * for the first one. Returns a connected socket or -1 after printing why. */
static int open_connection(const char *host, const char *port, int timeout_ms)
{
    /* BEGIN SOLUTION
     * TODO(lab 01): résoudre HÔTE et PORT avec getaddrinfo (AF_UNSPEC,
     * SOCK_STREAM), puis essayer chaque adresse : socket(), connect_timeout()
     * (voir common/net.h) ; garder la première qui réussit, fermer les autres,
     * libérer la liste avec freeaddrinfo et afficher l'erreur en cas d'échec.
     * STUB: (void)host; (void)port; (void)timeout_ms;
     * STUB: fprintf(stderr, PROG ": connexion non implémentée\n");
     * STUB: return -1;
     */
    struct addrinfo hints, *res, *ai;
    int fd = -1, rc, err = 0;
    char addr[ADDR_STR_LEN] = "?";

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, PROG ": %s : %s\n", host, net_gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        sockaddr_str(ai->ai_addr, ai->ai_addrlen, addr, sizeof addr);
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd >= 0 &&
            connect_timeout(fd, ai->ai_addr, ai->ai_addrlen, timeout_ms) == 0)
            break;
        err = errno;
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0)
        fprintf(stderr, PROG ": connexion à %s impossible : %s\n", addr,
                net_strerror(err));
    return fd;
    /* END SOLUTION */
}

/* Sends the message given on the command line, or stdin up to its end:
 * bytes are bytes, a NUL in the input is sent like any other. With
 * half_close, shuts the sending side afterwards so that the server sees the
 * end of the request (as an HTTP/1.0 client does). Returns 0 or -1 (errno). */
static int send_request(int fd, const char *message, int half_close,
                        int timeout_ms)
{
    char buf[BUF_SIZE];
    ssize_t n;

    /* BEGIN SOLUTION
     * TODO(lab 01): envoyer MESSAGE en entier avec send_all (common/io.h), ou,
     * sans MESSAGE, lire l'entrée standard avec read() jusqu'à la fin et
     * envoyer chaque morceau (attention : des octets nuls sont possibles).
     * Avec half_close (option -a), fermer ensuite l'envoi avec shutdown.
     * STUB: (void)fd; (void)message; (void)half_close; (void)timeout_ms;
     * STUB: (void)buf; (void)n;
     * STUB: errno = ENOSYS;
     * STUB: return -1;
     */
    if (message != NULL) {
        if (send_all(fd, message, strlen(message), timeout_ms) < 0)
            return -1;
    } else {
        while ((n = read(STDIN_FILENO, buf, sizeof buf)) != 0) {
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 || send_all(fd, buf, (size_t)n, timeout_ms) < 0)
                return -1;
        }
    }
    return half_close ? shutdown(fd, SHUT_WR) : 0;
    /* END SOLUTION */
}

/* Copies the response to stdout: one recv of at most 4096 bytes, or, with
 * read_all, every recv until the server closes. Returns 0, -1 when receiving
 * failed or -2 when writing to stdout failed (errno set either way). */
static int print_response(int fd, int read_all, int timeout_ms)
{
    char buf[BUF_SIZE];
    ssize_t n;

    /* BEGIN SOLUTION
     * TODO(lab 01): recevoir avec recv_timeout (common/io.h) et écrire les
     * octets reçus sur la sortie standard avec write_all ; sans -a un seul
     * appel, avec -a une boucle jusqu'à ce que recv renvoie 0.
     * STUB: (void)fd; (void)read_all; (void)timeout_ms; (void)buf; (void)n;
     * STUB: errno = ENOSYS;
     * STUB: return -1;
     */
    do {
        n = recv_timeout(fd, buf, sizeof buf, timeout_ms);
        if (n < 0)
            return -1;
        if (write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
            return -2;
    } while (read_all && n > 0);
    return 0;
    /* END SOLUTION */
}

int main(int argc, char **argv)
{
    int opt, timeout_ms = 10000, read_all = 0, fd, rc = 0, got;
    const char *host, *port, *message = NULL;

    opterr = 0;
    while ((opt = getopt(argc, argv, "t:ah")) != -1) {
        switch (opt) {
        case 't':
            timeout_ms = parse_timeout_ms(optarg);
            if (timeout_ms < 0) {
                fprintf(stderr, PROG ": délai invalide : « %s » (secondes > 0,"
                                " décimales acceptées)\n", optarg);
                return 2;
            }
            break;
        case 'a':
            read_all = 1;
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
    if (argc - optind < 2 || argc - optind > 3) {
        usage(stderr);
        return 2;
    }
    host = argv[optind];
    port = argv[optind + 1];
    if (argc - optind == 3)
        message = argv[optind + 2];
    if (parse_port(port, 0) < 0) {
        fprintf(stderr, PROG ": port invalide : « %s » (attendu : 1 à 65535)\n",
                port);
        return 2;
    }

    fd = open_connection(host, port, timeout_ms);
    if (fd < 0)
        return 1;
    if (send_request(fd, message, read_all, timeout_ms) < 0) {
        fprintf(stderr, PROG ": envoi : %s\n", net_strerror(errno));
        rc = 1;
    } else if ((got = print_response(fd, read_all, timeout_ms)) < 0) {
        fprintf(stderr, PROG ": %s : %s\n",
                got == -2 ? "écriture sur la sortie standard" : "réception",
                net_strerror(errno));
        rc = 1;
    }
    close(fd);
    return rc;
}
