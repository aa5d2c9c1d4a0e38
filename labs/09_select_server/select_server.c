/* select_server — serveur d'écho non bloquant : un seul thread, select() (§7). */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "io.h"
#include "net.h"

#define PROG "select_server"
#define CHUNK 16384
/* Back-pressure: past this much unsent echo, stop reading the client. */
#define MAX_PENDING (256 * 1024)
/* Out of descriptors (EMFILE): stop accepting this long, no busy loop. */
#define ACCEPT_PAUSE_MS 100

/* One client: its echo waits in out[off..len) until the socket takes it. */
struct conn {
    int fd;
    int eof; /* the client half-closed: close once out is drained */
    unsigned char *out;
    size_t off, len, cap;
    char addr[ADDR_STR_LEN];
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage : " PROG " [-b ADRESSE] [-p PORT]\n"
            "Serveur d'écho : un seul thread sert tous les clients avec select().\n"
            "-b : adresse (127.0.0.1) ; -p : port (9999, 0 = libre).\n"
            "Arrêt propre avec Ctrl-C (SIGINT) ou SIGTERM.\n");
}

static void drop(struct conn **conns, int fd)
{
    printf("Client déconnecté: %s\n", conns[fd]->addr);
    close(fd);
    free(conns[fd]->out);
    free(conns[fd]);
    conns[fd] = NULL;
}

/* Accepts every waiting client. Returns 0, or -1 when out of descriptors
 * (the caller pauses accepting: the queue stays readable meanwhile). */
static int accept_clients(int lfd, struct conn **conns)
{
    struct conn *c;
    int fd;

    /* TODO(lab 09): boucle accept() jusqu'à EAGAIN (lfd est non bloquante).
     * EMFILE/ENFILE : renvoyer -1 (pause). Un descripteur >= FD_SETSIZE ne
     * doit JAMAIS aller dans FD_SET : message, close, client suivant. Sinon
     * O_NONBLOCK (fcntl), une struct conn allouée dans conns[fd],
     * « Nouveau client: ADRESSE » ; si calloc ou fcntl échoue : message
     * « client refusé : RAISON », close, client suivant.
     */
    (void)lfd; (void)conns; (void)c; (void)fd;
    return 0;
}

/* Reads what the client sent straight into its output buffer. Returns -1
 * when the client must be dropped (reset). */
static int on_readable(struct conn *c)
{
    unsigned char *bigger;
    ssize_t n;

    /* TODO(lab 09): compacter c->out (memmove de off..len au début), agrandir
     * avec realloc pour avoir CHUNK octets libres, recv(MSG_DONTWAIT) au bout.
     * n > 0 : len += n ; 0 : c->eof = 1 ; EAGAIN/EINTR : rien ; autre : -1.
     */
    (void)c; (void)bigger; (void)n;
    return -1;
}

/* Sends as much pending echo as the socket takes now. Returns -1 on error. */
static int on_writable(struct conn *c)
{
    ssize_t n;

    /* TODO(lab 09): send(MSG_DONTWAIT | MSG_NOSIGNAL) de out[off..len) ;
     * off += n (envoi partiel possible) ; EAGAIN/EINTR : on réessaiera ;
     * autre erreur : -1. Tout envoyé : off = len = 0.
     */
    (void)c; (void)n;
    return -1;
}

/* One select() round over every client; returns -1 on a stop or failure. */
static int serve_round(int lfd, struct conn **conns, const sigset_t *wait_mask,
                       double *paused_until)
{
    fd_set rd, wr;
    struct timespec pause = {0, ACCEPT_PAUSE_MS * 1000000L};
    int fd, maxfd = lfd, n, accepting = now_ms() >= *paused_until;

    FD_ZERO(&rd);
    FD_ZERO(&wr);
    if (accepting)
        FD_SET(lfd, &rd);
    /* TODO(lab 09): pour chaque client (conns[fd] != NULL) : lecture
     * seulement si moins de MAX_PENDING octets attendent (contre-pression)
     * et pas de fin reçue ; écriture seulement si de l'écho attend. Puis
     * pselect(…, wait_mask) (signaux débloqués pendant l'attente seulement ;
     * pause de ACCEPT_PAUSE_MS si !accepting), EINTR = revenir. Ensuite
     * accept_clients si lfd est prêt (-1 : *paused_until = now_ms() + pause),
     * on_readable / on_writable, et drop() un client en erreur, ou qui a fini
     * (eof) et dont tout l'écho est parti.
     */
    (void)conns; (void)wait_mask; (void)pause; (void)n; (void)fd;
    (void)maxfd; (void)accept_clients; (void)on_readable;
    (void)on_writable; (void)drop;
    return -1;
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1", *port = "9999";
    struct conn *conns[FD_SETSIZE] = {NULL};
    double paused_until = 0;
    sigset_t stops, wait_mask;
    int opt, lfd, fd, gai = 0;
    char addr[ADDR_STR_LEN];

    opterr = 0;
    while ((opt = getopt(argc, argv, "b:p:h")) != -1) {
        if (opt == 'b') {
            host = optarg;
        } else if (opt == 'p' && parse_port(optarg, 1) >= 0) {
            port = optarg;
        } else if (opt == 'h') {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, PROG ": option inconnue ou valeur invalide : -%c\n",
                    opt == '?' ? optopt : opt);
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    /* SIGINT/SIGTERM stay blocked except inside pselect(): a signal can
     * never slip in between the stop check and the wait. */
    sigemptyset(&stops);
    sigaddset(&stops, SIGINT);
    sigaddset(&stops, SIGTERM);
    if (stop_setup() < 0 || sigprocmask(SIG_BLOCK, &stops, &wait_mask) < 0) {
        fprintf(stderr, PROG ": signaux : %s\n", net_strerror(errno));
        return 1;
    }
    lfd = tcp_listen(host, port, SOMAXCONN, &gai);
    if (lfd < 0) {
        fprintf(stderr, PROG ": impossible d'écouter sur %s:%s : %s\n", host,
                port, lfd == NET_ERR_RESOLVE ? net_gai_strerror(gai)
                                             : net_strerror(errno));
        return 1;
    }
    if (lfd >= FD_SETSIZE || fcntl(lfd, F_SETFL, O_NONBLOCK) < 0) {
        fprintf(stderr, PROG ": socket d'écoute inutilisable avec select\n");
        close(lfd);
        return 1;
    }
    printf("Serveur en écoute sur %s\n", sock_local_str(lfd, addr, sizeof addr));

    while (!stop_requested() &&
           serve_round(lfd, conns, &wait_mask, &paused_until) == 0)
        continue;
    if (!stop_requested())
        fprintf(stderr, PROG ": select : %s\n", net_strerror(errno));
    for (fd = 0; fd < FD_SETSIZE; fd++)
        if (conns[fd] != NULL)
            drop(conns, fd);
    close(lfd);
    return stop_requested() ? 0 : 1;
}
