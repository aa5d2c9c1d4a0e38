/* net.c — connexions avec délai, écoute et adresses : la plomberie commune. */
#define _POSIX_C_SOURCE 200809L
#include "net.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "io.h"

static int set_nonblocking(int fd, int on)
{
    int flags = fcntl(fd, F_GETFL);

    if (flags < 0)
        return -1;
    flags = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
    return fcntl(fd, F_SETFL, flags);
}

/* Same address and port at both ends: the kernel paired our SYN with itself. */
static int is_self_connected(int fd)
{
    struct sockaddr_storage a, b;
    socklen_t la = sizeof a, lb = sizeof b;

    if (getsockname(fd, (struct sockaddr *)&a, &la) < 0 ||
        getpeername(fd, (struct sockaddr *)&b, &lb) < 0)
        return 0;
    return la == lb && memcmp(&a, &b, la) == 0;
}

int connect_timeout(int fd, const struct sockaddr *addr, socklen_t len,
                    int timeout_ms)
{
    int err = 0;
    socklen_t errlen = sizeof err;

    if (set_nonblocking(fd, 1) < 0)
        return -1;
    if (connect(fd, addr, len) < 0) {
        if (errno != EINPROGRESS || wait_ready(fd, POLLOUT, timeout_ms) < 0)
            return -1;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &errlen) < 0)
            return -1;
        if (err != 0) {
            errno = err;
            return -1;
        }
    }
    if (is_self_connected(fd)) {
        errno = ECONNREFUSED;
        return -1;
    }
    return set_nonblocking(fd, 0);
}

int tcp_try_addresses(const char *host, const char *port, int flags,
                      int (*attempt)(int fd, const struct addrinfo *ai,
                                     void *arg),
                      void *arg, int *gai_err)
{
    struct addrinfo hints, *res, *ai;
    int fd = -1, rc, saved = EADDRNOTAVAIL;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = flags;
    rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        if (gai_err)
            *gai_err = rc;
        return NET_ERR_RESOLVE;
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd < 0) {
            saved = errno;
            continue;
        }
        if (attempt(fd, ai, arg) == 0)
            break;
        saved = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0)
        errno = saved;
    return fd;
}

static int attempt_connect(int fd, const struct addrinfo *ai, void *timeout_ms)
{
    return connect_timeout(fd, ai->ai_addr, ai->ai_addrlen, *(int *)timeout_ms);
}

int tcp_connect(const char *host, const char *port, int timeout_ms,
                int *gai_err)
{
    /* No AI_ADDRCONFIG: glibc ignores loopback addresses for it, so on a
     * host without a non-loopback IPv6 address "::1" would not resolve
     * (EAI_ADDRFAMILY) although it is reachable. */
    return tcp_try_addresses(host, port, 0, attempt_connect, &timeout_ms,
                             gai_err);
}

static int attempt_listen(int fd, const struct addrinfo *ai, void *backlog)
{
    int one = 1;

    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 ||
        listen(fd, *(int *)backlog) < 0)
        return -1;
    return 0;
}

int tcp_listen(const char *host, const char *port, int backlog, int *gai_err)
{
    /* No AI_ADDRCONFIG: a machine with only loopback must still listen. */
    return tcp_try_addresses(host, port, AI_PASSIVE, attempt_listen, &backlog,
                             gai_err);
}

char *sockaddr_str(const struct sockaddr *addr, socklen_t len, char *buf,
                   size_t size)
{
    char host[INET6_ADDRSTRLEN + 24], serv[8]; /* + room for a %scope */
    int n;

    if (getnameinfo(addr, len, host, sizeof host, serv, sizeof serv,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        snprintf(buf, size, "?");
        return buf;
    }
    if (addr->sa_family == AF_INET6)
        n = snprintf(buf, size, "[%s]:%s", host, serv);
    else
        n = snprintf(buf, size, "%s:%s", host, serv);
    if (n < 0 || (size_t)n >= size)
        snprintf(buf, size, "?");
    return buf;
}

/* get is getsockname or getpeername. */
static char *sock_name_str(int fd,
                           int (*get)(int, struct sockaddr *, socklen_t *),
                           char *buf, size_t size)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;

    if (get(fd, (struct sockaddr *)&ss, &len) < 0) {
        snprintf(buf, size, "?");
        return buf;
    }
    return sockaddr_str((struct sockaddr *)&ss, len, buf, size);
}

char *sock_local_str(int fd, char *buf, size_t size)
{
    return sock_name_str(fd, getsockname, buf, size);
}

char *sock_peer_str(int fd, char *buf, size_t size)
{
    return sock_name_str(fd, getpeername, buf, size);
}

const char *net_strerror(int errnum)
{
    switch (errnum) {
    case ECONNREFUSED: return "connexion refusée";
    case ETIMEDOUT: return "délai dépassé";
    case ECONNRESET: return "connexion réinitialisée par le pair";
    case EPIPE: return "connexion fermée par le pair";
    case EHOSTUNREACH: return "hôte injoignable";
    case ENETUNREACH: return "réseau injoignable";
    case EADDRINUSE: return "adresse déjà utilisée";
    case EADDRNOTAVAIL: return "adresse non disponible sur cette machine";
    case EACCES: return "permission refusée";
    case EAFNOSUPPORT: return "famille d'adresses non prise en charge";
    case EMFILE: return "trop de descripteurs ouverts";
    case ENFILE: return "trop de fichiers ouverts sur le système";
    case EINTR: return "interrompu";
    case ENOSPC: return "plus de place sur le périphérique";
    case EIO: return "erreur d'entrée-sortie";
    case EISDIR: return "est un répertoire";
    case EBADF: return "descripteur invalide";
    case ENOMEM: return "mémoire insuffisante";
    case ENOBUFS: return "tampons réseau épuisés";
    case EINVAL: return "argument invalide";
    case EPERM: return "opération non permise";
    case ENOENT: return "fichier ou dossier introuvable";
    case EAGAIN: return "ressource temporairement indisponible";
    case ENOTCONN: return "socket non connectée";
    case ENOSYS: return "fonction non implémentée";
    case ECONNABORTED: return "connexion abandonnée";
    case EMSGSIZE: return "message trop long pour un datagramme";
    case EPROTONOSUPPORT: return "protocole non pris en charge";
    case EFBIG: return "fichier trop grand";
    default: return "erreur système";
    }
}

const char *net_gai_strerror(int gai_err)
{
    switch (gai_err) {
    case EAI_NONAME: return "nom ou service inconnu";
    case EAI_AGAIN: return "échec temporaire de la résolution de nom";
    case EAI_FAIL: return "échec définitif de la résolution de nom";
    case EAI_SERVICE: return "service inconnu pour ce type de socket";
    case EAI_FAMILY: return "famille d'adresses non prise en charge";
    case EAI_MEMORY: return "mémoire insuffisante";
    case EAI_SOCKTYPE: return "type de socket non pris en charge";
    case EAI_BADFLAGS: return "options de résolution invalides";
    case EAI_OVERFLOW: return "tampon trop petit pour le résultat";
    case EAI_SYSTEM: return net_strerror(errno);
    default: return "erreur de résolution de nom";
    }
}
