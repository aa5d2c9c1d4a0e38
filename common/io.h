/* io.h — E/S complètes avec délai, horloge monotone, arrêt propre sur signal. */
#ifndef IO_H
#define IO_H

#include <stddef.h>
#include <sys/types.h>

/* Waits until fd is ready for events (POLLIN, POLLOUT…) for at most
 * timeout_ms milliseconds (negative: no limit). EINTR is retried with the
 * time left. Returns 1 when ready (an error or hang-up counts as ready: the
 * next call reports it), 0 on timeout, -1 with errno on failure. Once
 * stop_setup() has run, a stop request makes it return -1 with errno EINTR
 * at once, now and on every later call. */
int wait_fd(int fd, short events, int timeout_ms);

/* wait_fd() for callers that only need "ready or why not": 0 when fd is
 * ready, -1 with errno ETIMEDOUT when timeout_ms passed, EINTR when a stop
 * was requested, or poll()'s error. */
int wait_ready(int fd, short events, int timeout_ms);

/* One recv() of at most len bytes after waiting up to timeout_ms for data.
 * Returns the count (0 at end of stream), or -1 with errno (ETIMEDOUT when
 * nothing came in time, EINTR when a stop was requested). */
ssize_t recv_timeout(int fd, void *buf, size_t len, int timeout_ms);

/* Sends all len bytes on socket fd, retrying short sends and EINTR, never
 * raising SIGPIPE (MSG_NOSIGNAL). Each wait for buffer space is bounded by
 * timeout_ms (negative: no limit). Returns len, or -1 with errno (EPIPE,
 * ECONNRESET, ETIMEDOUT…); some bytes may have been sent. */
ssize_t send_all(int fd, const void *buf, size_t len, int timeout_ms);

/* Writes all len bytes to a non-socket descriptor (stdout, a file),
 * retrying short writes and EINTR. Returns len or -1 with errno. */
ssize_t write_all(int fd, const void *buf, size_t len);

/* Milliseconds from CLOCK_MONOTONIC: for latencies and deadlines, never for
 * the date. */
double now_ms(void);

/* Installs SIGINT and SIGTERM handlers that request a stop (without
 * SA_RESTART, so blocking calls return EINTR) and ignores SIGPIPE. The
 * request is sticky: every later wait_fd() returns at once, so no wait can
 * miss it. The self-pipe behind it is closed by an atexit() hook, so a
 * program that returns from main leaves no descriptor open. Returns 0, or
 * -1 with errno. */
int stop_setup(void);

/* Non-zero once SIGINT or SIGTERM arrived after stop_setup(). */
int stop_requested(void);

#endif
