/* Hostile: an echo server that ignores SIGTERM and SIGINT (and serves). */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include "net.h"

int main(void)
{
    char addr[ADDR_STR_LEN];
    int lfd;

    signal(SIGTERM, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    lfd = tcp_listen("127.0.0.1", "0", 16);
    if (lfd < 0)
        return 1;
    printf("Serveur en écoute sur %s\n", sock_local_str(lfd, addr, sizeof addr));
    fflush(stdout);
    for (;;)
        pause();
}
