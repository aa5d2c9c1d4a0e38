/* Hostile: an echo server that works but ignores SIGTERM and SIGINT. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>
#include "io.h"
#include "net.h"

int main(void)
{
    char addr[ADDR_STR_LEN], buf[4096];
    ssize_t n;
    int lfd, cfd;

    signal(SIGTERM, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    lfd = tcp_listen("127.0.0.1", "0", 16, NULL);
    if (lfd < 0)
        return 1;
    printf("Serveur en écoute sur %s\n", sock_local_str(lfd, addr, sizeof addr));
    fflush(stdout);
    for (;;) {
        cfd = accept(lfd, NULL, NULL);
        if (cfd < 0)
            continue;
        printf("Connexion de %s\n", sock_peer_str(cfd, addr, sizeof addr));
        fflush(stdout);
        while ((n = recv_timeout(cfd, buf, sizeof buf, 2000)) > 0)
            if (send_all(cfd, buf, (size_t)n, 2000) < 0)
                break;
        close(cfd);
        printf("Déconnexion de %s\n", addr);
        fflush(stdout);
    }
}
