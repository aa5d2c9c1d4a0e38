/* vglog — journal de valgrind hors de portée du programme noté.
 *
 * Usage : vglog FD FICHIER COMMANDE ARGS…
 *
 * Runs COMMAND with descriptor FD on one end of a socket pair and copies
 * what arrives on the other end into FICHIER, until every copy of FD is
 * closed; then exits with COMMAND's status (128 + N for a signal, as the
 * shell says it). valgrind writes its log to FD (--log-fd), a descriptor of
 * its reserved range that the program cannot use. Unlike a file or a pipe,
 * a socket cannot be opened again through /proc/self/fd/FD, and the file
 * itself is opened here, outside the sandbox: nothing the program can
 * reach leads to its own memory report. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io.h"

int main(int argc, char **argv)
{
    int sv[2], out, fd, status;
    char *end;
    char buf[8192];
    ssize_t n;
    pid_t pid;
    long v;

    if (argc < 4) {
        fprintf(stderr, "usage : vglog FD FICHIER COMMANDE ARGS…\n");
        return 2;
    }
    errno = 0;
    v = strtol(argv[1], &end, 10);
    if (errno != 0 || *end != '\0' || v < 3 || v > 4095) {
        fprintf(stderr, "vglog: descripteur invalide : %s\n", argv[1]);
        return 2;
    }
    fd = (int)v;
    out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (out < 0) {
        perror("vglog: journal");
        return 2;
    }
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        perror("vglog: socketpair");
        return 2;
    }
    pid = fork();
    if (pid < 0) {
        perror("vglog: fork");
        return 2;
    }
    if (pid == 0) {
        /* dup2 clears FD_CLOEXEC on the copy: only FD reaches COMMAND. */
        if (dup2(sv[1], fd) < 0)
            _exit(127);
        execvp(argv[3], argv + 3);
        perror("vglog: exec");
        _exit(127);
    }
    close(sv[1]);
    /* The job's signals (timeout, the teardown) reach the whole process
     * group: the copy goes on until the command's side is closed. */
    signal(SIGTERM, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    for (;;) {
        n = read(sv[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (write_all(out, buf, (size_t)n) < 0)
            break;
    }
    close(out);
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return 1;
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}
