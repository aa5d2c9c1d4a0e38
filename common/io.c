/* io.c — attentes bornées, envois complets, horloge et arrêt propre. */
#define _POSIX_C_SOURCE 200809L
#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Self-pipe: the handler writes one byte and nobody ever drains it, so the
 * read end stays readable and every wait_fd() sees the stop, even one that
 * starts after the signal (no race between a flag check and poll()). */
static volatile sig_atomic_t stop_flag;
static int stop_pipe[2] = {-1, -1};

static void on_stop(int sig)
{
    int saved = errno;

    (void)sig;
    stop_flag = 1;
    if (stop_pipe[1] >= 0)
        (void)!write(stop_pipe[1], "", 1);
    errno = saved;
}

/* Runs at exit so that a clean shutdown leaves only the standard
 * descriptors open (valgrind --track-fds checks it). */
static void stop_close_pipe(void)
{
    int i;

    for (i = 0; i < 2; i++)
        if (stop_pipe[i] >= 0) {
            close(stop_pipe[i]);
            stop_pipe[i] = -1;
        }
}

int stop_setup(void)
{
    struct sigaction sa;
    int i;

    if (stop_pipe[0] < 0) {
        if (pipe(stop_pipe) < 0)
            return -1;
        if (atexit(stop_close_pipe) != 0) {
            stop_close_pipe();
            errno = ENOMEM;
            return -1;
        }
        for (i = 0; i < 2; i++)
            if (fcntl(stop_pipe[i], F_SETFD, FD_CLOEXEC) < 0 ||
                fcntl(stop_pipe[i], F_SETFL, O_NONBLOCK) < 0)
                return -1;
    }
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: blocking calls must see EINTR */
    sa.sa_handler = on_stop;
    if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
        return -1;
    sa.sa_handler = SIG_IGN;
    return sigaction(SIGPIPE, &sa, NULL);
}

int stop_requested(void)
{
    return stop_flag != 0;
}

double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

int wait_fd(int fd, short events, int timeout_ms)
{
    struct pollfd p[2];
    double deadline = now_ms() + timeout_ms;
    int left = timeout_ms, n;
    nfds_t count = 1;

    p[0].fd = fd;
    p[0].events = events;
    if (stop_pipe[0] >= 0) {
        p[1].fd = stop_pipe[0];
        p[1].events = POLLIN;
        count = 2;
    }
    for (;;) {
        if (stop_flag) {
            errno = EINTR;
            return -1;
        }
        n = poll(p, count, left);
        if (n > 0 && count == 2 && p[1].revents != 0) {
            errno = EINTR;
            return -1;
        }
        if (n > 0)
            return 1;
        if (n == 0)
            return 0;
        if (errno != EINTR)
            return -1;
        if (timeout_ms >= 0) {
            left = (int)(deadline - now_ms());
            if (left < 0)
                left = 0;
        }
    }
}

int wait_ready(int fd, short events, int timeout_ms)
{
    int ready = wait_fd(fd, events, timeout_ms);

    if (ready == 0)
        errno = ETIMEDOUT;
    return ready > 0 ? 0 : -1;
}

ssize_t recv_timeout(int fd, void *buf, size_t len, int timeout_ms)
{
    ssize_t n;

    for (;;) {
        if (wait_ready(fd, POLLIN, timeout_ms) < 0)
            return -1;
        n = recv(fd, buf, len, MSG_DONTWAIT);
        if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK &&
                       errno != EINTR))
            return n;
        /* Spurious wake-up: the data went elsewhere; wait again. */
    }
}

ssize_t send_all(int fd, const void *buf, size_t len, int timeout_ms)
{
    const char *p = buf;
    size_t left = len;
    ssize_t n;

    while (left > 0) {
        n = send(fd, p, left, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            p += n;
            left -= (size_t)n;
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return -1;
        if (wait_ready(fd, POLLOUT, timeout_ms) < 0)
            return -1;
    }
    return (ssize_t)len;
}

ssize_t write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    size_t left = len;
    ssize_t n;

    while (left > 0) {
        n = write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        left -= (size_t)n;
    }
    return (ssize_t)len;
}
