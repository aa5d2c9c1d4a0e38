/* Hostile: a bounded fork bomb (3000 forks at most): children wait forever. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    int ok = 0, failed = 0, i;
    for (i = 0; i < 3000; i++) {
        pid_t p = fork();
        if (p == 0) {
            for (;;)
                pause();
        }
        if (p > 0)
            ok++;
        else
            failed++;
    }
    fprintf(stderr, "tcp_client: forks réussis : %d, en échec : %d\n", ok, failed);
    return 1;
}
