/* threaded_server — serveur TCP multi-clients : un thread par client (§2). */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "io.h"
#include "net.h"

#define PROG "threaded_server"

/* One client, on the heap: its thread's own argument. */
struct client {
    struct server *srv;
    pthread_t tid;
    int fd;   /* -1 once its thread closed it */
    int done; /* its thread has finished: join it, then free it */
    char addr[ADDR_STR_LEN];
};

/* Shared between main and the client threads, under lock. */
struct server {
    pthread_mutex_t lock;
    pthread_cond_t freed; /* a client thread finished */
    struct client **slots;
    int max, live, idle_ms;
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage : " PROG " [-b ADRESSE] [-p PORT] [-m MAX] [-t SECONDES]\n"
            "Un thread par client ; renvoie les octets reçus, lettres ASCII en\n"
            "majuscules. -b : adresse (127.0.0.1) ; -p : port (9999, 0 = libre) ;\n"
            "-m : clients servis à la fois (64) ; -t : délai d'inactivité (60 s).\n"
            "Arrêt propre avec Ctrl-C (SIGINT) ou SIGTERM.\n");
}

/* One whole line per call, under one lock: the threads' lines never mix. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static void log_line(const char *what, const char *addr)
{
    pthread_mutex_lock(&log_lock);
    printf("%s: %s\n", what, addr);
    pthread_mutex_unlock(&log_lock);
}

/* The course's upper(): ASCII letters only, whatever the locale. */
static void process(unsigned char *data, size_t n)
{
    /* TODO(lab 03): mettre en majuscules les seules lettres ASCII 'a'..'z' ;
     * tout autre octet (octets nuls, >= 0x80) reste tel quel.
     */
    (void)data; (void)n;
}

/* A client's thread: receive, process, send back, until the client leaves,
 * stays idle too long, or the stop shuts its socket down. */
static void *client_main(void *arg)
{
    struct client *c = arg;
    struct server *srv = c->srv;
    unsigned char buf[16384]; /* on this thread's stack: never shared */
    ssize_t n;

    /* TODO(lab 03): log_line("Nouveau client", c->addr) ; boucle recv_timeout
     * (délai srv->idle_ms) → process → send_all ; une erreur (sauf arrêt
     * demandé) sur la sortie d'erreur ; log_line("Client déconnecté", …) ;
     * enfin, sous srv->lock : close(c->fd), c->fd = -1, c->done = 1,
     * srv->live--, pthread_cond_signal(&srv->freed).
     */
    (void)srv; (void)buf; (void)n; (void)log_line; (void)process;
    return NULL;
}

/* Waits until fewer than max clients are served (the next ones wait in the
 * listen queue meanwhile), joins and frees the finished threads. Returns a
 * free slot, or -1 once a stop is requested: on a stop every client thread
 * ends, and each one signals. */
static int wait_slot(struct server *srv)
{
    int i, slot = -1;

    /* TODO(lab 03): sous srv->lock : tant que srv->live == srv->max et pas
     * d'arrêt demandé, pthread_cond_wait(&srv->freed) ; puis pthread_join et
     * free de chaque client fini (done), case remise à NULL ; renvoyer
     * l'indice d'une case libre (-1 si arrêt).
     */
    (void)srv; (void)i;
    return slot;
}

/* Hands cfd to a new thread in slot; closes it if that fails. */
static void start_client(struct server *srv, int slot, int cfd)
{
    struct client *c = calloc(1, sizeof *c);
    int err;

    if (c == NULL) {
        close(cfd);
        return;
    }
    c->srv = srv;
    c->fd = cfd;
    sock_peer_str(cfd, c->addr, sizeof c->addr);
    /* TODO(lab 03): sous srv->lock (il retient le thread jusqu'à ce que la
     * case soit remplie) : pthread_create(client_main, c), puis, s'il a
     * réussi, srv->slots[slot] = c et srv->live++. Sinon : message, close, free.
     */
    (void)slot; (void)err; (void)client_main;
    close(cfd);
    free(c);
}

/* The course's stop() made real: wake every client thread by shutting its
 * socket down, then join each one and free it. */
static void stop_clients(struct server *srv)
{
    int i;

    /* TODO(lab 03): sous srv->lock, shutdown(SHUT_RDWR) de chaque socket
     * encore ouverte (recv revient aussitôt) ; puis, sans le verrou (les
     * threads le prennent pour finir), pthread_join et free de chaque client.
     */
    (void)srv; (void)i;
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1", *port = "9999";
    struct server srv = {.max = 64, .idle_ms = 60000};
    int opt, lfd, cfd, slot, gai = 0;
    long max;
    char addr[ADDR_STR_LEN];

    opterr = 0;
    while ((opt = getopt(argc, argv, "b:p:m:t:h")) != -1) {
        if (opt == 'b')
            host = optarg;
        else if (opt == 'p' && parse_port(optarg, 1) >= 0)
            port = optarg;
        else if (opt == 'm' && parse_long(optarg, 1, 4096, &max) == 0)
            srv.max = (int)max;
        else if (opt == 't' && (srv.idle_ms = parse_timeout_ms(optarg)) > 0)
            continue;
        else if (opt == 'h') {
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
    if (stop_setup() < 0) {
        fprintf(stderr, PROG ": signaux : %s\n", net_strerror(errno));
        return 1;
    }
    /* SOMAXCONN, not the course's 5: with a full queue the kernel drops a
     * burst's SYNs and those clients retry only a second later. */
    lfd = tcp_listen(host, port, SOMAXCONN, &gai);
    if (lfd < 0) {
        fprintf(stderr, PROG ": impossible d'écouter sur %s:%s : %s\n", host,
                port, lfd == NET_ERR_RESOLVE ? net_gai_strerror(gai)
                                             : net_strerror(errno));
        return 1;
    }
    srv.slots = calloc((size_t)srv.max, sizeof *srv.slots);
    if (srv.slots == NULL) {
        fprintf(stderr, PROG ": mémoire insuffisante\n");
        close(lfd);
        return 1;
    }
    pthread_mutex_init(&srv.lock, NULL);
    pthread_cond_init(&srv.freed, NULL);
    printf("Serveur en écoute sur %s\n", sock_local_str(lfd, addr, sizeof addr));

    /* TODO(lab 03): boucle jusqu'à l'arrêt : slot = wait_slot() (bloque tant
     * que -m clients sont servis), attendre un client avec wait_fd(lfd),
     * accept(), start_client(). Si accept échoue faute de descripteurs
     * (EMFILE, ENFILE) : message, puis wait_fd(-1, 0, 100) avant de
     * réessayer (le client reste dans la file ; sans pause, la boucle
     * occuperait le processeur). Après la boucle : stop_clients().
     */
    (void)cfd; (void)slot; (void)wait_slot; (void)start_client;
    (void)stop_clients;
    close(lfd);
    pthread_cond_destroy(&srv.freed);
    pthread_mutex_destroy(&srv.lock);
    free(srv.slots);
    return 0;
}
