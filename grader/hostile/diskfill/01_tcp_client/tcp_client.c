/* Hostile: fills its working folder (1.6 GB in files of 100 MB, more than
 * the per-file limit allows each), then hides it all behind mode 000 so
 * that the grader's cleanup fails. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    static char block[1 << 20];
    char name[64];
    long total = 0;
    int i, j, fd;

    /* Past the per-file limit, write fails (EFBIG) instead of killing. */
    signal(SIGXFSZ, SIG_IGN);
    memset(block, 'x', sizeof block);
    if (mkdir("cache", 0700) < 0)
        return 1;
    for (i = 0; i < 16; i++) {
        snprintf(name, sizeof name, "cache/bloc%02d", i);
        fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0)
            break;
        for (j = 0; j < 100; j++) {
            if (write(fd, block, sizeof block) != (ssize_t)sizeof block)
                break;
            total++;
        }
        close(fd);
    }
    chmod("cache", 0);
    chmod(".", 0);
    fprintf(stderr, "tcp_client: écrit : %ld Mio\n", total);
    return 1;
}
