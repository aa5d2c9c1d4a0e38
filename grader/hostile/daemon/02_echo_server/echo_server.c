/* Hostile: a double-forked daemon that tries to outlive its grade. */
#define _POSIX_C_SOURCE 200809L
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
    if (fork() == 0) {
        setsid();
        if (fork() == 0) {
            int fd = socket(AF_INET, SOCK_STREAM, 0);
            struct sockaddr_in a;
            memset(&a, 0, sizeof a);
            a.sin_family = AF_INET;
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            bind(fd, (struct sockaddr *)&a, sizeof a);
            listen(fd, 1);
            for (;;)
                pause();
        }
        _exit(0);
    }
    fprintf(stderr, "echo_server: le démon tourne toujours\n");
    return 1;
}
