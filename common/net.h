/* net.h — connexions, écoute et adresses (getaddrinfo, IPv4 et IPv6). */
#ifndef NET_H
#define NET_H

#include <netdb.h>
#include <stddef.h>
#include <sys/socket.h>

/* Room for "[" + IPv6 text (with a %scope) + "]:" + port + NUL. */
#define ADDR_STR_LEN 80

/* Returned by tcp_connect()/tcp_listen() when name resolution failed: the
 * getaddrinfo() code is stored in *gai_err (errno is then meaningless). */
#define NET_ERR_RESOLVE (-2)

/* Connects fd (a fresh socket) to addr, waiting at most timeout_ms
 * milliseconds (negative: no limit). The wait is a non-blocking connect()
 * followed by poll(POLLOUT) and SO_ERROR, so the outcome comes straight from
 * errno: 0 on success (fd is blocking again), -1 with errno ECONNREFUSED
 * (closed port), ETIMEDOUT (filtered or silent) or another connect() error.
 * A socket that ends up connected to itself (loopback, local port equal to
 * the target port) counts as refused. The caller keeps ownership of fd. */
int connect_timeout(int fd, const struct sockaddr *addr, socklen_t len,
                    int timeout_ms);

/* Resolves host/port (AF_UNSPEC, SOCK_STREAM, getaddrinfo flags ai_flags)
 * and, for each address in turn, calls attempt() with a fresh close-on-exec
 * socket of that address's family, until attempt() returns 0: that socket is
 * returned. A failed attempt's socket is closed; the errno of the last one is
 * kept for the -1 return. NET_ERR_RESOLVE with *gai_err set when resolution
 * fails (gai_err may be NULL). The list is freed on every path. */
int tcp_try_addresses(const char *host, const char *port, int ai_flags,
                      int (*attempt)(int fd, const struct addrinfo *ai,
                                     void *arg),
                      void *arg, int *gai_err);

/* Resolves host/port with AF_UNSPEC and tries every address in turn with
 * connect_timeout() (timeout_ms per address). Returns a connected, blocking,
 * close-on-exec descriptor; -1 with errno from the last attempt; or
 * NET_ERR_RESOLVE with *gai_err set (gai_err may be NULL). */
int tcp_connect(const char *host, const char *port, int timeout_ms,
                int *gai_err);

/* Listening TCP socket on host/port (host NULL: wildcard; the first address
 * getaddrinfo proposes that binds wins, usually 0.0.0.0), with SO_REUSEADDR
 * so a restarted server can bind at once. Port "0" picks a free port: read
 * it back with sock_local_str(). Returns the descriptor (blocking,
 * close-on-exec), -1 with errno, or NET_ERR_RESOLVE with *gai_err set. */
int tcp_listen(const char *host, const char *port, int backlog, int *gai_err);

/* Formats addr as "1.2.3.4:80" or "[::1]:80" into buf (numeric, no DNS).
 * Returns buf; on failure buf holds "?". */
char *sockaddr_str(const struct sockaddr *addr, socklen_t len, char *buf,
                   size_t size);

/* sockaddr_str() of the local (getsockname) or remote (getpeername) end. */
char *sock_local_str(int fd, char *buf, size_t size);
char *sock_peer_str(int fd, char *buf, size_t size);

/* Short French description of an errno value, for messages such as
 * "connexion refusée" or "délai dépassé". Never strerror(), which speaks
 * English in the C locale: an unlisted value gives "erreur système". */
const char *net_strerror(int errnum);

/* French description of a getaddrinfo() error code. */
const char *net_gai_strerror(int gai_err);

#endif
